package io.github.irls.streams.internals;

import io.github.irls.avro.ModelSpec;
import io.github.irls.streams.TopologySettings;
import java.util.List;
import java.util.Optional;

/**
 * The settings one model runs with: its model spec's values where the spec gives them, the
 * topology's defaults elsewhere.
 *
 * @param featureNames the p feature names of the spec (intercept not included), if it names them
 * @param lambda prior precision of each non-intercept coefficient (used for {@code P_0})
 * @param lambdaIntercept prior precision of the intercept (used for {@code P_0})
 * @param gamma forgetting factor in (0, 1]
 * @param windowEvents a window closes after this many events
 * @param windowMs a window closes when an event reaches its start plus this
 */
record EffectiveSpec(
    Optional<List<String>> featureNames, double lambda, double lambdaIntercept, double gamma, long windowEvents,
    long windowMs) {

  static EffectiveSpec defaults(final TopologySettings s) {
    return new EffectiveSpec(Optional.empty(), s.lambda(), s.lambdaIntercept(), s.gamma(), s.windowEvents(),
        s.windowMs());
  }

  static EffectiveSpec of(final ModelSpec spec, final TopologySettings s) {
    return new EffectiveSpec(
        Optional.ofNullable(spec.getFeatureNames()).map(List::copyOf),
        spec.getLambda() == null ? s.lambda() : spec.getLambda(),
        spec.getLambdaIntercept() == null ? s.lambdaIntercept() : spec.getLambdaIntercept(),
        spec.getGamma() == null ? s.gamma() : spec.getGamma(),
        spec.getWindowEvents() == null ? s.windowEvents() : spec.getWindowEvents(),
        spec.getWindowMs() == null ? s.windowMs() : spec.getWindowMs());
  }

  /** Whether the spec fixes the feature count, and {@code p} does not match it. */
  boolean contradicts(final int p) {
    return featureNames.isPresent() && featureNames.get().size() != p;
  }

  /** The spec's names when they name exactly {@code p} features; empty (x1..xp) otherwise. */
  List<String> featureNamesFor(final int p) {
    return featureNames.filter(names -> names.size() == p).orElse(List.of());
  }
}
