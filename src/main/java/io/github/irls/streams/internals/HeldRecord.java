package io.github.irls.streams.internals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record held back by the {@link RegistryGate} as it arrived: which source it came from, its
 * position, timestamp, key, value and headers, in the gate's store. Encoded as: source (1 byte),
 * partition (int), offset (long), timestamp (long), key and value (length-prefixed, -1 for null),
 * then the headers (count, then key and value of each, length-prefixed).
 *
 * @param spec whether it came from the model-spec topic (else the events topic)
 * @param topic the topic it was read from
 * @param partition its partition
 * @param offset its offset
 * @param timestamp its timestamp (as the timestamp extractor gave it)
 * @param key its key (may be null)
 * @param value its value (may be null)
 * @param headers its headers
 */
record HeldRecord(boolean spec, String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
    Headers headers) {

  byte[] encode() {
    final byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
    int size = 1 + 4 + topicBytes.length + 4 + 8 + 8 + length(key) + length(value) + 4;
    final Header[] all = headers.toArray();
    for (final Header h : all) {
      size += length(h.key().getBytes(StandardCharsets.UTF_8)) + length(h.value());
    }
    final ByteBuffer out = ByteBuffer.allocate(size);
    out.put((byte) (spec ? 1 : 0));
    put(out, topicBytes);
    out.putInt(partition).putLong(offset).putLong(timestamp);
    put(out, key);
    put(out, value);
    out.putInt(all.length);
    for (final Header h : all) {
      put(out, h.key().getBytes(StandardCharsets.UTF_8));
      put(out, h.value());
    }
    return out.array();
  }

  static HeldRecord decode(final byte[] bytes) {
    final ByteBuffer in = ByteBuffer.wrap(bytes);
    final boolean spec = in.get() == 1;
    final String topic = new String(get(in), StandardCharsets.UTF_8);
    final int partition = in.getInt();
    final long offset = in.getLong();
    final long timestamp = in.getLong();
    final byte[] key = get(in);
    final byte[] value = get(in);
    final int count = in.getInt();
    final Headers headers = new RecordHeaders();
    for (int i = 0; i < count; i++) {
      headers.add(new String(get(in), StandardCharsets.UTF_8), get(in));
    }
    return new HeldRecord(spec, topic, partition, offset, timestamp, key, value, headers);
  }

  private static int length(final byte[] b) {
    return 4 + (b == null ? 0 : b.length);
  }

  private static void put(final ByteBuffer out, final byte[] b) {
    if (b == null) {
      out.putInt(-1);
    } else {
      out.putInt(b.length).put(b);
    }
  }

  private static byte[] get(final ByteBuffer in) {
    final int n = in.getInt();
    if (n < 0) {
      return null;
    }
    final byte[] b = new byte[n];
    in.get(b);
    return b;
  }
}
