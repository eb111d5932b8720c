package io.github.irls.serde;

import java.io.EOFException;
import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads Avro binary written with the {@code LabeledEvent} schema field by field straight into an
 * {@link EventBuffer}: features into a {@code double[]}, no generated record, no boxed list. The
 * same bytes decode to the same values as {@link AvroSerde}'s reader, and whatever that reader
 * refuses is refused here, with reason {@code UNDECODABLE_AVRO}: truncated input, an array longer
 * than the payload could hold, a bad union index, trailing bytes.
 */
final class AvroEventDecoder implements EventDecoder {

  private BinaryDecoder decoder;

  @Override
  public void decode(final byte[] bytes, final EventBuffer into) {
    if (bytes == null) {
      throw new EventDecodingException(EventDecodingException.Reason.MISSING_VALUE, "Event record has no value");
    }
    decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
    try {
      into.clear();
      // a double takes 8 bytes: a longer array than the payload could hold is corrupt, and is
      // refused before anything is read or allocated for it
      final long most = bytes.length / 8;
      for (long n = decoder.readArrayStart(); n != 0; n = decoder.arrayNext()) {
        if (n < 0 || n > most - into.features()) {
          throw new EOFException("an array of " + n + " doubles announced in a payload of only " + bytes.length
              + " bytes");
        }
        for (long i = 0; i < n; i++) {
          into.addFeature(decoder.readDouble());
        }
      }
      into.label(decoder.readDouble());
      into.weight(decoder.readDouble());
      into.offset(decoder.readDouble());
      final int branch = decoder.readIndex();
      if (branch == 1) {
        into.eventTime(decoder.readLong());
      } else if (branch != 0) {
        throw new IOException("union index " + branch + " of event_time is neither 0 (null) nor 1 (long)");
      }
      if (!decoder.isEnd()) {
        throw new EventDecodingException(EventDecodingException.Reason.UNDECODABLE_AVRO,
            "Not a LabeledEvent in Avro binary: trailing bytes after the record (" + bytes.length + " bytes in all)");
      }
    } catch (final IOException | RuntimeException e) {
      if (e instanceof EventDecodingException decoding) {
        throw decoding;
      }
      throw new EventDecodingException(EventDecodingException.Reason.UNDECODABLE_AVRO,
          "Not a LabeledEvent in Avro binary (" + bytes.length + " bytes): " + describe(e), e);
    }
  }

  private static String describe(final Throwable e) {
    final String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
