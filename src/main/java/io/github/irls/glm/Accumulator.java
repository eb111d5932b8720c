package io.github.irls.glm;

import io.github.irls.glm.linalg.PackedSymmetric;
import java.util.Arrays;

/**
 * The per-step quantities of a set of observations at fixed coefficients {@code beta}: the
 * information {@code X'WX} (packed upper triangle, intercept first), the score {@code X'(w (y - mu)
 * dmu/deta / V)}, the weighted log-likelihood and deviance, the event count and the weight sum.
 *
 * <p>These quantities hold only at the {@code beta} they were computed at. {@link #add} allocates
 * nothing: it is the hot loop of both the batch fitter and the streaming step. Not thread-safe; use
 * one accumulator per thread and {@link #merge} them.
 */
public final class Accumulator {

  /** |eta| beyond which R's logit clamps mu to within 2.2e-16 of 0 or 1 (and warns). */
  static final double EXTREME_ETA = 30.0;

  private final Family family;
  private final int d;
  private final double[] beta;
  private final double[] information;
  private final double[] score;
  private final double[] perRow = new double[3];
  private double[] shift;
  private final double[] rankFourWeights = new double[4];
  private final double[] rankFourScores = new double[4];
  private final double[] rankFourEtas = new double[4];
  /** The linear predictor of the last observation added. */
  private double lastEta = Double.NaN;
  private long count;
  private double weightSum;
  private double logLikelihood;
  private double deviance;
  private long extremeFitted;
  private boolean nonFinite;

  /**
   * An empty accumulator at {@code beta} (length {@code d = p + 1}, intercept first; copied, so the
   * caller may reuse its array).
   */
  public Accumulator(final Family family, final double[] beta) {
    this.family = family;
    this.d = beta.length;
    this.beta = beta.clone();
    this.information = new double[PackedSymmetric.size(d)];
    this.score = new double[d];
  }

  /**
   * Makes {@link #addRows} subtract {@code shift} (length p; kept, not copied) from every row's
   * features, so that the quantities are those of the centred design. {@link #add} takes its
   * features as given.
   */
  public Accumulator shiftFeatures(final double[] shift) {
    if (shift.length != d - 1) {
      throw new IllegalArgumentException("shift must have length " + (d - 1));
    }
    this.shift = shift;
    return this;
  }

  /** Forgets everything added and moves to new coefficients, keeping the arrays. */
  public Accumulator reset(final double[] newBeta) {
    if (newBeta.length != d) {
      throw new IllegalArgumentException("beta must have length " + d);
    }
    System.arraycopy(newBeta, 0, beta, 0, d);
    Arrays.fill(information, 0.0);
    Arrays.fill(score, 0.0);
    count = 0;
    weightSum = 0;
    logLikelihood = 0;
    deviance = 0;
    extremeFitted = 0;
    nonFinite = false;
    return this;
  }

  /**
   * Sets this accumulator to quantities saved from one at {@code savedBeta} (e.g. read back from a
   * state store). The arrays are copied.
   */
  public Accumulator restore(final double[] savedBeta, final double[] packedInformation, final double[] savedScore,
      final long savedCount, final double savedWeightSum, final double savedLogLikelihood,
      final double savedDeviance, final long savedExtremeFitted, final boolean savedNonFinite) {
    if (savedBeta.length != d || savedScore.length != d || packedInformation.length != information.length) {
      throw new IllegalArgumentException("saved quantities do not have dimension " + d);
    }
    System.arraycopy(savedBeta, 0, beta, 0, d);
    System.arraycopy(packedInformation, 0, information, 0, information.length);
    System.arraycopy(savedScore, 0, score, 0, d);
    count = savedCount;
    weightSum = savedWeightSum;
    logLikelihood = savedLogLikelihood;
    deviance = savedDeviance;
    extremeFitted = savedExtremeFitted;
    nonFinite = savedNonFinite;
    return this;
  }

  /**
   * Adds one observation: features {@code x} (length {@code p}, not modified), response {@code y},
   * prior weight and offset.
   */
  public void add(final double[] x, final double y, final double weight, final double offset) {
    add(x, 0, y, weight, offset);
  }

