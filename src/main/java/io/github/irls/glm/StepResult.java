package io.github.irls.glm;

/**
 * What one streaming step did: the posterior it leaves, how it ended, and the per-step diagnostics
 * an update publishes. Arrays are owned by the result; treat them as read-only.
 *
 * @param posterior the new posterior when {@code accepted}; the previous one, unchanged, when the
 *     step was refused
 * @param covariance {@code P^-1} of {@code posterior}, row-major {@code d x d}
 * @param status how the step ended (never {@link StepStatus#RESET} or {@link
 *     StepStatus#NO_UPDATE_YET}: those describe a model, not a step)
 * @param reason a human explanation of a status other than OK, and of a ridge added (empty when
 *     there is nothing to say)
 * @param accepted whether the step was taken; a refused step ({@code NON_FINITE}, {@code EMPTY})
 *     leaves the previous posterior in force
 * @param iterations the Newton iterations taken (1 for a single step)
 * @param windowLogLikelihood the window's weighted log-likelihood at the step's start (may be
 *     non-finite when the step was refused)
 * @param gradientNorm the Euclidean norm of the penalised score at the start
 * @param stepNorm the Euclidean norm of the change of the coefficients (0 when refused)
 * @param ridgeAdded the ridge that made the information positive definite (0 when none)
 */
public record StepResult(
    Posterior posterior,
    double[] covariance,
    StepStatus status,
    String reason,
    boolean accepted,
    int iterations,
    double windowLogLikelihood,
    double gradientNorm,
    double stepNorm,
    double ridgeAdded) {}
