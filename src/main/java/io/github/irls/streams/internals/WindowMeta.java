package io.github.irls.streams.internals;

import io.github.irls.streams.OpenWindow;
import java.nio.charset.StandardCharsets;

/**
 * The small per-key record written with every event: the open window's start, end, count, weight,
 * late count, the next sequence number of the events store and the last wall-clock activity. Also
 * fixes the key's feature count. Mutable and reused by one processor, so reading and updating it
 * allocates nothing; {@link #encode()} allocates the one array the store keeps.
 *
 * <p>Layout (61 bytes, big-endian): format byte 1, int features, long start, long end, long count,
 * double weight, long late, long nextSeq, long lastActivityMs.
 */
public final class WindowMeta {

  static final byte FORMAT = 1;
  static final int SIZE = 1 + 4 + 7 * 8;

  int features;
  long start;
  long end;
  long count;
  double weight;
  long late;
  long nextSeq;
  long lastActivityMs;

  /** Loads {@code bytes}; returns false (and leaves this unchanged) when they are not a window record. */
  boolean read(final byte[] bytes) {
    if (bytes == null || bytes.length != SIZE || bytes[0] != FORMAT) {
      return false;
    }
    features = Bin.getInt(bytes, 1);
    start = Bin.getLong(bytes, 5);
    end = Bin.getLong(bytes, 13);
    count = Bin.getLong(bytes, 21);
    weight = Bin.getDouble(bytes, 29);
    late = Bin.getLong(bytes, 37);
    nextSeq = Bin.getLong(bytes, 45);
    lastActivityMs = Bin.getLong(bytes, 53);
    return true;
  }

  /** A fresh key with {@code features} features and no open window. */
  void reset(final int features) {
    this.features = features;
    this.start = 0;
    this.end = 0;
    this.count = 0;
    this.weight = 0;
    this.late = 0;
    this.nextSeq = 0;
    this.lastActivityMs = 0;
  }

  /** Empties the window; the feature count and the sequence counter stay. */
  void clearWindow() {
    start = 0;
    end = 0;
    count = 0;
    weight = 0;
    late = 0;
  }

  byte[] encode() {
    final byte[] b = new byte[SIZE];
    b[0] = FORMAT;
    Bin.putInt(b, 1, features);
    Bin.putLong(b, 5, start);
    Bin.putLong(b, 13, end);
    Bin.putLong(b, 21, count);
    Bin.putDouble(b, 29, weight);
    Bin.putLong(b, 37, late);
    Bin.putLong(b, 45, nextSeq);
    Bin.putLong(b, 53, lastActivityMs);
    return b;
  }

  /** Decodes a stored window record (for interactive queries); null when it is not one. */
  public static OpenWindow decode(final byte[] key, final byte[] value) {
    final WindowMeta m = new WindowMeta();
    if (!m.read(value)) {
      return null;
    }
    return new OpenWindow(
        new String(key, StandardCharsets.UTF_8), m.features, m.start, m.end, m.count, m.weight,
        m.late, m.lastActivityMs);
  }
}
