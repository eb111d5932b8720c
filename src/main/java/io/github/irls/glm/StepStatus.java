package io.github.irls.glm;

/**
 * Every status a streaming model publishes ({@code CoefficientUpdate.status}, {@code GET
 * /models/{key}}): how its last step ended, or why it has none. The first six are {@link
 * FitStatus}'s; expected numerical trouble is reported here, never thrown.
 */
public enum StepStatus {
  /** The step was taken with a positive-definite information. */
  OK,
  /** A renewable step reached its iteration limit before converging; its last iterate is published. */
  NOT_CONVERGED,
  /**
   * The information was numerically singular: the smallest ridge that made the Cholesky factorisation
   * succeed was added ({@code ridge_added}), or some coefficients are determined by the prior alone.
   */
  NOT_POSITIVE_DEFINITE,
  /** Suspected separation: fitted probabilities numerically 0 or 1; the step was capped or flagged. */
  SEPARATION,
  /** A non-finite number appeared: the step was refused and the previous model kept. */
  NON_FINITE,
  /** The window held nothing to fit: the step was refused and the previous model kept. */
  EMPTY,
  /** The model was reset by a model-spec tombstone; its next step starts from the prior. */
  RESET,
  /** The model exists (it has events or a spec) but no window has closed yet. */
  NO_UPDATE_YET;

  /** The step status of a fit that ended with {@code status}. */
  public static StepStatus of(final FitStatus status) {
    return switch (status) {
      case OK -> OK;
      case NOT_CONVERGED -> NOT_CONVERGED;
      case NOT_POSITIVE_DEFINITE -> NOT_POSITIVE_DEFINITE;
      case SEPARATION -> SEPARATION;
      case NON_FINITE -> NON_FINITE;
      case EMPTY -> EMPTY;
    };
  }

  /** Whether a step that ended so leaves the previous model in force. */
  public boolean refuses() {
    return this == NON_FINITE || this == EMPTY;
  }
}
