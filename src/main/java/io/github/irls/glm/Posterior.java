package io.github.irls.glm;

import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.glm.linalg.SpdSolver;
import java.util.Arrays;

/**
 * The Gaussian posterior {@code N(b, P^-1)} of a streaming model: what one step leaves for the next
 * (DESIGN.md section 1). Arrays are owned by the value and must be treated as read-only; {@link
 * #equals} compares their contents.
 *
 * @param coefficients {@code b}, intercept first (length d)
 * @param stdErrors {@code sqrt(diag(P^-1))} (length d)
 * @param packedPrecision {@code P}, the upper triangle row by row ({@code d(d+1)/2} values)
 */
public record Posterior(double[] coefficients, double[] stdErrors, double[] packedPrecision) {

  public Posterior {
    final int d = coefficients.length;
    if (stdErrors.length != d || packedPrecision.length != PackedSymmetric.size(d)) {
      throw new IllegalArgumentException("a posterior of dimension " + d + " needs " + d
          + " standard errors and " + PackedSymmetric.size(d) + " packed precision values, got "
          + stdErrors.length + " and " + packedPrecision.length);
    }
  }

  /**
   * The prior of a model with {@code p} features before its first step: {@code b_0 = 0}, {@code P_0
   * = diag(lambdaIntercept, lambda, ..., lambda)}. A zero penalty becomes the smallest normal
   * double: numerically it adds nothing to any information, but it keeps the fitter from treating a
   * step as a plain glm that drops aliased columns (R's NA has no place in a streaming posterior; a
   * singular information gets the smallest ridge instead, and says so) and keeps the standard errors
   * of a model with no data finite.
   */
  public static Posterior initial(final int p, final double lambdaIntercept, final double lambda) {
    final int d = p + 1;
    final double[] precision =
        Prior.ridge(d, Math.max(lambdaIntercept, Double.MIN_NORMAL), Math.max(lambda, Double.MIN_NORMAL))
            .packedPrecision();
    final double[] se = new double[d];
    for (int j = 0; j < d; j++) {
      se[j] = Math.min(Double.MAX_VALUE, 1.0 / Math.sqrt(precision[PackedSymmetric.rowStart(d, j)]));
    }
    return new Posterior(new double[d], se, precision);
  }

  /** The posterior with these coefficients and precision; the standard errors come from {@code P^-1}. */
  public static Posterior of(final double[] coefficients, final double[] packedPrecision) {
    final int d = coefficients.length;
    final double[] inverse = SpdSolver.packedInverse(packedPrecision);
    final double[] se = new double[d];
    for (int j = 0; j < d; j++) {
      se[j] = Math.sqrt(inverse[PackedSymmetric.rowStart(d, j)]);
    }
    return new Posterior(coefficients.clone(), se, packedPrecision.clone());
  }

  /** The number of coefficients {@code d = p + 1}. */
  public int dimension() {
    return coefficients.length;
  }

  /** The number of features {@code p}. */
  public int features() {
    return coefficients.length - 1;
  }

  /** This posterior as the next step's prior, its precision multiplied by the forgetting factor. */
  public Prior discounted(final double gamma) {
    return Prior.of(coefficients, packedPrecision, gamma);
  }

  /** {@code P^-1}, row-major {@code d x d} (a new array). */
  public double[] covariance() {
    return PackedSymmetric.toRowMajor(SpdSolver.packedInverse(packedPrecision), dimension());
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof Posterior other
        && Arrays.equals(coefficients, other.coefficients)
        && Arrays.equals(stdErrors, other.stdErrors)
        && Arrays.equals(packedPrecision, other.packedPrecision);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(coefficients) + Arrays.hashCode(stdErrors)) + Arrays.hashCode(packedPrecision);
  }

  @Override
  public String toString() {
    return "Posterior[coefficients=" + Arrays.toString(coefficients) + ", stdErrors=" + Arrays.toString(stdErrors)
        + "]";
  }
}
