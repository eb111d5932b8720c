package io.github.irls.metrics;

import io.github.irls.glm.ProgressiveValidation;
import io.github.irls.streams.ModelState;
import java.util.OptionalDouble;

/**
 * One pass over the models hosted here, as a scrape reads them: how many there are, how many were
 * marked {@code drift_suspected} by their last update, and how many have a last {@code logloss_z}
 * of at most each of {@link #Z_BOUNDS} in absolute value (cumulative, as Prometheus' {@code le}
 * buckets are). A model whose last window has no z (scored at p = 0.5: its first window, or the
 * first after a reset) is in no bucket, so the last bucket, {@code +Inf}, counts the models with a z.
 * Distributions over all models, never one value per key, so the series stay few whatever the keys.
 */
final class ModelQualityTally {

  /** The finite bucket bounds of {@code |logloss_z|}: standard deviations of a model that is right. */
  static final double[] Z_BOUNDS = {1, 2, 3, 4};

  private long models;
  private long driftSuspected;
  /** Models with {@code |z| <= Z_BOUNDS[i]}, and in the last place all models with a z. */
  private final long[] zAtMost = new long[Z_BOUNDS.length + 1];

  /** Counts {@code state}. */
  void add(final ModelState state) {
    models++;
    if (state.driftSuspected()) {
      driftSuspected++;
    }
    final OptionalDouble z = state.validation().map(ProgressiveValidation::logLossZ).orElse(OptionalDouble.empty());
    if (z.isEmpty() || Double.isNaN(z.getAsDouble())) {
      return;
    }
    final double abs = Math.abs(z.getAsDouble());
    for (int i = 0; i < Z_BOUNDS.length; i++) {
      if (abs <= Z_BOUNDS[i]) {
        zAtMost[i]++;
      }
    }
    zAtMost[Z_BOUNDS.length]++;
  }

  long models() {
    return models;
  }

  long driftSuspected() {
    return driftSuspected;
  }

  /** Models whose last {@code |logloss_z|} is at most bucket {@code i}'s bound; the last bucket is {@code +Inf}. */
  long zAtMost(final int bucket) {
    return zAtMost[bucket];
  }

  /** The {@code le} label of bucket {@code i}: {@code "1"}, ..., {@code "+Inf"}. */
  static String bucketLabel(final int bucket) {
    return bucket < Z_BOUNDS.length ? String.valueOf((long) Z_BOUNDS[bucket]) : "+Inf";
  }

  /** The number of buckets, {@code +Inf} included. */
  static int buckets() {
    return Z_BOUNDS.length + 1;
  }
}
