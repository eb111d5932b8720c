package io.github.irls.glm;

/**
 * How {@link StreamingStep} takes a step.
 *
 * @param singleStep exactly one Newton step from the previous coefficients (the sequential Laplace
 *     recursion, step mode {@code newton}); otherwise iterate to convergence on the window ({@code
 *     renewable})
 * @param maxIterations the most Newton iterations of an iterated step (>= 1)
 * @param gamma the forgetting factor in (0, 1]: the previous precision is multiplied by it
 */
public record StepOptions(boolean singleStep, int maxIterations, double gamma) {

  public StepOptions {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
    }
    if (!(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
    }
  }

  /** Iterate to convergence (at most {@code maxIterations} Newton steps): step mode {@code renewable}. */
  public static StepOptions renewable(final int maxIterations, final double gamma) {
    return new StepOptions(false, maxIterations, gamma);
  }

  /** One Newton step: step mode {@code newton}. */
  public static StepOptions newton(final double gamma) {
    return new StepOptions(true, 1, gamma);
  }
}
