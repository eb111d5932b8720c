package io.github.irls.streams;

import io.github.irls.glm.ProgressiveValidation;
import java.util.Objects;
import java.util.Optional;
import io.github.irls.glm.CoefficientNames;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.StepStatus;
import java.util.List;

/**
 * One model as kept in the {@value IrlsTopology#MODELS_STORE} store and as interactive queries
 * return it: the posterior after the last closed window and what its last published update said,
 * so that {@code GET /models/{key}} and the last {@code CoefficientUpdate} on the topic agree.
 * Written only when a window closes (or a tombstone resets the model).
 *
 * @param features the number of features {@code p} (fixed by the key's first event); {@code d = p + 1}
 * @param version the version of the last published update (0 before the first window closed)
 * @param eventsTotal events folded into the model
 * @param weightTotal sum of their weights
 * @param lateEventsTotal of those, events that arrived later than the grace period allows
 * @param lastWindowEnd event time of the last closed window's latest event (-1 before the first)
 * @param status status of the last step, {@link StepStatus#RESET} after a tombstone
 * @param statusReason the last update's {@code status_reason} (empty when there was nothing to say)
 * @param featureNames the p feature names of the model spec in force at the last update, or empty
 *     for {@code x1..xp}
 * @param updatedAtMs wall-clock time (ms) at which the last update was made (-1 when unknown)
 * @param stepsSinceReset steps taken since the model started or was last reset (step mode {@code
 *     hybrid} iterates on a model's first windows)
 * @param posterior {@code b_t}, its standard errors and {@code P_t}
 * @param validation the progressive validation of the last closed window (empty before the first,
 *     after a reset, or for a model stored before it was kept)
 * @param driftSuspected whether the last update was marked {@code drift_suspected}
 */
public record ModelState(
    int features,
    long version,
    long eventsTotal,
    double weightTotal,
    long lateEventsTotal,
    long lastWindowEnd,
    StepStatus status,
    String statusReason,
    List<String> featureNames,
    long updatedAtMs,
    long stepsSinceReset,
    Posterior posterior,
    Optional<ProgressiveValidation> validation,
    boolean driftSuspected) {

  public ModelState {
    featureNames = List.copyOf(featureNames);
    Objects.requireNonNull(validation, "validation");
    if (posterior.features() != features) {
      throw new IllegalArgumentException(
          "a model with " + features + " features needs a posterior of dimension " + (features + 1));
    }
  }

  /** The number of coefficients {@code d = p + 1}. */
  public int dimension() {
    return features + 1;
  }

  /** {@code intercept} and the spec's feature names, or {@code intercept, x1, ..., xp}. */
  public List<String> coefficientNames() {
    return CoefficientNames.of(features, featureNames);
  }

  /** The status name as published ({@code OK}, {@code NON_FINITE}, {@code RESET}, ...). */
  public String lastStatus() {
    return status.name();
  }

  /** {@code b_t}, intercept first (length d); read-only. */
  public double[] coefficients() {
    return posterior.coefficients();
  }

  /** {@code sqrt(diag(P_t^-1))} (length d); read-only. */
  public double[] stdErrors() {
    return posterior.stdErrors();
  }

  /** {@code P_t} packed (see {@code PackedSymmetric}); read-only. */
  public double[] packedPrecision() {
    return posterior.packedPrecision();
  }
}
