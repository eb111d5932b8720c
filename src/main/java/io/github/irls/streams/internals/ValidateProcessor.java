package io.github.irls.streams.internals;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.serde.EventDecodingException;
import io.github.irls.serde.EventFormat;
import io.github.irls.streams.DeadLetterReason;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes raw event bytes and checks everything that does not need the key's state; forwards a
 * {@link ValidEvent} to the fitting processor or a {@link Rejection} to the dead-letter processor.
 * Never throws for bad input: whatever the bytes, the record goes one way or the other.
 */
public final class ValidateProcessor extends ContextualProcessor<byte[], byte[], byte[], Routed> {

  /**
   * The largest weight accepted: far above any trial count or importance weight, and low enough
   * that a model's weight total cannot overflow to infinity.
   */
  public static final double MAX_WEIGHT = 1e15;

  private final String fitChild;
  private final String deadLetterChild;
  private final Deserializer<LabeledEvent> decoder;
  private final DeadLetterReason undecodable;
  private final int maxFeatures;

  public ValidateProcessor(
      final EventFormat format, final int maxFeatures, final String fitChild, final String deadLetterChild) {
    this.decoder = format.serde().deserializer();
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
    final LabeledEvent event;
    try {
      event = decoder.deserialize(null, record.value());
    } catch (final EventDecodingException e) {
      reject(record, DeadLetterReason.of(e.reason(), undecodable), e.getMessage());
      return;
    } catch (final RuntimeException e) {
      // a decoder may fail in ways its contract does not name; the record is still a dead letter
      reject(record, record.value() == null ? DeadLetterReason.MISSING_VALUE : undecodable,
          e.getClass().getSimpleName() + ": " + e.getMessage());
      return;
    }
    if (event == null) {
      reject(record, DeadLetterReason.MISSING_VALUE, "The record has no value");
      return;
    }
    final List<Double> features = event.getFeatures();
    if (features == null) {
      reject(record, DeadLetterReason.NON_FINITE_FEATURE, "The event has no features array");
      return;
    }
    final int p = features.size();
    if (p > maxFeatures) {
      reject(record, DeadLetterReason.TOO_MANY_FEATURES,
          "The event has " + p + " features; at most " + maxFeatures + " are accepted");
      return;
    }
    for (int j = 0; j < p; j++) {
      final Double x = features.get(j);
      if (x == null || !Double.isFinite(x)) {
        reject(record, DeadLetterReason.NON_FINITE_FEATURE, "Feature " + (j + 1) + " is " + x);
        return;
      }
    }
    final double label = event.getLabel();
    if (!Double.isFinite(label)) {
      reject(record, DeadLetterReason.NON_FINITE_LABEL, "The label is " + label);
      return;
    }
    if (label < 0.0 || label > 1.0) {
      reject(record, DeadLetterReason.LABEL_OUT_OF_RANGE, "The label " + label + " is outside [0, 1]");
      return;
    }
    final double weight = event.getWeight();
    if (!(weight >= 0.0) || !(weight <= MAX_WEIGHT)) {
      reject(record, DeadLetterReason.INVALID_WEIGHT,
          "The weight " + weight + " is not a number in [0, " + MAX_WEIGHT + "]");
      return;
    }
    if (!Double.isFinite(event.getOffset())) {
      reject(record, DeadLetterReason.NON_FINITE_OFFSET, "The offset is " + event.getOffset());
      return;
    }
    final Instant eventTime = event.getEventTime();
    final long time = eventTime == null ? record.timestamp() : eventTime.toEpochMilli();
    if (time < 0) {
      reject(record, DeadLetterReason.INVALID_EVENT_TIME, "The event time " + time + " is before the epoch");
      return;
    }
    context().forward(record.withValue(new ValidEvent(record.value(), event, time)), fitChild);
  }

  private void reject(final Record<byte[], byte[]> record, final DeadLetterReason reason, final String message) {
    context().forward(record.withValue(new Rejection(record.value(), reason, message)), deadLetterChild);
  }
}
