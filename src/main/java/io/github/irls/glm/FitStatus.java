package io.github.irls.glm;

/**
 * How a fit or a step ended. Expected numerical trouble is reported here, never thrown.
 */
public enum FitStatus {
  /** Converged (or, for a single Newton step, the step was taken) with a positive-definite information. */
  OK,
  /** The iteration limit was reached before the convergence rule held. */
  NOT_CONVERGED,
  /**
   * The information (plus prior precision) was not positive definite; the smallest ridge that made
   * the Cholesky factorisation succeed was added and is reported.
   */
  NOT_POSITIVE_DEFINITE,
  /**
   * Suspected separation: the iteration did not converge while fitted probabilities became
   * numerically 0 or 1, so the coefficients are running away (the MLE does not exist).
   */
  SEPARATION,
  /** A non-finite number appeared in the data or the step; the starting coefficients are returned. */
  NON_FINITE,
  /** No observation with a positive weight and no prior: nothing to fit. */
  EMPTY
}
