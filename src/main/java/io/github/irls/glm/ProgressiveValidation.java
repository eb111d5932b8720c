package io.github.irls.glm;

import java.util.OptionalDouble;

/**
 * How well a model predicted one window's events before it learned from them (progressive
 * validation: every event scored by the coefficients in force when it arrived). Weighted means,
 * with the event weights.
 *
 * @param weight the sum of the weights of the events scored
 * @param logLoss weighted mean of {@code -[y log p + (1 - y) log(1 - p)]}
 * @param brier weighted mean of {@code (y - p)^2}
 * @param expectedPositives {@code sum w p}: the positives the model expected
 * @param observedPositives {@code sum w y}: the positives that came
 * @param auc the area under the ROC curve of the window from {@link ProgressiveScore#AUC_BINS}
 *     score bins (pairs in one bin count as ties); empty when the window has one class only
 * @param aucErrorBound the most the binned AUC can differ from the exact one: half the share of
 *     (positive, negative) pairs that fell in the same bin; empty with {@code auc}
 * @param logLossZ {@code (sum w loss - sum w H(p)) / sqrt(sum w^2 p (1 - p) eta^2)}: how surprising
 *     the window's log-loss is if the model is true (about N(0, 1) then); empty when that variance
 *     is 0 (every event scored at p = 0.5, as a model with no update yet scores them)
 */
public record ProgressiveValidation(
    double weight,
    double logLoss,
    double brier,
    double expectedPositives,
    double observedPositives,
    OptionalDouble auc,
    OptionalDouble aucErrorBound,
    OptionalDouble logLossZ) {

  /** Whether the window's log-loss is more surprising than {@code threshold} standard deviations. */
  public boolean driftSuspected(final double threshold) {
    return logLossZ.isPresent() && logLossZ.getAsDouble() > threshold;
  }
}
