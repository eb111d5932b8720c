package io.github.irls.streams.internals;

import io.github.irls.serde.EventBuffer;
import io.github.irls.serde.EventDecoder;
import io.github.irls.serde.EventDecodingException;
import io.github.irls.serde.EventFormat;
import io.github.irls.serde.SchemaRegistryUnavailableException;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.streams.DeadLetterReason;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes raw event bytes and checks everything that does not need the key's state; forwards a
 * {@link ValidEvent} to the fitting processor or a {@link Rejection} to the dead-letter processor.
 * Never throws for bad input: whatever the bytes, the record goes one way or the other. A valid
 * event costs no allocation here: it is decoded into a reused {@link EventBuffer}.
 */
public final class ValidateProcessor extends ContextualProcessor<byte[], byte[], byte[], Routed> {

  /** The largest weight accepted (see {@link EventChecks#MAX_WEIGHT}). */
  public static final double MAX_WEIGHT = EventChecks.MAX_WEIGHT;

  private final String fitChild;
  private final String deadLetterChild;
  private final EventDecoder decoder;
  private final DeadLetterReason undecodable;
  private final int maxFeatures;
  private final EventBuffer buffer = new EventBuffer();
  private final ValidEvent valid = new ValidEvent(buffer);

  public ValidateProcessor(
      final EventFormat format, final int maxFeatures, final String fitChild, final String deadLetterChild) {
    this(format, format.decoder(), maxFeatures, fitChild, deadLetterChild);
  }

  /** A processor for events in {@code format} framed for a schema registry, read by {@code schemas}. */
  public ValidateProcessor(final EventFormat format, final WriterSchemas schemas, final int maxFeatures,
      final String fitChild, final String deadLetterChild) {
    this(format, format.decoder(schemas), maxFeatures, fitChild, deadLetterChild);
  }

  private ValidateProcessor(final EventFormat format, final EventDecoder decoder, final int maxFeatures,
      final String fitChild, final String deadLetterChild) {
    this.decoder = decoder;
    this.undecodable =
        format == EventFormat.JSON ? DeadLetterReason.UNDECODABLE_JSON : DeadLetterReason.UNDECODABLE_AVRO;
    this.maxFeatures = maxFeatures;
    this.fitChild = fitChild;
    this.deadLetterChild = deadLetterChild;
  }

  @Override
  public void process(final Record<byte[], byte[]> record) {
    final byte[] key = record.key();
    final Optional<Rejection> badKey = ModelKeys.problem(key, record.value(), "record");
    if (badKey.isPresent()) {
      context().forward(record.withValue(badKey.get()), deadLetterChild);
      return;
    }
    try {
      decoder.decode(record.value(), buffer);
    } catch (final EventDecodingException e) {
      reject(record, DeadLetterReason.of(e.reason(), undecodable), e.getMessage());
      return;
    } catch (final SchemaRegistryUnavailableException e) {
      // the gate lets a record through only once its schema is settled: never a dead letter
      throw e;
    } catch (final RuntimeException e) {
      // a decoder may fail in ways its contract does not name; the record is still a dead letter
      reject(record, record.value() == null ? DeadLetterReason.MISSING_VALUE : undecodable,
          e.getClass().getSimpleName() + ": " + e.getMessage());
      return;
    }
    final Optional<Rejection> bad = EventChecks.check(record.value(), buffer, maxFeatures);
    if (bad.isPresent()) {
      context().forward(record.withValue(bad.get()), deadLetterChild);
      return;
    }
    final long time = buffer.hasEventTime() ? buffer.eventTime() : record.timestamp();
    if (time < 0) {
      reject(record, DeadLetterReason.INVALID_EVENT_TIME, "The event time " + time + " is before the epoch");
      return;
    }
    context().forward(record.withValue(valid.set(record.value(), time)), fitChild);
  }

  private void reject(final Record<byte[], byte[]> record, final DeadLetterReason reason, final String message) {
    context().forward(record.withValue(new Rejection(record.value(), reason, message)), deadLetterChild);
  }
}
