package io.github.irls.serde;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads Avro binary written with the {@code LabeledEvent} schema field by field straight into an
 * {@link EventBuffer}: features into a {@code double[]}, no generated record, no boxed list, no
 * decoder object per record — nothing is allocated for a valid event. The schema is fixed and
 * small (an array of doubles, three doubles, a union of null and a long), so its binary encoding is
 * read here directly: zig-zag varints for counts and longs, little-endian doubles. The same bytes
 * decode to the same values as {@link AvroSerde}'s reader, and whatever that reader refuses is
 * refused here, with reason {@code UNDECODABLE_AVRO}: truncated input, a malformed varint, an array
 * longer than the payload could hold, a bad union index, trailing bytes (a property test holds the
 * two against each other).
 */
final class AvroEventDecoder implements EventDecoder {

  private static final VarHandle DOUBLE_LE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] in;
  private int at;

  @Override
  public void decode(final byte[] bytes, final EventBuffer into) {
    if (bytes == null) {
      throw new EventDecodingException(EventDecodingException.Reason.MISSING_VALUE, "Event record has no value");
    }
    decode(bytes, 0, into);
  }

  /**
   * Decodes the Avro binary that fills {@code bytes} from {@code from} to its end (after a
   * registry's framing, say) into {@code into}; refuses what {@link #decode(byte[], EventBuffer)}
   * refuses.
   */
  void decode(final byte[] bytes, final int from, final EventBuffer into) {
    in = bytes;
    at = from;
    into.clear();
    // a double takes 8 bytes: a longer array than the payload could hold is corrupt, and is
    // refused before anything is read or allocated for it
    final long most = (bytes.length - from) / 8;
    for (long n = blockCount(); n != 0; n = blockCount()) {
      if (n > most - into.features()) {
        throw invalid("an array of " + n + " doubles announced in a payload of only " + bytes.length + " bytes");
      }
      for (long i = 0; i < n; i++) {
        into.addFeature(readDouble());
      }
    }
    into.label(readDouble());
    into.weight(readDouble());
    into.offset(readDouble());
    final long branch = readLong(5);
    if (branch == 1) {
      into.eventTime(readLong(10));
    } else if (branch != 0) {
      throw invalid("union index " + branch + " of event_time is neither 0 (null) nor 1 (long)");
    }
    if (at != bytes.length) {
      throw new EventDecodingException(EventDecodingException.Reason.UNDECODABLE_AVRO,
          "Not a LabeledEvent in Avro binary: trailing bytes after the record (" + bytes.length + " bytes in all)");
    }
  }

  /** The item count of the next array block (a negative count is followed by the block's size in bytes). */
  private long blockCount() {
    final long count = readLong(10);
    if (count >= 0) {
      return count;
    }
    readLong(10); // the block's size in bytes, which a reader of every item does not need
    if (count == Long.MIN_VALUE) {
      throw invalid("an array block count of " + count);
    }
    return -count;
  }

  /** A zig-zag varint of at most {@code maxBytes} bytes (5 for an int, 10 for a long). */
  private long readLong(final int maxBytes) {
    long raw = 0;
    for (int shift = 0, i = 0; ; shift += 7, i++) {
      if (i == maxBytes) {
        throw invalid("a malformed variable-length integer at byte " + at);
      }
      if (at >= in.length) {
        throw invalid("the payload ends inside a variable-length integer (" + in.length + " bytes)");
      }
      final int b = in[at++] & 0xff;
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
  }

  private double readDouble() {
    if (at + 8 > in.length) {
      throw invalid("the payload ends inside a double (" + in.length + " bytes)");
    }
    final double v = (double) DOUBLE_LE.get(in, at);
    at += 8;
    return v;
  }

  private EventDecodingException invalid(final String detail) {
    return new EventDecodingException(EventDecodingException.Reason.UNDECODABLE_AVRO,
        "Not a LabeledEvent in Avro binary (" + in.length + " bytes): " + detail);
  }
}
