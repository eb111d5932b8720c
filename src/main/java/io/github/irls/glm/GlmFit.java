package io.github.irls.glm;

import java.util.List;

/**
 * The immutable result of {@link IrlsFitter#fit}: the fields of R's {@code summary(glm(...))} plus
 * what a streaming step needs to carry on. Aliased coefficients (R's {@code NA}) are {@code NaN} in
 * every per-coefficient array and in their row and column of {@code vcov}.
 *
 * <p>Arrays are owned by the result: accessors of a record return them as stored, so callers must
 * treat them as read-only.
 *
 * @param coefNames intercept first
 * @param coefficients the returned coefficients
 * @param stdErrors {@code sqrt(diag(vcov))}, evaluated at the returned coefficients (for a single
 *     Newton step: at the start, as the sequential recursion defines it)
 * @param zValues coefficient / standard error
 * @param pValues two-sided normal p-values
 * @param vcov the inverse of the posterior precision, row-major {@code d x d}
 * @param aliased the columns dropped as linearly dependent on earlier ones (R's pivoted QR, tol 1e-7)
 * @param rank the number of coefficients not aliased
 * @param nullDeviance deviance of the intercept-only model (fitted with the offset, if any); NaN when
 *     not computed
 * @param residualDeviance deviance at the returned coefficients
 * @param dfNull observations with positive weight minus one
 * @param dfResidual observations with positive weight minus the rank
 * @param loglik the log-likelihood as R's {@code logLik} reports it
 * @param aic {@code -2 loglik + 2 rank}
 * @param iterations Newton steps taken
 * @param converged whether the convergence rule held (a single step always "converges")
 * @param warnings R's warnings for the same fit, in R's words
 * @param status how the fit ended
 * @param statusReason a human explanation of a status other than OK (empty when OK)
 * @param ridgeAdded the ridge added to make the information positive definite (0 when none)
 * @param packedPrecision the posterior precision {@code H + Q} that the standard errors come from
 *     (packed upper triangle, full {@code d}); the next streaming step's prior
 * @param observations rows with positive weight
 * @param weightSum sum of prior weights
 * @param startLogLikelihood the weighted log-likelihood at the starting coefficients
 * @param startGradientNorm the Euclidean norm of the penalised score at the start
 * @param stepNorm the Euclidean norm of the total change from the start to the returned coefficients
 */
public record GlmFit(
    List<String> coefNames,
    double[] coefficients,
    double[] stdErrors,
    double[] zValues,
    double[] pValues,
    double[][] vcov,
    boolean[] aliased,
    int rank,
    double nullDeviance,
    double residualDeviance,
    long dfNull,
    long dfResidual,
    double loglik,
    double aic,
    int iterations,
    boolean converged,
    List<String> warnings,
    FitStatus status,
    String statusReason,
    double ridgeAdded,
    double[] packedPrecision,
    long observations,
    double weightSum,
    double startLogLikelihood,
    double startGradientNorm,
    double stepNorm) {

  public GlmFit {
    coefNames = List.copyOf(coefNames);
    warnings = List.copyOf(warnings);
  }

  /** The number of coefficients, intercept included. */
  public int dimension() {
    return coefficients.length;
  }
}
