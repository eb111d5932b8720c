package io.github.irls.streams.internals;

import io.github.irls.glm.ProgressiveValidation;
import java.util.Optional;
import java.util.OptionalDouble;
import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.StepResult;
import io.github.irls.glm.StepStatus;
import io.github.irls.streams.ModelState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Folds a closed window into its model: one streaming step from the stored posterior (or from the
 * prior, for a new or reset model), the model that results and the {@link CoefficientUpdate} that
 * says so. Pure: no Kafka, no clock (the caller passes the time).
 */
final class WindowFold {

  /** The status_reason of the first update after a reset. */
  static final String RESET_REASON = "model reset by tombstone";

  /**
   * What a closed window held besides its events.
   *
   * @param start event time of its first event
   * @param end its latest event time
   * @param events events folded (rows of the design)
   * @param weight sum of their weights
   * @param late of those, events older than the window start by more than the grace period
   */
  record Closed(long start, long end, long events, double weight, long late) {}

  /**
   * The model after the step and the update that publishes it.
   *
   * @param model the model to store
   * @param update the update to publish
   */
  record Outcome(ModelState model, CoefficientUpdate update) {}

  private WindowFold() {}

  /**
   * Takes the step of a closed window on {@code stored} (null for a model never stepped) with {@code
   * step}, which the caller binds to the window's events or statistics, under {@code spec}.
   *
   * @param p the window's feature count
   * @param stepMode the step mode published with the update
   */
  static Outcome fold(final String modelKey, final ModelState stored, final int p, final Closed closed,
      final EffectiveSpec spec, final Function<Posterior, StepResult> step,
      final Function<Posterior, ProgressiveValidation> scoring, final String stepMode,
      final boolean publishCovariance, final double driftZThreshold, final long nowMs) {
    final boolean reset = isReset(stored);
    final ModelState previous = continues(stored, p) ? stored : startOver(stored, p, spec, nowMs);
    // the window's events were in force under the previous coefficients: scored before the step
    final ProgressiveValidation validation = scoring.apply(previous.posterior());
    final Optional<ProgressiveValidation> scored =
        validation.weight() > 0 ? Optional.of(validation) : Optional.empty();
    final boolean drift = validation.driftSuspected(driftZThreshold);
    final StepResult result = step.apply(previous.posterior());
    final String reason =
        reset ? RESET_REASON + (result.reason().isEmpty() ? "" : "; " + result.reason()) : result.reason();
    final List<String> names = spec.featureNamesFor(p);
    final long steps = previous.stepsSinceReset() + 1;
    final ModelState next = result.accepted()
        ? new ModelState(p, previous.version() + 1, previous.eventsTotal() + closed.events(),
            previous.weightTotal() + closed.weight(), previous.lateEventsTotal() + closed.late(), closed.end(),
            result.status(), reason, names, nowMs, steps, result.posterior(), scored, drift)
        : new ModelState(p, previous.version() + 1, previous.eventsTotal(), previous.weightTotal(),
            previous.lateEventsTotal(), closed.end(), result.status(), reason, names, nowMs, steps,
            previous.posterior(), scored, drift);
    final CoefficientUpdate update =
        CoefficientUpdate.newBuilder()
            .setModelKey(modelKey)
            .setVersion(next.version())
            .setWindowStart(closed.start())
            .setWindowEnd(closed.end())
            .setWindowEvents(closed.events())
            .setWindowWeight(closed.weight())
            .setEventsTotal(next.eventsTotal())
            .setWeightTotal(next.weightTotal())
            .setLateEvents(closed.late())
            .setFeatureNames(next.coefficientNames())
            .setCoefficients(boxed(next.coefficients()))
            .setStdErrors(boxed(next.stdErrors()))
            .setCovariance(publishCovariance ? boxed(result.covariance()) : null)
            .setWindowLoglik(saturated(result.windowLogLikelihood(), -Double.MAX_VALUE))
            .setGradientNorm(saturated(result.gradientNorm(), Double.MAX_VALUE))
            .setStepNorm(saturated(result.stepNorm(), Double.MAX_VALUE))
            .setIterations(result.iterations())
            .setStepMode(stepMode)
            .setStatus(next.lastStatus())
            .setStatusReason(reason)
            .setRidgeAdded(saturated(result.ridgeAdded(), Double.MAX_VALUE))
            .setProgressiveLogloss(scored.map(ProgressiveValidation::logLoss).orElse(null))
            .setProgressiveBrier(scored.map(ProgressiveValidation::brier).orElse(null))
            .setExpectedPositives(scored.map(ProgressiveValidation::expectedPositives).orElse(null))
            .setObservedPositives(scored.map(ProgressiveValidation::observedPositives).orElse(null))
            .setProgressiveAuc(boxed(validation.auc()))
            .setProgressiveAucErrorBound(boxed(validation.aucErrorBound()))
            .setLoglossZ(boxed(validation.logLossZ()))
            .setDriftSuspected(drift)
            .build();
    return new Outcome(next, update);
  }