  /** Adds one observation whose features are {@code x[from .. from + p)}. */
  public void add(
      final double[] x, final int from, final double y, final double weight, final double offset) {
    final int p = d - 1;
    final double[] b = beta;
    double eta = offset + b[0];
    for (int j = 0; j < p; j++) {
      eta += b[j + 1] * x[from + j];
    }
    lastEta = eta;
    count++;
    weightSum += weight;
    if (Math.abs(eta) > EXTREME_ETA) {
      extremeFitted++;
    }
    if (weight == 0.0) {
      return;
    }
    final double[] q = perRow;
    family.evaluate(y, eta, q);
    final double a = weight * q[0];
    final double s = weight * q[1];
    final double ll = weight * q[2];
    logLikelihood += ll;
    deviance += 2.0 * (weight * family.saturatedLogLikelihood(y) - ll);
    if (!Double.isFinite(eta) || !Double.isFinite(a) || !Double.isFinite(s)) {
      nonFinite = true;
    }
    // Row 0 (intercept): H[0][0] += a, H[0][k+1] += a x_k.
    final double[] h = information;
    h[0] += a;
    for (int k = 0; k < p; k++) {
      h[1 + k] += a * x[from + k];
    }
    score[0] += s;
    // Rows 1..p: H[j+1][k+1] += a x_j x_k for k >= j, a contiguous axpy per row.
    int base = d;
    for (int j = 0; j < p; j++) {
      final double xj = x[from + j];
      final double axj = a * xj;
      score[j + 1] += s * xj;
      final int len = p - j;
      final int off = from + j;
      for (int k = 0; k < len; k++) {
        h[base + k] += axj * x[off + k];
      }
      base += len;
    }
  }

  /**
   * Adds rows {@code from, from + stride, ...} below {@code to} of a design. Rows are taken four at a
   * time as one rank-4 update of the packed information, which reads and writes each element of the
   * triangle once per four rows instead of once per row. {@code rowBuffer} (length at least {@code
   * 4 p}) is a caller-owned workspace and is modified.
   */
  public void addRows(final Design design, final int from, final int to, final int stride,
      final double[] rowBuffer) {
    final int p = d - 1;
    final double[] y = design.y();
    final double[] w = design.weight();
    final double[] o = design.offset();
    final double[] c = shift == null ? new double[p] : shift;
    int i = from;
    if (p > 0 && rowBuffer.length >= 4 * p) {
      final int step4 = 4 * stride;
      for (; i + 3 * stride < to; i += step4) {
        for (int j = 0; j < p; j++) {
          final double[] column = design.column(j);
          final double cj = c[j];
          rowBuffer[j] = column[i] - cj;
          rowBuffer[p + j] = column[i + stride] - cj;
          rowBuffer[2 * p + j] = column[i + 2 * stride] - cj;
          rowBuffer[3 * p + j] = column[i + 3 * stride] - cj;
        }
        addFour(rowBuffer, i, stride, y, w, o);
      }
    }
    for (; i < to; i += stride) {
      design.row(i, rowBuffer);
      for (int j = 0; j < p; j++) {
        rowBuffer[j] -= c[j];
      }
      add(rowBuffer, 0, y[i], w[i], o[i]);
    }
  }

