package io.github.irls.streams.internals;

import io.github.irls.avro.ModelSpec;
import io.github.irls.glm.CoefficientNames;
import io.github.irls.serde.AvroSerde;
import io.github.irls.streams.DeadLetterReason;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes model-spec records and checks everything that needs no state; forwards a {@link
 * SpecChange} (a spec or a tombstone) to the fitting processor, which owns the specs store, or a
 * {@link Rejection} to the dead-letter processor. Never throws for bad input.
 */
public final class SpecProcessor extends ContextualProcessor<byte[], byte[], byte[], Routed> {

  /** The longest feature name accepted, in characters. */
  static final int MAX_NAME_CHARS = 256;

  private final Deserializer<ModelSpec> decoder = AvroSerde.of(ModelSpec.class).deserializer();
  private final int maxFeatures;
  private final String fitChild;
  private final String deadLetterChild;

  public SpecProcessor(final int maxFeatures, final String fitChild, final String deadLetterChild) {
    this.maxFeatures = maxFeatures;
    this.fitChild = fitChild;
    this.deadLetterChild = deadLetterChild;
  }

  @Override
  public void process(final Record<byte[], byte[]> record) {
    final byte[] key = record.key();
    final Optional<Rejection> badKey = ModelKeys.problem(key, record.value(), "model spec");
    if (badKey.isPresent()) {
      context().forward(record.withValue(badKey.get()), deadLetterChild);
      return;
    }
    if (record.value() == null) {
      context().forward(record.withValue(new SpecChange(null, Optional.empty())), fitChild);
      return;
    }
    final ModelSpec spec;
    try {
      spec = decoder.deserialize(null, record.value());
    } catch (final RuntimeException e) {
      reject(record, DeadLetterReason.UNDECODABLE_SPEC, e.getMessage());
      return;
    }
    final String problem = problem(spec, maxFeatures);
    if (problem != null) {
      reject(record, DeadLetterReason.INVALID_SPEC, "Invalid model spec: " + problem + "; the previous spec stays");
      return;
    }
    context().forward(record.withValue(new SpecChange(record.value(), Optional.of(spec))), fitChild);
  }

  /** What is wrong with {@code spec} on its own, or null when nothing is. */
  static String problem(final ModelSpec spec, final int maxFeatures) {
    final Double lambda = spec.getLambda();
    if (lambda != null && !(lambda >= 0 && Double.isFinite(lambda))) {
      return "lambda must be a finite number >= 0, got " + lambda;
    }
    final Double lambdaIntercept = spec.getLambdaIntercept();
    if (lambdaIntercept != null && !(lambdaIntercept >= 0 && Double.isFinite(lambdaIntercept))) {
      return "lambda_intercept must be a finite number >= 0, got " + lambdaIntercept;
    }
    final Double gamma = spec.getGamma();
    if (gamma != null && !(gamma > 0 && gamma <= 1)) {
      return "gamma must be in (0, 1], got " + gamma;
    }
    final Long windowEvents = spec.getWindowEvents();
    if (windowEvents != null && windowEvents < 1) {
      return "window_events must be >= 1, got " + windowEvents;
    }
    final Long windowMs = spec.getWindowMs();
    if (windowMs != null && windowMs < 1) {
      return "window_ms must be >= 1, got " + windowMs;
    }
    final List<String> names = spec.getFeatureNames();
    if (names != null) {
      if (names.size() > maxFeatures) {
        return "feature_names has " + names.size() + " names; at most " + maxFeatures + " features are accepted";
      }
      final Set<String> seen = new HashSet<>();
      seen.add(CoefficientNames.INTERCEPT);
      for (int j = 0; j < names.size(); j++) {
        final String name = names.get(j);
        if (name == null || name.isBlank()) {
          return "feature name " + (j + 1) + " is empty";
        }
        if (name.length() > MAX_NAME_CHARS) {
          return "feature name " + (j + 1) + " has " + name.length() + " characters; at most " + MAX_NAME_CHARS;
        }
        if (!seen.add(name)) {
          return "feature name '" + name + "' appears twice (or is 'intercept')";
        }
      }
    }
    return null;
  }

  private void reject(final Record<byte[], byte[]> record, final DeadLetterReason reason, final String message) {
    context().forward(record.withValue(new Rejection(record.value(), reason, message)), deadLetterChild);
  }
}