  /**
   * The model a tombstone leaves: the version of {@code stored} (versions keep increasing across a
   * reset), nothing counted, the prior of the defaults, status {@code RESET}.
   */
  static ModelState reset(final ModelState stored, final EffectiveSpec defaults, final long nowMs) {
    return new ModelState(stored.features(), stored.version(), 0, 0.0, 0, -1, StepStatus.RESET, "", List.of(),
        nowMs, 0, Posterior.initial(stored.features(), defaults.lambdaIntercept(), defaults.lambda()),
        Optional.empty(), false);
  }

  /**
   * The coefficients the next step of a model with {@code p} features starts from: the stored ones
   * when the model continues, else the prior's zeros. A window that keeps only statistics
   * accumulates them there.
   */
  static double[] startingCoefficients(final ModelState stored, final int p) {
    return continues(stored, p) ? stored.coefficients() : new double[p + 1];
  }

  /**
   * How many steps the model has taken since it started or was last reset, as of its next step's
   * start (0 for a new or reset model, or one whose feature count changed).
   */
  static long stepsSinceReset(final ModelState stored, final int p) {
    return continues(stored, p) ? stored.stepsSinceReset() : 0;
  }

  /** Whether the next step of {@code p} features continues from {@code stored} rather than from the prior. */
  private static boolean continues(final ModelState stored, final int p) {
    return stored != null && stored.features() == p && !isReset(stored);
  }

  private static boolean isReset(final ModelState stored) {
    return stored != null && stored.status() == StepStatus.RESET;
  }

  /** The prior of {@code spec} for {@code p} features, with the version of {@code stored} (if any). */
  private static ModelState startOver(final ModelState stored, final int p, final EffectiveSpec spec,
      final long nowMs) {
    return new ModelState(p, stored == null ? 0 : stored.version(), 0, 0.0, 0, -1, StepStatus.NO_UPDATE_YET, "",
        List.of(), nowMs, 0, Posterior.initial(p, spec.lambdaIntercept(), spec.lambda()), Optional.empty(), false);
  }

  /** An optional value as the nullable field Avro's generated classes take. */
  private static Double boxed(final OptionalDouble v) {
    return v.isPresent() ? v.getAsDouble() : null;
  }

  private static List<Double> boxed(final double[] v) {
    final List<Double> out = new ArrayList<>(v.length);
    for (final double x : v) {
      out.add(x);
    }
    return out;
  }

  /** {@code v}, or {@code bound} with the sign of an infinite {@code v}, when it is not finite. */
  private static double saturated(final double v, final double bound) {
    if (Double.isFinite(v)) {
      return v;
    }
    if (v == Double.POSITIVE_INFINITY) {
      return Double.MAX_VALUE;
    }
    return v == Double.NEGATIVE_INFINITY ? -Double.MAX_VALUE : bound;
  }
}
