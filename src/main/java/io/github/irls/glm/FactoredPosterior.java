package io.github.irls.glm;

import io.github.irls.glm.linalg.SpdSolver;
import java.util.Optional;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * A model's Gaussian posterior {@code N(b, P^-1)} with its precision factored once, {@code P = L
 * L'} (Cholesky, with the same smallest ridge the step's solver adds, so that everything here agrees
 * with the published standard errors): what serving a model needs, without ever forming {@code
 * P^-1}.
 *
 * <ul>
 *   <li>{@link #score}: the linear predictor {@code eta = o + b . x~} of {@code x~ = [1, x]} and its
 *       exact standard error {@code sqrt(x~' P^-1 x~) = |L^-1 x~|} (one forward substitution, {@code
 *       O(d^2)}); the 95% interval of the probability is the logistic function of {@code eta -+
 *       Z_975 se} (the delta method on the logit scale, which is exact for the linear predictor);
 *   <li>{@link #draw}: a draw {@code b + L'^-1 z} with {@code z ~ N(0, I)}, whose covariance is
 *       {@code L'^-1 L^-1 = P^-1} (Thompson sampling).
 * </ul>
 *
 * <p>Immutable and thread-safe; the methods allocate only what they return.
 */
public final class FactoredPosterior {

  private final double[] coefficients;
  /** {@code L} row-major, zero above the diagonal. */
  private final double[] lower;
  private final int d;
  private final double ridge;

  private FactoredPosterior(final double[] coefficients, final double[] lower, final double ridge) {
    this.coefficients = coefficients;
    this.lower = lower;
    this.d = coefficients.length;
    this.ridge = ridge;
  }

  /**
   * Factors {@code posterior}'s precision; empty when it cannot be factored even with a ridge (a
   * non-finite precision, which a stored model never has).
   */
  public static Optional<FactoredPosterior> of(final Posterior posterior) {
    final SpdSolver.Factor factor = SpdSolver.cholesky(posterior.packedPrecision());
    if (!factor.ok()) {
      return Optional.empty();
    }
    final DMatrixRMaj l = factor.lower();
    return Optional.of(new FactoredPosterior(posterior.coefficients().clone(), l.data.clone(), factor.ridge()));
  }

  /** The number of coefficients {@code d = p + 1}. */
  public int dimension() {
    return d;
  }

  /** The number of features {@code p}. */
  public int features() {
    return d - 1;
  }

  /** The ridge added to {@code P} to factor it (0 for a positive-definite precision). */
  public double ridge() {
    return ridge;
  }

  /** {@code b}, intercept first (a new array). */
  public double[] coefficients() {
    return coefficients.clone();
  }

  /**
   * The score of features {@code x} (without the intercept, length {@link #features()}) at offset
   * {@code offset}: {@code eta}, its exact standard error and the 95% interval of the probability.
   *
   * @param x not modified
   * @throws IllegalArgumentException if {@code x} has the wrong length or a non-finite value, or
   *     {@code offset} is not finite (callers refuse such input before; this is a programming error)
   */
  public LinearScore score(final double[] x, final double offset) {
    if (x.length != d - 1) {
      throw new IllegalArgumentException("a model of " + (d - 1) + " features cannot score " + x.length);
    }
    if (!Double.isFinite(offset)) {
      throw new IllegalArgumentException("offset " + offset + " is not finite");
    }
    double eta = offset + coefficients[0];
    for (int j = 1; j < d; j++) {
      if (!Double.isFinite(x[j - 1])) {
        throw new IllegalArgumentException("feature " + j + " is not finite: " + x[j - 1]);
      }
      eta += coefficients[j] * x[j - 1];
    }
    // forward substitution L z = x~: x~' P^-1 x~ = |z|^2
    final double[] z = new double[d];
    double sumSquares = 0;
    for (int i = 0; i < d; i++) {
      double s = i == 0 ? 1.0 : x[i - 1];
      final int row = i * d;
      for (int k = 0; k < i; k++) {
        s -= lower[row + k] * z[k];
      }
      z[i] = s / lower[row + i];
      sumSquares += z[i] * z[i];
    }
    return LinearScore.of(eta, Math.sqrt(sumSquares));
  }

  /**
   * One draw of the coefficients from {@code N(b, P^-1)}: {@code b + L'^-1 z}, {@code z} standard
   * normal from {@code random} (which advances by {@code d} draws).
   *
   * @return a new array of length {@code d}
   */
  public double[] draw(final SplittableRandom random) {
    final double[] z = new double[d];
    for (int i = 0; i < d; i++) {
      z[i] = gaussian(random);
    }
    // back substitution L' u = z: Cov(u) = L'^-1 L^-1 = (L L')^-1
    for (int i = d - 1; i >= 0; i--) {
      double s = z[i];
      for (int k = i + 1; k < d; k++) {
        s -= lower[k * d + i] * z[k];
      }
      z[i] = s / lower[i * d + i];
    }
    for (int i = 0; i < d; i++) {
      z[i] += coefficients[i];
    }
    return z;
  }

  /**
   * A standard normal draw (Marsaglia's polar method, one of each pair used), so that a seed gives
   * the same draws on every JVM: {@code java.util.Random#nextGaussian} is not available on {@link
   * SplittableRandom} in Java 17.
   */
  static double gaussian(final SplittableRandom random) {
    while (true) {
      final double u = 2 * random.nextDouble() - 1;
      final double v = 2 * random.nextDouble() - 1;
      final double s = u * u + v * v;
      if (s > 0 && s < 1) {
        return u * Math.sqrt(-2 * Math.log(s) / s);
      }
    }
  }

  /**
   * The score of one feature vector.
   *
   * @param eta the linear predictor {@code o + b . x~}
   * @param etaSe its standard error {@code sqrt(x~' P^-1 x~)}
   * @param probability {@code 1 / (1 + exp(-eta))}
   * @param ci95Low the logistic function of {@code eta - Z_975 etaSe}
   * @param ci95High the logistic function of {@code eta + Z_975 etaSe}
   */
  public record LinearScore(double eta, double etaSe, double probability, double ci95Low, double ci95High) {

    /** The score of a linear predictor and its standard error. */
    public static LinearScore of(final double eta, final double etaSe) {
      return new LinearScore(eta, etaSe, logistic(eta), logistic(eta - Normal.Z_975 * etaSe),
          logistic(eta + Normal.Z_975 * etaSe));
    }
  }

  private static double logistic(final double eta) {
    return LogitLink.INSTANCE.linkInverse(eta);
  }
}
