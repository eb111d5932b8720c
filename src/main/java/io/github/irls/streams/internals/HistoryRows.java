package io.github.irls.streams.internals;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Keys and values of the per-key history store.
 *
 * <p>Key: int length of the model key, the model key's bytes, long version (big-endian, so a key's
 * updates sort by version and one key's prefix is never a prefix of another's). Value: the {@link
 * CoefficientUpdate} as Avro binary, without its covariance (a trajectory needs {@code O(d)} per
 * entry, not {@code O(d^2)}).
 */
public final class HistoryRows {

  private static final AvroSerde<CoefficientUpdate> SERDE = AvroSerde.of(CoefficientUpdate.class);

  private HistoryRows() {}

  static Bytes key(final byte[] modelKey, final long version) {
    final byte[] b = new byte[4 + modelKey.length + 8];
    Bin.putInt(b, 0, modelKey.length);
    System.arraycopy(modelKey, 0, b, 4, modelKey.length);
    Bin.putLong(b, 4 + modelKey.length, version);
    return Bytes.wrap(b);
  }

  static byte[] value(final CoefficientUpdate update) {
    return SERDE.encode(CoefficientUpdate.newBuilder(update).setCovariance(null).build());
  }

  /**
   * The last {@code limit} updates of {@code modelKey} in {@code store}, oldest first; empty when
   * it has none. Versions are positive, so the range from version 0 covers them all.
   */
  public static List<CoefficientUpdate> last(
      final ReadOnlyKeyValueStore<Bytes, byte[]> store, final String modelKey, final int limit) {
    final byte[] raw = modelKey.getBytes(StandardCharsets.UTF_8);
    final List<CoefficientUpdate> newestFirst = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.reverseRange(key(raw, 0), key(raw, Long.MAX_VALUE))) {
      while (it.hasNext() && newestFirst.size() < limit) {
        newestFirst.add(SERDE.decode(it.next().value));
      }
    }
    Collections.reverse(newestFirst);
    return newestFirst;
  }
}
