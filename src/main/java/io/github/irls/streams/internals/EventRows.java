package io.github.irls.streams.internals;

import io.github.irls.glm.Design;
import java.util.List;

/**
 * Keys and values of the open-window events store.
 *
 * <p>Key: int length of the model key, the model key's bytes, long sequence number (big-endian, so
 * a key's events sort in arrival order and one key's prefix is never a prefix of another's). Value:
 * format byte 1, then {@code p} feature doubles, label, weight, offset: {@code 1 + 8 (p + 3)} bytes.
 */
final class EventRows {

  static final byte FORMAT = 1;

  private EventRows() {}

  /** The prefix shared by all of a model's event keys. */
  static byte[] prefix(final byte[] modelKey) {
    final byte[] b = new byte[4 + modelKey.length];
    Bin.putInt(b, 0, modelKey.length);
    System.arraycopy(modelKey, 0, b, 4, modelKey.length);
    return b;
  }

  static byte[] key(final byte[] modelKey, final long seq) {
    final byte[] b = new byte[4 + modelKey.length + 8];
    Bin.putInt(b, 0, modelKey.length);
    System.arraycopy(modelKey, 0, b, 4, modelKey.length);
    Bin.putLong(b, 4 + modelKey.length, seq);
    return b;
  }

  static byte[] value(final List<Double> features, final double label, final double weight, final double offset) {
    final int p = features.size();
    final byte[] b = new byte[1 + 8 * (p + 3)];
    b[0] = FORMAT;
    int at = 1;
    for (int j = 0; j < p; j++) {
      Bin.putDouble(b, at, features.get(j));
      at += 8;
    }
    Bin.putDouble(b, at, label);
    Bin.putDouble(b, at + 8, weight);
    Bin.putDouble(b, at + 16, offset);
    return b;
  }

  /**
   * Appends the event in {@code value} to {@code design}; {@code row} (length >= p) is scratch and
   * is modified. Returns false, appending nothing, when the value does not hold {@code p} features.
   */
  static boolean addTo(final Design.Builder design, final byte[] value, final int p, final double[] row) {
    if (value == null || value.length != 1 + 8 * (p + 3) || value[0] != FORMAT) {
      return false;
    }
    int at = 1;
    for (int j = 0; j < p; j++) {
      row[j] = Bin.getDouble(value, at);
      at += 8;
    }
    design.add(row, 0, Bin.getDouble(value, at), Bin.getDouble(value, at + 8), Bin.getDouble(value, at + 16));
    return true;
  }
}
