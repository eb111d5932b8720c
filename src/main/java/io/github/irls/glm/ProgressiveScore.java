package io.github.irls.glm;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Accumulates the progressive validation of one window ({@link ProgressiveValidation}): each event
 * is added with its linear predictor {@code eta} under the coefficients in force when it arrived.
 * {@code O(1)} state whatever the window size: eight sums and two histograms of
 * {@value #AUC_BINS} bins (the weights of positives and negatives by {@code eta}).
 *
 * <p>Everything is computed from {@code eta}, never from a rounded {@code p}: the log-loss of an
 * event is {@code softplus(eta) - y eta}, its expectation under the model {@code H(p) =
 * softplus(eta) - p eta}, its variance {@code p (1 - p) eta^2}.
 *
 * <p>Mutable and reused: {@link #add} allocates nothing. Not thread-safe.
 */
public final class ProgressiveScore {

  /** Score bins of the AUC histograms: equal widths in {@code eta} over {@code [-ETA_RANGE, ETA_RANGE]}. */
  public static final int AUC_BINS = 64;
  /** Linear predictors beyond +-8 (p below 3.4e-4 or above 1 - 3.4e-4) share the outermost bins. */
  public static final double ETA_RANGE = 8.0;
  /** How many doubles {@link #state} holds: eight sums and the two histograms. */
  public static final int STATE_SIZE = 8 + 2 * AUC_BINS;

  private static final double BIN_WIDTH = 2 * ETA_RANGE / AUC_BINS;

  private double weight;
  private double logLoss;
  private double brier;
  private double expected;
  private double observed;
  private double entropy;
  private double lossVariance;
  /** Events not scored: a non-finite linear predictor (they are not counted anywhere). */
  private double unscored;
  private final double[] positives = new double[AUC_BINS];
  private final double[] negatives = new double[AUC_BINS];

  /** Forgets every event. Returns this. */
  public ProgressiveScore reset() {
    weight = 0;
    logLoss = 0;
    brier = 0;
    expected = 0;
    observed = 0;
    entropy = 0;
    lossVariance = 0;
    unscored = 0;
    Arrays.fill(positives, 0.0);
    Arrays.fill(negatives, 0.0);
    return this;
  }

  /**
   * Scores one event: label {@code y} in [0, 1], weight {@code w}, linear predictor {@code eta}
   * under the coefficients in force. Zero weights count nothing; a non-finite {@code eta} is not
   * scored.
   */
  public void add(final double eta, final double y, final double w) {
    if (w == 0.0) {
      return;
    }
    if (!Double.isFinite(eta)) {
      unscored += w;
      return;
    }
    // one exponential for both: softplus(eta) = max(eta, 0) + log1p(e), p from e, e = exp(-|eta|)
    final double e = Math.exp(-Math.abs(eta));
    final double softplus = Math.max(eta, 0.0) + Math.log1p(e);
    final double p = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    weight += w;
    logLoss += w * (softplus - y * eta);
    brier += w * (y - p) * (y - p);
    expected += w * p;
    observed += w * y;
    entropy += w * (softplus - p * eta);
    lossVariance += w * w * p * (1.0 - p) * eta * eta;
    final int bin = bin(eta);
    positives[bin] += w * y;
    negatives[bin] += w * (1.0 - y);
  }

  /** The bin of {@code eta} in the AUC histograms. */
  public static int bin(final double eta) {
    final int b = (int) Math.floor((eta + ETA_RANGE) / BIN_WIDTH);
    return Math.max(0, Math.min(AUC_BINS - 1, b));
  }

  /** The window's validation so far. */
  public ProgressiveValidation result() {
    final double nan = Double.NaN;
    if (weight == 0.0) {
      return new ProgressiveValidation(0.0, nan, nan, 0.0, 0.0, OptionalDouble.empty(), OptionalDouble.empty(),
          OptionalDouble.empty());
    }
    double allPositives = 0;
    double allNegatives = 0;
    for (int b = 0; b < AUC_BINS; b++) {
      allPositives += positives[b];
      allNegatives += negatives[b];
    }
    OptionalDouble auc = OptionalDouble.empty();
    OptionalDouble bound = OptionalDouble.empty();
    if (allPositives > 0 && allNegatives > 0) {
      // pairs (positive, negative) the positive wins, ties within a bin counting one half
      double wins = 0;
      double ties = 0;
      double negativesBelow = 0;
      for (int b = 0; b < AUC_BINS; b++) {
        wins += positives[b] * negativesBelow;
        ties += positives[b] * negatives[b];
        negativesBelow += negatives[b];
      }
      final double pairs = allPositives * allNegatives;
      auc = OptionalDouble.of((wins + 0.5 * ties) / pairs);
      bound = OptionalDouble.of(0.5 * ties / pairs);
    }
    final OptionalDouble z = lossVariance > 0
        ? OptionalDouble.of((logLoss - entropy) / Math.sqrt(lossVariance))
        : OptionalDouble.empty();
    return new ProgressiveValidation(weight, logLoss / weight, brier / weight, expected, observed, auc, bound, z);
  }

  /** The state as {@value #STATE_SIZE} doubles (for a state store); {@link #restore} reads it back. */
  public void state(final double[] out, final int at) {
    out[at] = weight;
    out[at + 1] = logLoss;
    out[at + 2] = brier;
    out[at + 3] = expected;
    out[at + 4] = observed;
    out[at + 5] = entropy;
    out[at + 6] = lossVariance;
    out[at + 7] = unscored;
    System.arraycopy(positives, 0, out, at + 8, AUC_BINS);
    System.arraycopy(negatives, 0, out, at + 8 + AUC_BINS, AUC_BINS);
  }

  /** Sets the state to one {@link #state} wrote. Returns this. */
  public ProgressiveScore restore(final double[] in, final int at) {
    weight = in[at];
    logLoss = in[at + 1];
    brier = in[at + 2];
    expected = in[at + 3];
    observed = in[at + 4];
    entropy = in[at + 5];
    lossVariance = in[at + 6];
    unscored = in[at + 7];
    System.arraycopy(in, at + 8, positives, 0, AUC_BINS);
    System.arraycopy(in, at + 8 + AUC_BINS, negatives, 0, AUC_BINS);
    return this;
  }

  /** The validation of {@code design}'s rows scored at {@code beta} (length d). */
  public static ProgressiveValidation of(final Design design, final double[] beta) {
    final ProgressiveScore score = new ProgressiveScore();
    final double[] x = new double[Math.max(1, design.features())];
    final double[] y = design.y();
    final double[] w = design.weight();
    final double[] o = design.offset();
    for (int i = 0; i < design.rows(); i++) {
      design.row(i, x);
      double eta = o[i] + beta[0];
      for (int j = 0; j < design.features(); j++) {
        eta += beta[j + 1] * x[j];
      }
      score.add(eta, y[i], w[i]);
    }
    return score.result();
  }
}
