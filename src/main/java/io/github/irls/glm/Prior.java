package io.github.irls.glm;

import io.github.irls.glm.linalg.PackedSymmetric;

/**
 * A Gaussian prior on the coefficients, {@code b ~ N(mean, precision^-1)}: the fitter maximises
 * {@code loglik(b) - 1/2 (b - mean)' precision (b - mean)}. Plain {@code glm} is {@link #none}, ridge
 * is {@link #ridge}, and a streaming step uses the previous posterior (optionally discounted).
 *
 * <p>The precision is held packed (upper triangle, see {@link PackedSymmetric}). Instances are
 * immutable: the factories copy their arguments and the accessors return copies.
 */
public final class Prior {

  private final double[] mean;
  private final double[] packedPrecision;
  private final boolean zero;

  private Prior(final double[] mean, final double[] packedPrecision) {
    this.mean = mean;
    this.packedPrecision = packedPrecision;
    boolean allZero = true;
    for (final double v : packedPrecision) {
      if (v != 0.0) {
        allZero = false;
        break;
      }
    }
    this.zero = allZero;
  }

  /** No prior: the maximum-likelihood fit of {@code glm}. */
  public static Prior none(final int d) {
    return new Prior(new double[d], new double[PackedSymmetric.size(d)]);
  }

  /** {@code mean = 0}, {@code precision = diag(lambdaIntercept, lambda, ..., lambda)}. */
  public static Prior ridge(final int d, final double lambdaIntercept, final double lambda) {
    if (!(lambdaIntercept >= 0) || !(lambda >= 0)) {
      throw new IllegalArgumentException("ridge penalties must be >= 0");
    }
    final double[] q = new double[PackedSymmetric.size(d)];
    for (int j = 0; j < d; j++) {
      q[PackedSymmetric.rowStart(d, j)] = j == 0 ? lambdaIntercept : lambda;
    }
    return new Prior(new double[d], q);
  }

  /** A prior with the given mean and packed precision, the latter multiplied by {@code scale}. */
  public static Prior of(final double[] mean, final double[] packedPrecision, final double scale) {
    final int d = mean.length;
    if (packedPrecision.length != PackedSymmetric.size(d)) {
      throw new IllegalArgumentException(
          "precision must pack a " + d + " x " + d + " matrix (" + PackedSymmetric.size(d) + " values)");
    }
    final double[] q = new double[packedPrecision.length];
    for (int i = 0; i < q.length; i++) {
      q[i] = scale * packedPrecision[i];
    }
    return new Prior(mean.clone(), q);
  }

  public int dimension() {
    return mean.length;
  }

  public double[] mean() {
    return mean.clone();
  }

  public double[] packedPrecision() {
    return packedPrecision.clone();
  }

  /** Whether the precision is identically zero (no prior). */
  public boolean isNone() {
    return zero;
  }

  /** This prior with its precision multiplied by {@code factor} (e.g. a warm start on a subsample). */
  public Prior scaled(final double factor) {
    return of(mean, packedPrecision, factor);
  }

  double meanAt(final int j) {
    return mean[j];
  }

  double precisionAt(final int i, final int j) {
    return packedPrecision[PackedSymmetric.index(mean.length, i, j)];
  }
}
