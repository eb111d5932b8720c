package io.github.irls.streams.internals;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.glm.Design;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.StepResult;
import io.github.irls.glm.StepStatus;
import io.github.irls.glm.StreamingStep;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.StepMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds a closed window into its model: one {@link StreamingStep} from the stored posterior (or from
 * the prior, for a new or reset model), the model that results and the {@link CoefficientUpdate}
 * that says so. Pure: no Kafka, no clock (the caller passes the time).
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
   * Takes the step of {@code window} on {@code stored} (null for a model never stepped) in step
   * mode {@code mode}, under {@code spec}.
   */
  static Outcome fold(final String modelKey, final ModelState stored, final Design window, final Closed closed,
      final EffectiveSpec spec, final StepMode mode, final int maxIterations, final boolean publishCovariance,
      final long nowMs) {
    final int p = window.features();
    final boolean reset = stored != null && stored.status() == StepStatus.RESET;
    final ModelState previous =
        stored != null && stored.features() == p && !reset ? stored : startOver(stored, p, spec, nowMs);
    final StepResult step = StreamingStep.take(window, previous.posterior(), spec.stepOptions(mode, maxIterations));
    final String reason =
        reset ? RESET_REASON + (step.reason().isEmpty() ? "" : "; " + step.reason()) : step.reason();
    final List<String> names = spec.featureNamesFor(p);
    final ModelState next = step.accepted()
        ? new ModelState(p, previous.version() + 1, previous.eventsTotal() + closed.events(),
            previous.weightTotal() + closed.weight(), previous.lateEventsTotal() + closed.late(), closed.end(),
            step.status(), reason, names, nowMs, step.posterior())
        : new ModelState(p, previous.version() + 1, previous.eventsTotal(), previous.weightTotal(),
            previous.lateEventsTotal(), closed.end(), step.status(), reason, names, nowMs, previous.posterior());
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
            .setCovariance(publishCovariance ? boxed(step.covariance()) : null)
            .setWindowLoglik(saturated(step.windowLogLikelihood(), -Double.MAX_VALUE))
            .setGradientNorm(saturated(step.gradientNorm(), Double.MAX_VALUE))
            .setStepNorm(saturated(step.stepNorm(), Double.MAX_VALUE))
            .setIterations(step.iterations())
            .setStepMode(mode.configName())
            .setStatus(next.lastStatus())
            .setStatusReason(reason)
            .setRidgeAdded(saturated(step.ridgeAdded(), Double.MAX_VALUE))
            .build();
    return new Outcome(next, update);
  }

  /**
   * The model a tombstone leaves: the version of {@code stored} (versions keep increasing across a
   * reset), nothing counted, the prior of the defaults, status {@code RESET}.
   */
  static ModelState reset(final ModelState stored, final EffectiveSpec defaults, final long nowMs) {
    return new ModelState(stored.features(), stored.version(), 0, 0.0, 0, -1, StepStatus.RESET, "", List.of(),
        nowMs, Posterior.initial(stored.features(), defaults.lambdaIntercept(), defaults.lambda()));
  }

  /** The prior of {@code spec} for {@code p} features, with the version of {@code stored} (if any). */
  private static ModelState startOver(final ModelState stored, final int p, final EffectiveSpec spec,
      final long nowMs) {
    return new ModelState(p, stored == null ? 0 : stored.version(), 0, 0.0, 0, -1, StepStatus.NO_UPDATE_YET, "",
        List.of(), nowMs, Posterior.initial(p, spec.lambdaIntercept(), spec.lambda()));
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