  /** The rank-4 kernel: rows {@code i + r stride} (r = 0..3) whose features are {@code z[r p ..]}. */
  private void addFour(final double[] z, final int i, final int stride, final double[] y,
      final double[] w, final double[] o) {
    final int p = d - 1;
    final double[] b = beta;
    final double[] a = rankFourWeights;
    final double[] sc = rankFourScores;
    final double[] q = perRow;
    final int o1 = p;
    final int o2 = 2 * p;
    final int o3 = 3 * p;
    // Four independent dot products in one loop: four dependency chains instead of one.
    double e0 = b[0];
    double e1 = b[0];
    double e2 = b[0];
    double e3 = b[0];
    for (int j = 0; j < p; j++) {
      final double bj = b[j + 1];
      e0 += bj * z[j];
      e1 += bj * z[o1 + j];
      e2 += bj * z[o2 + j];
      e3 += bj * z[o3 + j];
    }
    final double[] etas = rankFourEtas;
    etas[0] = e0 + o[i];
    etas[1] = e1 + o[i + stride];
    etas[2] = e2 + o[i + 2 * stride];
    etas[3] = e3 + o[i + 3 * stride];
    for (int r = 0; r < 4; r++) {
      final int row = i + r * stride;
      final double eta = etas[r];
      count++;
      final double weight = w[row];
      weightSum += weight;
      if (Math.abs(eta) > EXTREME_ETA) {
        extremeFitted++;
      }
      if (weight == 0.0) {
        a[r] = 0.0;
        sc[r] = 0.0;
        continue;
      }
      family.evaluate(y[row], eta, q);
      a[r] = weight * q[0];
      sc[r] = weight * q[1];
      final double ll = weight * q[2];
      logLikelihood += ll;
      deviance += 2.0 * (weight * family.saturatedLogLikelihood(y[row]) - ll);
      if (!Double.isFinite(eta) || !Double.isFinite(a[r]) || !Double.isFinite(sc[r])) {
        nonFinite = true;
      }
    }
    final double s0 = sc[0];
    final double s1 = sc[1];
    final double s2 = sc[2];
    final double s3 = sc[3];
    score[0] += (s0 + s1) + (s2 + s3);
    for (int j = 0; j < p; j++) {
      score[j + 1] += s0 * z[j] + s1 * z[o1 + j] + s2 * z[o2 + j] + s3 * z[o3 + j];
    }
    final double a0 = a[0];
    final double a1 = a[1];
    final double a2 = a[2];
    final double a3 = a[3];
    final double[] h = information;
    h[0] += (a0 + a1) + (a2 + a3);
    for (int k = 0; k < p; k++) {
      h[1 + k] += a0 * z[k] + a1 * z[o1 + k] + a2 * z[o2 + k] + a3 * z[o3 + k];
    }
    int base = d;
    for (int j = 0; j < p; j++) {
      final double c0 = a0 * z[j];
      final double c1 = a1 * z[o1 + j];
      final double c2 = a2 * z[o2 + j];
      final double c3 = a3 * z[o3 + j];
      final int len = p - j;
      for (int k = 0; k < len; k++) {
        h[base + k] += c0 * z[j + k] + c1 * z[o1 + j + k] + c2 * z[o2 + j + k] + c3 * z[o3 + j + k];
      }
      base += len;
    }
  }

  /** Adds everything in {@code other} (computed at the same beta) to this one. */
  public void merge(final Accumulator other) {
    if (other.d != d || !Arrays.equals(other.beta, beta)) {
      throw new IllegalArgumentException("can only merge accumulators at the same beta");
    }
    for (int i = 0; i < information.length; i++) {
      information[i] += other.information[i];
    }
    for (int i = 0; i < d; i++) {
      score[i] += other.score[i];
    }
    count += other.count;
    weightSum += other.weightSum;
    logLikelihood += other.logLikelihood;
    deviance += other.deviance;
    extremeFitted += other.extremeFitted;
    nonFinite |= other.nonFinite;
  }

  /** The number of coefficients {@code d = p + 1}. */
  public int dimension() {
    return d;
  }

  /** The coefficients these quantities are evaluated at (a copy). */
  public double[] beta() {
    return beta.clone();
  }

  /** The packed upper triangle of {@code X'WX} (a view; do not modify). */
  public double[] packedInformation() {
    return information;
  }

  /** The score {@code X'(w (y - mu))} for the logit link (a view; do not modify). */
  public double[] score() {
    return score;
  }

  /** The linear predictor of the last observation added, at {@link #beta()} ({@code NaN} before any). */
  public double lastLinearPredictor() {
    return lastEta;
  }

  public long count() {
    return count;
  }

  public double weightSum() {
    return weightSum;
  }

  /** The weighted log-likelihood {@code sum w (y log mu + (1 - y) log(1 - mu))}. */
  public double logLikelihood() {
    return logLikelihood;
  }

  /** The residual deviance {@code sum w d(y, mu)}. */
  public double deviance() {
    return deviance;
  }

  /** Observations whose fitted probability is numerically 0 or 1 (|eta| > 30, as R warns). */
  public long extremeFitted() {
    return extremeFitted;
  }

  /** Whether any added observation produced a non-finite quantity. */
  public boolean sawNonFinite() {
    return nonFinite;
  }

  Family family() {
    return family;
  }
}
