package io.github.irls.glm;

import java.util.Arrays;

/**
 * The sufficient statistics of one window for a single Newton step (step mode {@code newton}):
 * the information {@code X'WX}, the score, the log-likelihood, counts and weights of the window's
 * events, all at the coefficients {@code b} the step starts from, plus the largest |x_j| of every
 * feature (which bounds how far a step can move any event's linear predictor). {@code O(d^2)}
 * whatever the window size: the events themselves are not kept.
 *
 * <p>Mutable and reused: {@link #add} allocates nothing (it is the per-event hot loop of a newton
 * window). Not thread-safe.
 */
public final class WindowStatistics {

  private final int p;
  private final Accumulator accumulator;
  private final double[] maxAbs;
  private final ProgressiveScore progressive = new ProgressiveScore();

  /** Empty statistics of a model with {@code p} features at {@code b = 0}. */
  public WindowStatistics(final int p) {
    this.p = p;
    this.accumulator = new Accumulator(Binomial.LOGIT, new double[p + 1]);
    this.maxAbs = new double[p];
  }

  /** The statistics of {@code design}'s rows at {@code beta} (length d): what a newton window holds at its close. */
  public static WindowStatistics of(final Design design, final double[] beta) {
    final WindowStatistics stats = new WindowStatistics(design.features()).reset(beta);
    final double[] x = new double[Math.max(1, design.features())];
    final double[] y = design.y();
    final double[] w = design.weight();
    final double[] o = design.offset();
    for (int i = 0; i < design.rows(); i++) {
      design.row(i, x);
      stats.add(x, 0, y[i], w[i], o[i]);
    }
    return stats;
  }

  /** Forgets every event and moves to {@code beta} (length d, copied). Returns this. */
  public WindowStatistics reset(final double[] beta) {
    accumulator.reset(beta);
    Arrays.fill(maxAbs, 0.0);
    progressive.reset();
    return this;
  }

  /** Adds one event whose features are {@code x[from .. from + p)} (not modified). */
  public void add(final double[] x, final int from, final double y, final double weight, final double offset) {
    accumulator.add(x, from, y, weight, offset);
    // the coefficients the statistics are at are those in force: the event is scored before it is learned from
    progressive.add(accumulator.lastLinearPredictor(), y, weight);
    for (int j = 0; j < p; j++) {
      final double a = Math.abs(x[from + j]);
      if (a > maxAbs[j]) {
        maxAbs[j] = a;
      }
    }
  }

  /**
   * Sets these statistics to saved ones (e.g. read back from a state store); the arrays are copied.
   *
   * @param beta the coefficients they were accumulated at
   * @param packedInformation {@code X'WX} packed
   * @param score {@code X'(y - mu)} (weighted)
   * @param maxAbsFeatures the largest |x_j| seen, per feature
   */
  public WindowStatistics restore(final double[] beta, final double[] packedInformation, final double[] score,
      final double[] maxAbsFeatures, final long count, final double weightSum, final double logLikelihood,
      final long extremeFitted, final boolean nonFinite) {
    if (maxAbsFeatures.length != p) {
      throw new IllegalArgumentException("expected " + p + " feature bounds, got " + maxAbsFeatures.length);
    }
    accumulator.restore(beta, packedInformation, score, count, weightSum, logLikelihood, 0.0, extremeFitted,
        nonFinite);
    System.arraycopy(maxAbsFeatures, 0, maxAbs, 0, p);
    progressive.reset();
    return this;
  }

  /**
   * The progressive score of the window's events at {@link #beta} (the coefficients in force when
   * they came): read it, or restore saved state into it after {@link #restore}.
   */
  public ProgressiveScore progressive() {
    return progressive;
  }

  /** The number of features {@code p}. */
  public int features() {
    return p;
  }

  /** The coefficients the statistics are evaluated at (a copy). */
  public double[] beta() {
    return accumulator.beta();
  }

  /** {@code X'WX} packed at {@link #beta} (a view; do not modify). */
  public double[] packedInformation() {
    return accumulator.packedInformation();
  }

  /** The score at {@link #beta} (a view; do not modify). */
  public double[] score() {
    return accumulator.score();
  }

  /** The largest |x_j| of the window's events, per feature (a view; do not modify). */
  public double[] maxAbsFeatures() {
    return maxAbs;
  }

  /** Events added (zero weights included). */
  public long count() {
    return accumulator.count();
  }

  public double weightSum() {
    return accumulator.weightSum();
  }

  /** The weighted log-likelihood at {@link #beta}. */
  public double logLikelihood() {
    return accumulator.logLikelihood();
  }

  /** Events whose fitted probability at {@link #beta} is numerically 0 or 1 (|eta| > 30). */
  public long extremeFitted() {
    return accumulator.extremeFitted();
  }

  /** Whether any event produced a non-finite linear predictor, weight or score. */
  public boolean sawNonFinite() {
    return accumulator.sawNonFinite();
  }
}
