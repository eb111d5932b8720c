package io.github.irls.streams.internals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Value of the per-model dead-letter counts store: how many records of one model key were
 * dead-lettered, by reason. Layout: format byte 1, int n, then n times (short length, UTF-8 reason
 * name, long count). A handful of reasons at most, so tens of bytes.
 */
public final class KeyDeadLetters {

  static final byte FORMAT = 1;

  private KeyDeadLetters() {}

  /** The counts in {@code bytes}, by reason name; empty for null or foreign bytes. */
  public static Map<String, Long> decode(final byte[] bytes) {
    final Map<String, Long> counts = new TreeMap<>();
    if (bytes == null || bytes.length < 5 || bytes[0] != FORMAT) {
      return counts;
    }
    final int n = Bin.getInt(bytes, 1);
    int at = 5;
    for (int i = 0; i < n && at + 2 <= bytes.length; i++) {
      final int len = ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
      at += 2;
      if (at + len + 8 > bytes.length) {
        break;
      }
      final String reason = new String(bytes, at, len, StandardCharsets.UTF_8);
      at += len;
      counts.put(reason, Bin.getLong(bytes, at));
      at += 8;
    }
    return counts;
  }

  static byte[] encode(final Map<String, Long> counts) {
    int size = 5;
    for (final String reason : counts.keySet()) {
      size += 2 + reason.getBytes(StandardCharsets.UTF_8).length + 8;
    }
    final byte[] b = new byte[size];
    b[0] = FORMAT;
    Bin.putInt(b, 1, counts.size());
    int at = 5;
    for (final Map.Entry<String, Long> e : counts.entrySet()) {
      final byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      b[at] = (byte) (name.length >>> 8);
      b[at + 1] = (byte) name.length;
      at += 2;
      System.arraycopy(name, 0, b, at, name.length);
      at += name.length;
      Bin.putLong(b, at, e.getValue());
      at += 8;
    }
    return b;
  }

  /** {@code bytes} with one more record for {@code reason}. */
  static byte[] increment(final byte[] bytes, final String reason) {
    final Map<String, Long> counts = decode(bytes);
    counts.merge(reason, 1L, Long::sum);
    return encode(counts);
  }
}
