package io.github.irls.glm;

/**
 * A GLM family: a {@link Link} plus a variance function, and the per-observation quantities that an
 * IRLS (Fisher scoring) step needs. All methods take the linear predictor {@code eta} rather than
 * {@code mu} so that implementations can stay accurate where {@code mu} rounds to 0 or 1.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface Family {

  /** The family's name as R prints it, e.g. {@code "binomial"}. */
  String name();

  Link link();

  /** The variance function {@code V(mu)}. */
  double variance(double mu);

  /** The IRLS working weight per unit prior weight: {@code (d mu/d eta)^2 / V(mu)}. */
  double workingWeight(double eta);

  /**
   * The score contribution per unit prior weight and per unit of {@code x}: {@code (y - mu) (d mu/d
   * eta) / V(mu)}.
   */
  double scoreFactor(double y, double eta);

  /** The log-likelihood of one observation per unit prior weight, computed stably from {@code eta}. */
  double logLikelihood(double y, double eta);

  /** The unit deviance {@code d(y, mu)} (per unit prior weight), computed stably from {@code eta}. */
  default double unitDeviance(final double y, final double eta) {
    return 2.0 * (saturatedLogLikelihood(y) - logLikelihood(y, eta));
  }

  /** The log-likelihood of the saturated model ({@code mu = y}) per unit prior weight. */
  double saturatedLogLikelihood(double y);

  /**
   * Writes {@code workingWeight}, {@code scoreFactor} and {@code logLikelihood} at once into {@code
   * out[0..2]} ({@code out} is modified), so that a family can share its transcendental functions.
   */
  default void evaluate(final double y, final double eta, final double[] out) {
    out[0] = workingWeight(eta);
    out[1] = scoreFactor(y, eta);
    out[2] = logLikelihood(y, eta);
  }

  /** The unit deviance at a mean given directly (used for the intercept-only null model). */
  double unitDevianceAtMean(double y, double mu);

  /**
   * The log-likelihood contribution exactly as R's {@code logLik.glm} counts it (through the family's
   * {@code aic}), including any normalising constants. Defaults to {@code weight * logLikelihood}.
   */
  default double rLogLikelihood(final double y, final double eta, final double weight) {
    return weight * logLikelihood(y, eta);
  }

  /** R's {@code mustart}: where IRLS starts when no coefficients are given. */
  double initialMean(double y, double weight);

  /** Whether {@code y} is a valid response for this family. */
  boolean validResponse(double y);
}
