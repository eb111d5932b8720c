package io.github.irls.query;

import java.util.OptionalDouble;

/**
 * How good a model was on its last window (or, in a history entry, on that update's window), by
 * progressive validation: every event scored by the coefficients in force when it arrived, before
 * it was learned from. Empty values where the update says nothing (no scored event, one class, no
 * variance, or an update from before these were published).
 *
 * @param logLoss weighted mean log-loss
 * @param brier weighted mean Brier score
 * @param expectedPositives sum of w p
 * @param observedPositives sum of w y
 * @param auc the binned AUC
 * @param aucErrorBound how far the binned AUC can be from the exact one
 * @param logLossZ how surprising the log-loss is under the model (about N(0, 1) while it is right)
 * @param driftSuspected whether {@code logLossZ} exceeded {@code drift.z.threshold}
 */
public record Quality(
    OptionalDouble logLoss,
    OptionalDouble brier,
    OptionalDouble expectedPositives,
    OptionalDouble observedPositives,
    OptionalDouble auc,
    OptionalDouble aucErrorBound,
    OptionalDouble logLossZ,
    boolean driftSuspected) {

  /** Nothing known. */
  public static final Quality NONE = new Quality(OptionalDouble.empty(), OptionalDouble.empty(),
      OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
      OptionalDouble.empty(), false);

  /** {@code value} as an optional; null and NaN are empty. */
  public static OptionalDouble of(final Double value) {
    return value == null || value.isNaN() ? OptionalDouble.empty() : OptionalDouble.of(value);
  }
}
