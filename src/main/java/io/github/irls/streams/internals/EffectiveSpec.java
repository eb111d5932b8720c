package io.github.irls.streams.internals;

import io.github.irls.avro.ModelSpec;
import io.github.irls.streams.TopologySettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings one model runs with: its model spec's values where the spec gives them, the
 * topology's defaults elsewhere.
 *
 * @param featureNames the p feature names of the spec (intercept not included), or null for x1..xp
 * @param lambda prior precision of each non-intercept coefficient (used for {@code P_0})
 * @param lambdaIntercept prior precision of the intercept (used for {@code P_0})
 * @param gamma forgetting factor in (0, 1]
 * @param windowEvents a window closes after this many events
 * @param windowMs a window closes when an event reaches its start plus this
 */
record EffectiveSpec(
    List<String> featureNames, double lambda, double lambdaIntercept, double gamma, long windowEvents,
    long windowMs) {

  static EffectiveSpec defaults(final TopologySettings s) {
    return new EffectiveSpec(null, s.lambda(), s.lambdaIntercept(), s.gamma(), s.windowEvents(), s.windowMs());
  }

  static EffectiveSpec of(final ModelSpec spec, final TopologySettings s) {
    return new EffectiveSpec(
        spec.getFeatureNames() == null ? null : List.copyOf(spec.getFeatureNames()),
        spec.getLambda() == null ? s.lambda() : spec.getLambda(),
        spec.getLambdaIntercept() == null ? s.lambdaIntercept() : spec.getLambdaIntercept(),
        spec.getGamma() == null ? s.gamma() : spec.getGamma(),
        spec.getWindowEvents() == null ? s.windowEvents() : spec.getWindowEvents(),
        spec.getWindowMs() == null ? s.windowMs() : spec.getWindowMs());
  }

  /** Whether the spec fixes the feature count, and {@code p} does not match it. */
  boolean contradicts(final int p) {
    return featureNames != null && featureNames.size() != p;
  }

  /** {@code intercept} and the spec's names, or {@code intercept, x1, ..., xp}. */
  List<String> coefficientNames(final int p) {
    final List<String> names = new ArrayList<>(p + 1);
    names.add("intercept");
    for (int j = 1; j <= p; j++) {
      names.add(featureNames != null && featureNames.size() == p ? featureNames.get(j - 1) : "x" + j);
    }
    return names;
  }
}
