package io.github.irls.glm;

import io.github.irls.glm.linalg.Aliasing;
import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.glm.linalg.SpdSolver;
import io.github.irls.glm.linalg.Vectors;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One streaming step (DESIGN.md section 1): the penalised IRLS fitter run on a closed window's
 * events with the previous posterior, discounted by the forgetting factor, as its Gaussian prior,
 * followed by the numerical guards. Stateless.
 *
 * <p>Guards, each reported in the result's status and reason, never thrown:
 *
 * <ul>
 *   <li>a non-finite step (or one whose standard errors or information are not finite) is refused
 *       and the previous posterior kept ({@code NON_FINITE}); so is a window with nothing to fit
 *       ({@code EMPTY});
 *   <li>suspected separation — fitted probabilities numerically 0 or 1 after a step that moved
 *       some event's linear predictor by more than {@value #MAX_ETA_STEP}, or most of the window's
 *       fits at 0 or 1 while the coefficients grow — is flagged ({@code SEPARATION}), and a step
 *       that moved the linear predictor by more than {@value #MAX_ETA_STEP} is capped to that move,
 *       with the information re-evaluated at the capped coefficients;
 *   <li>a non-positive-definite information gets the smallest ridge that lets Cholesky succeed
 *       ({@code NOT_POSITIVE_DEFINITE}, the amount in {@code ridgeAdded}), and a numerically singular
 *       one, where only the prior and round-off determine some coefficients, is flagged the same way.
 * </ul>
 */
public final class StreamingStep {

  /** The most a capped step may move any window event's linear predictor (logit units). */
  public static final double MAX_ETA_STEP = 10.0;

  /** Beyond this |eta| a fitted probability is numerically 0 or 1 (R clamps the logit mean here). */
  public static final double EXTREME_ETA = Accumulator.EXTREME_ETA;

  private StreamingStep() {}

  /**
   * Takes one step on {@code window} from {@code previous}. Neither argument is modified.
   *
   * @param window the closed window's events (at least one row)
   * @param previous the posterior after the last step (or {@link Posterior#initial})
   */
  public static StepResult take(final Design window, final Posterior previous, final StepOptions options) {
    if (window.coefficients() != previous.dimension()) {
      throw new IllegalArgumentException(
          "the window has " + window.coefficients() + " coefficients, the posterior " + previous.dimension());
    }
    if (options.singleStep()) {
      // one newton semantics, whether the window's events were kept or only its statistics
      return take(WindowStatistics.of(window, previous.coefficients()), previous, options);
    }
    final Prior prior = previous.discounted(options.gamma());
    final FitOptions base = FitOptions.builder()
        .maxIterations(options.maxIterations())
        .nullDeviance(false)
        .warmStart(false)
        .build();
    final GlmFit fit = IrlsFitter.fit(window, prior, base.toBuilder().start(previous.coefficients()).build());
    final Draft step = new Draft(fit);
    refuseNonFinite(step, fit.status().name());
    if (step.accepted) {
      guardSeparation(window, prior, previous.coefficients(), fit, base, step);
    }
    return step.finish(previous);
  }

  /**
   * Takes one Newton step (step mode {@code newton}) from the statistics of a window accumulated at
   * {@code previous}'s coefficients: {@code P_t = gamma P + H}, {@code b_t = b + P_t^-1 g}, the
   * standard errors from {@code P_t}. Neither argument is modified.
   *
   * <p>Without the events, the separation guard reads the window's fits at the step's start and
   * bounds the step's move of any linear predictor by the window's largest |x_j|: a step flagged as
   * separation whose bound exceeds {@value #MAX_ETA_STEP} is scaled down to that bound; the
   * information stays the one at the start, as a Newton step defines it.
   *
   * @throws IllegalArgumentException when {@code options} asks for iteration (that needs the events),
   *     or the statistics were accumulated at other coefficients than {@code previous}'s
   */
  public static StepResult take(final WindowStatistics window, final Posterior previous, final StepOptions options) {
    if (!options.singleStep()) {
      throw new IllegalArgumentException("a window's statistics allow a single Newton step only");
    }
    final double[] from = previous.coefficients();
    if (!Arrays.equals(window.beta(), from)) {
      throw new IllegalArgumentException("the statistics were accumulated at other coefficients than the posterior's");
    }
    final int d = from.length;
    final double[] precision = previous.packedPrecision().clone();
    final double[] information = window.packedInformation();
    for (int i = 0; i < precision.length; i++) {
      precision[i] = options.gamma() * precision[i] + information[i];
    }
    // the penalised score at b = m: the prior adds nothing
    final double[] gradient = window.score().clone();
    final Draft step = new Draft(window.logLikelihood(), norm(gradient));
    if (window.sawNonFinite()) {
      return step.refuse(StepStatus.NON_FINITE, "non-finite linear predictor, weight or score at iteration 0")
          .finish(previous);
    }
    final SpdSolver.Result solved = SpdSolver.solve(precision, gradient, new boolean[d]);
    if (!solved.finite()) {
      return step.refuse(StepStatus.NON_FINITE, "the Newton step is not finite at iteration 0").finish(previous);
    }
    final double[] next = new double[d];
    final double[] se = new double[d];
    final double[] inverse = solved.packedInverse();
    for (int j = 0; j < d; j++) {
      next[j] = from[j] + solved.step()[j];
      se[j] = Math.sqrt(inverse[PackedSymmetric.rowStart(d, j)]);
    }
    step.coefficients = next;
    step.stdErrors = se;
    step.precision = precision;
    step.covariance = PackedSymmetric.toRowMajor(inverse, d);
    step.stepNorm = norm(solved.step());
    step.ridge = solved.ridge();
    if (solved.ridge() > 0) {
      step.status = StepStatus.NOT_POSITIVE_DEFINITE;
      step.reason = "information not positive definite; added a ridge of " + solved.ridge();
    }
    refuseNonFinite(step, step.status.name());
    if (step.accepted) {
      guardSeparation(window, from, solved.step(), step);
    }
    return step.finish(previous);
  }

  /** Refuses a step whose coefficients, standard errors or information are not all finite. */
  private static void refuseNonFinite(final Draft step, final String statusBefore) {
    if (step.accepted && !(Vectors.allFinite(step.coefficients) && Vectors.allFinite(step.stdErrors)
        && Vectors.allFinite(step.precision))) {
      step.refuse(StepStatus.NON_FINITE, "the step produced non-finite coefficients, standard errors or information"
          + (step.reason.isEmpty() ? "" : " (" + statusBefore + ": " + step.reason + ")"));
    }
  }

  /**
   * The separation guard of a step from statistics: the fits at the start, and a bound of the move
   * of any event's linear predictor, {@code |s_0| + sum_j |s_j| max|x_j|}.
   */
  private static void guardSeparation(final WindowStatistics window, final double[] from, final double[] change,
      final Draft step) {
    final long extreme = window.extremeFitted();
    double bound = Math.abs(change[0]);
    final double[] maxAbs = window.maxAbsFeatures();
    for (int j = 1; j < change.length; j++) {
      bound += Math.abs(change[j]) * maxAbs[j - 1];
    }
    final boolean runaway = extreme > 0 && bound > MAX_ETA_STEP;
    final boolean creeping = 2 * extreme > window.count() && norm(step.coefficients) > norm(from);
    if (!(runaway || creeping)) {
      return;
    }
    step.status = StepStatus.SEPARATION;
    final String seen = extreme + " of " + window.count()
        + " fitted probabilities of the window are numerically 0 or 1 at the step's start";
    if (!(bound > MAX_ETA_STEP)) {
      step.reason = "suspected separation: " + seen + (step.reason.isEmpty() ? "" : " (" + step.reason + ")");
      return;
    }
    final double scale = MAX_ETA_STEP / bound;
    final double[] capped = new double[from.length];
    for (int j = 0; j < capped.length; j++) {
      capped[j] = from[j] + scale * change[j];
    }
    step.coefficients = capped;
    step.stepNorm = scale * norm(change);
    step.reason = String.format(Locale.ROOT,
        "suspected separation: %s; the step could move the linear predictor by up to %.4g (a bound from the "
            + "window's largest |x|), capped to %.4g (%.4g of the step)", seen, bound, MAX_ETA_STEP, scale);
  }

  /**
   * Flags suspected separation and caps a runaway step to a move of {@link #MAX_ETA_STEP} in the
   * linear predictor, re-evaluating the information at the capped coefficients.
   */
  private static void guardSeparation(final Design window, final Prior prior, final double[] from,
      final GlmFit fit, final FitOptions base, final Draft step) {
    final double[] change = new double[from.length];
    for (int j = 0; j < change.length; j++) {
      change[j] = step.coefficients[j] - from[j];
    }
    final EtaScan scan = EtaScan.of(window, step.coefficients, change);
    // Runaway: a big move into numerically 0/1 fits, or (slowly, step by step) coefficients growing
    // while most of the window's fits are numerically 0 or 1, so that v has collapsed.
    final boolean runaway = scan.extreme > 0 && scan.maxChange > MAX_ETA_STEP;
    final boolean creeping = 2 * scan.extreme > window.rows() && norm(step.coefficients) > norm(from);
    if (!(runaway || creeping || fit.status() == FitStatus.SEPARATION)) {
      return;
    }
    step.status = StepStatus.SEPARATION;
    final String seen = scan.extreme + " of " + window.rows()
        + " fitted probabilities of the window are numerically 0 or 1";
    if (!(scan.maxChange > MAX_ETA_STEP)) {
      step.reason = "suspected separation: " + seen + (step.reason.isEmpty() ? "" : " (" + step.reason + ")");
      return;
    }
    final double scale = MAX_ETA_STEP / scan.maxChange;
    final double[] capped = new double[from.length];
    for (int j = 0; j < capped.length; j++) {
      capped[j] = from[j] + scale * change[j];
    }
    // the information at the capped coefficients: one evaluation, as a single step's start
    final GlmFit at = IrlsFitter.fit(window, prior, base.toBuilder().singleStep(true).start(capped).build());
    if (at.status() == FitStatus.NON_FINITE || !Vectors.allFinite(at.stdErrors())
        || !Vectors.allFinite(at.packedPrecision())) {
      step.refuse(StepStatus.NON_FINITE, "suspected separation, and the capped step is not finite");
      return;
    }
    step.coefficients = capped;
    step.stdErrors = at.stdErrors();
    step.precision = at.packedPrecision();
    step.covariance = null; // the fitter's covariance is that of the uncapped step
    step.stepNorm = scale * norm(change);
    step.ridge = Math.max(step.ridge, at.ridgeAdded());
    step.reason = String.format(Locale.ROOT,
        "suspected separation: %s; the step would move the linear predictor by up to %.4g, "
            + "capped to %.4g (%.4g of the step)", seen, scan.maxChange, MAX_ETA_STEP, scale);
  }

  /** The step under construction: the fitter's outcome, then what the guards make of it. */
  private static final class Draft {
    boolean accepted;
    StepStatus status;
    String reason;
    double[] coefficients;
    double[] stdErrors;
    double[] precision;
    /** Row-major, when the fitter's own covariance is the posterior's; null to derive it. */
    double[] covariance;
    double stepNorm;
    double ridge;
    final int iterations;
    final double windowLogLikelihood;
    final double gradientNorm;

    /** A single step from statistics, before its outcome is known. */
    Draft(final double windowLogLikelihood, final double gradientNorm) {
      status = StepStatus.OK;
      accepted = true;
      reason = "";
      iterations = 1;
      this.windowLogLikelihood = windowLogLikelihood;
      this.gradientNorm = gradientNorm;
    }

    Draft(final GlmFit fit) {
      status = StepStatus.of(fit.status());
      accepted = !status.refuses();
      reason = fit.statusReason();
      coefficients = fit.coefficients();
      stdErrors = fit.stdErrors();
      precision = fit.packedPrecision();
      covariance = rowMajor(fit.vcov());
      stepNorm = fit.stepNorm();
      ridge = fit.ridgeAdded();
      iterations = fit.iterations();
      windowLogLikelihood = fit.startLogLikelihood();
      gradientNorm = fit.startGradientNorm();
    }

    /** Refuses the step with {@code why}; the previous posterior stays. Returns this. */
    Draft refuse(final StepStatus why, final String reason) {
      accepted = false;
      status = why;
      this.reason = reason;
      return this;
    }

    /** Flags a singular information, completes the reason and builds the result. */
    StepResult finish(final Posterior previous) {
      if (accepted && status == StepStatus.OK) {
        final List<Integer> aliased =
            Aliasing.indices(Aliasing.columns(precision, coefficients.length, Aliasing.R_TOLERANCE));
        if (!aliased.isEmpty()) {
          status = StepStatus.NOT_POSITIVE_DEFINITE;
          reason = "information numerically singular: coefficient(s) " + aliased
              + " (0 = intercept) are linear combinations of earlier ones (R would report NA); "
              + "only the prior and round-off determine them, and their standard errors are huge";
        }
      }
      if (!accepted) {
        reason = (reason.isEmpty() ? status.name() : reason) + "; the step was refused and the previous model kept";
        return new StepResult(previous, previous.covariance(), status, reason, false, iterations,
            windowLogLikelihood, gradientNorm, 0.0, ridge);
      }
      if (ridge > 0 && status != StepStatus.NOT_POSITIVE_DEFINITE) {
        reason = reason + (reason.isEmpty() ? "" : "; ") + "information not positive definite; added a ridge of " + ridge;
      }
      final Posterior next = new Posterior(coefficients, stdErrors, precision);
      return new StepResult(next, covariance == null ? next.covariance() : covariance, status, reason, true,
          iterations, windowLogLikelihood, gradientNorm, stepNorm, ridge);
    }
  }

  /** Per-window scan of the linear predictors at the new coefficients and of the step's change to them. */
  private static final class EtaScan {
    long extreme;
    double maxChange;

    static EtaScan of(final Design design, final double[] b, final double[] change) {
      final EtaScan scan = new EtaScan();
      final int p = design.features();
      final double[] x = new double[Math.max(1, p)];
      final double[] w = design.weight();
      final double[] o = design.offset();
      for (int i = 0; i < design.rows(); i++) {
        design.row(i, x);
        double eta = o[i] + b[0];
        double delta = change[0];
        for (int j = 0; j < p; j++) {
          eta += b[j + 1] * x[j];
          delta += change[j + 1] * x[j];
        }
        if (w[i] > 0 && Math.abs(eta) > EXTREME_ETA) {
          scan.extreme++;
        }
        scan.maxChange = Math.max(scan.maxChange, Math.abs(delta));
      }
      return scan;
    }
  }

  private static double[] rowMajor(final double[][] m) {
    final int d = m.length;
    final double[] out = new double[d * d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(m[i], 0, out, i * d, d);
    }
    return out;
  }

  private static double norm(final double[] v) {
    double s = 0;
    for (final double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
