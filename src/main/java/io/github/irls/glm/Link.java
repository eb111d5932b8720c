package io.github.irls.glm;

/**
 * A GLM link function {@code eta = g(mu)}. Implementations are stateless and thread-safe.
 */
public interface Link {

  /** The link's name as R prints it, e.g. {@code "logit"}. */
  String name();

  /** {@code eta = g(mu)}. */
  double link(double mu);

  /** {@code mu = g^{-1}(eta)}. */
  double linkInverse(double eta);

  /** {@code d mu / d eta} at {@code eta}. */
  double muEta(double eta);
}
