package io.github.irls.streams.internals;

import io.github.irls.serde.EventBuffer;
import io.github.irls.streams.DeadLetterReason;
import java.util.Optional;

/**
 * The checks of a decoded event that need no state: feature count bound, finite features, label
 * in [0, 1], weight in [0, {@value #MAX_WEIGHT}], finite offset. Pure, and allocation-free for a
 * valid event (the per-event path).
 */
public final class EventChecks {

  /**
   * The largest weight accepted: far above any trial count or importance weight, and low enough
   * that a model's weight total cannot overflow to infinity.
   */
  public static final double MAX_WEIGHT = 1e15;

  private EventChecks() {}

  /** Why {@code event} (which arrived as {@code rawValue}) cannot be fitted, if it cannot. */
  public static Optional<Rejection> check(final byte[] rawValue, final EventBuffer event, final int maxFeatures) {
    final int p = event.features();
    if (p > maxFeatures) {
      return reject(rawValue, DeadLetterReason.TOO_MANY_FEATURES,
          "The event has " + p + " features; at most " + maxFeatures + " are accepted");
    }
    for (int j = 0; j < p; j++) {
      if (!Double.isFinite(event.feature(j))) {
        return nonFiniteFeature(rawValue, j, event.feature(j));
      }
    }
    final double label = event.label();
    if (!Double.isFinite(label)) {
      return reject(rawValue, DeadLetterReason.NON_FINITE_LABEL, "The label is " + label);
    }
    if (label < 0.0 || label > 1.0) {
      return reject(rawValue, DeadLetterReason.LABEL_OUT_OF_RANGE, "The label " + label + " is outside [0, 1]");
    }
    final double weight = event.weight();
    if (!(weight >= 0.0) || !(weight <= MAX_WEIGHT)) {
      return reject(rawValue, DeadLetterReason.INVALID_WEIGHT,
          "The weight " + weight + " is not a number in [0, " + MAX_WEIGHT + "]");
    }
    return Double.isFinite(event.offset()) ? Optional.empty() : nonFiniteOffset(rawValue, event.offset());
  }

  /**
   * Why the features {@code x} and {@code offset} of a scoring request (which arrived as {@code
   * rawValue}) cannot be scored, if they cannot: the checks, and the words, an event's get.
   */
  public static Optional<Rejection> checkScoring(final byte[] rawValue, final double[] x, final double offset) {
    for (int j = 0; j < x.length; j++) {
      if (!Double.isFinite(x[j])) {
        return nonFiniteFeature(rawValue, j, x[j]);
      }
    }
    return Double.isFinite(offset) ? Optional.empty() : nonFiniteOffset(rawValue, offset);
  }

  private static Optional<Rejection> nonFiniteFeature(final byte[] rawValue, final int j, final double x) {
    return reject(rawValue, DeadLetterReason.NON_FINITE_FEATURE, "Feature " + (j + 1) + " is " + x);
  }

  private static Optional<Rejection> nonFiniteOffset(final byte[] rawValue, final double offset) {
    return reject(rawValue, DeadLetterReason.NON_FINITE_OFFSET, "The offset is " + offset);
  }

  private static Optional<Rejection> reject(final byte[] rawValue, final DeadLetterReason reason,
      final String message) {
    return Optional.of(new Rejection(rawValue, reason, message));
  }
}
