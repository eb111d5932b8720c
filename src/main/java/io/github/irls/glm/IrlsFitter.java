package io.github.irls.glm;

import io.github.irls.glm.linalg.Aliasing;
import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.glm.linalg.SpdSolver;
import io.github.irls.glm.linalg.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * One penalised IRLS (Newton) fitter for GLMs: it maximises {@code loglik(b) - 1/2 (b - m)' Q (b -
 * m)} for a Gaussian prior {@code N(m, Q^-1)} by full Newton steps {@code b <- b + (H(b) + Q)^-1
 * (g(b) - Q (b - m))}, solved by Cholesky. With no prior it is R's {@code glm}; with a ridge prior it
 * is ridge regression; run on a window's events with the previous posterior as the prior it is one
 * streaming step.
 *
 * <p>Stateless and thread-safe: each call allocates its own workspace (once per call, never per
 * observation). Expected numerical trouble (aliasing, a non-positive-definite information,
 * separation, non-finite data) ends in a {@link GlmFit} whose {@link FitStatus} says so; exceptions
 * are only for programming errors such as mismatched dimensions.
 */
public final class IrlsFitter {

  /** The exact rule: stop when every step is below this many standard errors... */
  static final double STEP_TOLERANCE_SE = 1e-10;

  /** ...or when the deviance changes by less than this (R's rule with glm_tight's epsilon). */
  static final double EXACT_DEVIANCE_EPSILON = 1e-14;

  /** R's {@code qr(tol = 1e-7)}: a column whose residual norm is below tol times its norm is aliased. */
  static final double ALIAS_TOLERANCE = Aliasing.R_TOLERANCE;

  /** Step halvings tried before a step that worsens the objective is taken anyway. */
  static final int MAX_HALVINGS = 30;

  /** Round-off allowance when comparing the objective before and after a step. */
  static final double OBJECTIVE_SLACK = 1e-12;

  static final int WARM_START_MIN_ROWS = 200_000;
  static final int WARM_START_ROWS = 50_000;
  static final int MIN_ROWS_PER_THREAD = 16_384;

  static final String WARN_NOT_CONVERGED = "glm.fit: algorithm did not converge";
  static final String WARN_FITTED_0_1 = "glm.fit: fitted probabilities numerically 0 or 1 occurred";
  static final String WARN_NON_INTEGER = "eval: non-integer #successes in a binomial glm!";

  private IrlsFitter() {}

  /** Fits with no prior: R's {@code glm(y ~ x, family, weights, offset)}. */
  public static GlmFit fit(final Design design, final FitOptions options) {
    return fit(design, Prior.none(design.coefficients()), options);
  }

  /** Fits the penalised model. The design's coefficients and the prior's dimension must agree. */
  public static GlmFit fit(final Design design, final Prior prior, final FitOptions options) {
    final int d = design.coefficients();
    if (prior.dimension() != d) {
      throw new IllegalArgumentException(
          "prior has dimension " + prior.dimension() + ", the design needs " + d);
    }
    final double[] start = options.start().orElseGet(() -> new double[d]);
    if (start.length != d) {
      throw new IllegalArgumentException("start has length " + start.length + ", expected " + d);
    }
    // Iterate on centred features (an exact reparametrisation, see Centering) and map back.
    final Centering centering = Centering.of(design);
    final Prior centredPrior = centering.toCentred(prior);
    final Workspace ws = new Workspace(options.family(), d, options.threads(), centering.shift());
    double[] from = centering.toCentred(start);
    boolean warmed = false;
    if (options.warmStart()
        && !options.singleStep()
        && options.start().isEmpty()
        && design.rows() >= WARM_START_MIN_ROWS) {
      // A fit on a systematic subsample lands within a few standard errors of the full optimum, so
      // the full data needs only the last two or three (quadratically converging) Newton steps.
      final int stride = design.rows() / WARM_START_ROWS;
      final FitOptions subsample = options.toBuilder().epsilon(1e-8).build();
      final Iteration warm = iterate(design, centredPrior.scaled(1.0 / stride), subsample, from, stride, ws, null);
      if (warm.status == FitStatus.OK && Vectors.allFinite(warm.beta)) {
        from = warm.beta;
        warmed = true;
      }
    }
    final InitialStep initial =
        options.start().isEmpty() && prior.isNone() && !options.singleStep() && !warmed
            ? rInitialStep(design, centering.shift(), options.family())
            : null;
    final Iteration it = iterate(design, centredPrior, options, from, 1, ws, initial);
    return summarise(design, prior, options, it, start, centering, ws);
  }

  /**
   * R's first IRLS iteration, which starts from the family's {@code mustart} (for the binomial
   * {@code (w y + 0.5) / (w + 1)}) rather than from coefficients: one weighted least-squares fit of
   * the working response at those means. Starting there makes every later iterate, the deviance
   * sequence and hence the iteration count and the convergence verdict R's own, which matters
   * where the MLE does not exist (separation) and R's answer is where its iteration stopped.
   *
   * @param beta the coefficients after the first iteration (centred coordinates)
   * @param objective the deviance at {@code mustart}, R's {@code devold}
   * @param aliased the columns R's first QR drops
   * @param logLikelihood the log-likelihood at {@code mustart}
   */
  private record InitialStep(double[] beta, double objective, boolean[] aliased, double logLikelihood,
      SpdSolver.Result solved) {}

  private static InitialStep rInitialStep(final Design design, final double[] shift, final Family family) {
    final int n = design.rows();
    final int p = design.features();
    final int d = p + 1;
    final double[] h = new double[PackedSymmetric.size(d)];
    final double[] rhs = new double[d];
    final double[] z = new double[d];
    final double[] q = new double[3];
    final double[] y = design.y();
    final double[] w = design.weight();
    final double[] o = design.offset();
    double deviance = 0;
    double logLikelihood = 0;
    for (int i = 0; i < n; i++) {
      final double wi = w[i];
      final double eta = family.link().link(family.initialMean(y[i], wi));
      if (!(wi > 0)) {
        continue;
      }
      family.evaluate(y[i], eta, q);
      deviance += 2.0 * wi * (family.saturatedLogLikelihood(y[i]) - q[2]);
      logLikelihood += wi * q[2];
      final double a = wi * q[0];
      // X'W z with the working response z = (eta - offset) + (y - mu) / (d mu / d eta).
      final double r = a * (eta - o[i]) + wi * q[1];
      z[0] = 1.0;
      for (int j = 0; j < p; j++) {
        z[j + 1] = design.column(j)[i] - shift[j];
      }
      int idx = 0;
      for (int j = 0; j < d; j++) {
        final double azj = a * z[j];
        rhs[j] += r * z[j];
        for (int k = j; k < d; k++) {
          h[idx++] += azj * z[k];
        }
      }
    }
    final boolean[] aliased = aliasedColumns(h, d);
    final SpdSolver.Result solved = SpdSolver.solve(h, rhs, aliased);
    return new InitialStep(solved.step(), deviance, aliased, logLikelihood, solved);
  }

  // ---------------------------------------------------------------------------------------------
  // Newton iteration

  /** What the iteration leaves behind: the last evaluation and the step it suggested. */
  private static final class Iteration {
    double[] beta;
    Accumulator atBeta;
    SpdSolver.Result solved;
    boolean[] aliased;
    int iterations;
    boolean converged;
    FitStatus status = FitStatus.OK;
    String reason = "";
    double startLogLikelihood = Double.NaN;
    double[] startGradient;
  }

  private static Iteration iterate(
      final Design design,
      final Prior prior,
      final FitOptions options,
      final double[] start,
      final int stride,
      final Workspace ws,
      final InitialStep initial) {
    final int d = design.coefficients();
    final Iteration it = new Iteration();
    double[] beta = start.clone();
    double previousObjective = Double.NaN;
    double[] previousBeta = null;
    double[] lastStep = null;
    int halvings = 0;
    boolean[] aliased = null;
    int first = 0;
    if (initial != null && initial.solved().finite()) {
      beta = initial.beta();
      previousObjective = initial.objective();
      aliased = initial.aliased();
      it.startLogLikelihood = initial.logLikelihood();
      first = 1;
    }
    for (int k = first; ; ) {
      final Accumulator acc = ws.evaluate(design, beta, stride);
      final double objective = acc.deviance() + penalty(prior, beta);
      // A full Newton step that makes the penalised objective worse (or non-finite) is halved, as
      // R's glm.fit halves a step to a non-finite deviance. Where full steps improve the objective,
      // which is every iterate of the R references, nothing changes.
      if (previousBeta != null
          && halvings < MAX_HALVINGS
          && (acc.sawNonFinite() || !(objective <= previousObjective + OBJECTIVE_SLACK * (Math.abs(previousObjective) + 0.1)))) {
        halvings++;
        for (int j = 0; j < d; j++) {
          lastStep[j] *= 0.5;
        }
        beta = add(previousBeta, lastStep);
        continue;
      }
      halvings = 0;
      it.beta = beta;
      it.atBeta = acc;
      it.iterations = k;
      if (acc.sawNonFinite() || !Vectors.allFinite(beta)) {
        it.status = FitStatus.NON_FINITE;
        it.reason = "non-finite linear predictor, weight or score at iteration " + k;
        it.converged = false;
        return it;
      }
      final double[] information = ws.penalisedInformation(acc, prior);
      if (aliased == null) {
        aliased = prior.isNone() ? aliasedColumns(information, d) : new boolean[d];
      }
      it.aliased = aliased;
      final double[] gradient = penalisedScore(acc, prior, beta);
      if (k == 0) {
        it.startLogLikelihood = acc.logLikelihood();
        it.startGradient = gradient;
      }
      final SpdSolver.Result solved = SpdSolver.solve(information, gradient, aliased);
      it.solved = solved;
      if (!solved.finite()) {
        it.status = FitStatus.NON_FINITE;
        it.reason = "the Newton step is not finite at iteration " + k;
        it.converged = false;
        return it;
      }
      if (options.singleStep()) {
        it.beta = add(beta, solved.step());
        it.iterations = 1;
        it.converged = true;
        return it;
      }
      final boolean devianceRule;
      if (k > 0) {
        final double epsilon = options.epsilon().orElse(EXACT_DEVIANCE_EPSILON);
        devianceRule = Math.abs(objective - previousObjective) / (Math.abs(objective) + 0.1) < epsilon;
      } else {
        devianceRule = false;
      }
      // The step rule alone would stop early under separation, where the standard errors explode
      // faster than the steps shrink; R's deviance rule (and R's verdict) applies there instead.
      final boolean stepRule =
          options.epsilon().isEmpty()
              && acc.extremeFitted() == 0
              && maxStepInStandardErrors(solved, aliased) <= STEP_TOLERANCE_SE;
      if (devianceRule || stepRule) {
        it.converged = true;
        if (options.epsilon().isEmpty()) {
          // R's glm_tight: one more Newton step from the converged coefficients, standard errors
          // from the information there. For a well-posed fit the step is below 1e-10 standard
          // errors; where the MLE does not exist it is R's own last step.
          it.beta = add(beta, solved.step());
        }
        return it;
      }
      if (k == options.maxIterations()) {
        it.converged = false;
        return it;
      }
      previousObjective = objective;
      previousBeta = beta;
      lastStep = solved.step().clone();
      beta = add(beta, lastStep);
      k++;
    }
  }

  private static double maxStepInStandardErrors(final SpdSolver.Result solved, final boolean[] aliased) {
    double worst = 0;
    final double[] step = solved.step();
    final double[] inverse = solved.packedInverse();
    final int d = step.length;
    for (int j = 0; j < d; j++) {
      if (aliased[j]) {
        continue;
      }
      final double se = Math.sqrt(inverse[PackedSymmetric.rowStart(d, j)]);
      final double r = Math.abs(step[j]) / se;
      worst = Math.max(worst, Double.isNaN(r) ? Double.POSITIVE_INFINITY : r);
    }
    return worst;
  }

  /** Columns linearly dependent on earlier ones, as R's {@code dqrdc2} finds them. */
  static boolean[] aliasedColumns(final double[] packed, final int d) {
    return Aliasing.columns(packed, d, ALIAS_TOLERANCE);
  }

  // ---------------------------------------------------------------------------------------------
  // Summary

  private static GlmFit summarise(
      final Design design,
      final Prior prior,
      final FitOptions options,
      final Iteration it,
      final double[] start,
      final Centering centering,
      final Workspace ws) {
    final int d = design.coefficients();
    final List<String> names = options.coefNamesFor(d);
    final Accumulator acc = it.atBeta;
    final boolean[] aliased = it.aliased == null ? new boolean[d] : it.aliased;
    final double[] originalBeta = centering.toOriginal(it.beta);
    final double[] beta = originalBeta.clone();
    final double[] se = new double[d];
    final double[] z = new double[d];
    final double[] p = new double[d];
    final double[][] vcov = new double[d][d];
    int rank = 0;
    final double[] inverse =
        it.solved == null ? null : centering.covarianceToOriginal(it.solved.packedInverse());
    for (int i = 0; i < d; i++) {
      if (!aliased[i]) {
        rank++;
      }
      for (int j = 0; j < d; j++) {
        vcov[i][j] =
            aliased[i] || aliased[j] || inverse == null
                ? Double.NaN
                : inverse[PackedSymmetric.index(d, i, j)];
      }
    }
    for (int j = 0; j < d; j++) {
      if (aliased[j]) {
        beta[j] = Double.NaN;
        se[j] = Double.NaN;
        z[j] = Double.NaN;
        p[j] = Double.NaN;
      } else {
        se[j] = Math.sqrt(vcov[j][j]);
        z[j] = beta[j] / se[j];
        p[j] = Normal.twoSidedP(z[j]);
      }
    }

    final long positive = ws.positiveWeightRows(design);
    final List<String> warnings = new ArrayList<>();
    final boolean binaryCounts = ws.wholeTrialsWithBinaryResponse(design);
    if (options.family() == Binomial.LOGIT && ws.nonIntegerSuccesses(design)) {
      warnings.add(WARN_NON_INTEGER);
    }
    FitStatus status = it.status;
    String reason = it.reason;
    if (status == FitStatus.OK && !it.converged) {
      status = acc.extremeFitted() > 0 ? FitStatus.SEPARATION : FitStatus.NOT_CONVERGED;
      reason =
          status == FitStatus.SEPARATION
              ? "no convergence in " + it.iterations + " iterations while "
                  + acc.extremeFitted() + " fitted probabilities are numerically 0 or 1: "
                  + "the data look separated and the maximum-likelihood estimate may not exist"
              : "no convergence in " + it.iterations + " iterations";
    }
    if (status == FitStatus.OK && it.solved != null && it.solved.ridge() > 0) {
      status = FitStatus.NOT_POSITIVE_DEFINITE;
      reason = "information not positive definite; added a ridge of " + it.solved.ridge();
    }
    if (positive == 0 && prior.isNone() && status == FitStatus.OK) {
      status = FitStatus.EMPTY;
      reason = "no observation with a positive weight";
    }
    if (!it.converged && !options.singleStep()) {
      warnings.add(WARN_NOT_CONVERGED);
    }
    if (acc.extremeFitted() > 0) {
      warnings.add(WARN_FITTED_0_1);
    }

    final double deviance = acc.deviance();
    final double loglik = binaryCounts ? acc.logLikelihood() : ws.rLogLikelihood(design, originalBeta);
    final double nullDeviance =
        options.nullDeviance() ? nullDeviance(design, options.family()) : Double.NaN;
    final double[] precision =
        it.solved == null
            ? new double[PackedSymmetric.size(d)]
            : centering.precisionToOriginal(it.solved.packedPenalisedInformation());
    return new GlmFit(
        names,
        beta,
        se,
        z,
        p,
        vcov,
        aliased,
        rank,
        nullDeviance,
        deviance,
        positive - 1,
        positive - rank,
        loglik,
        -2.0 * loglik + 2.0 * rank,
        it.iterations,
        it.converged,
        warnings,
        status,
        reason,
        it.solved == null ? 0.0 : it.solved.ridge(),
        precision,
        positive,
        acc.weightSum(),
        it.startLogLikelihood,
        it.startGradient == null
            ? Double.NaN
            : norm(centering.scoreToOriginal(it.startGradient), aliased),
        distance(originalBeta, start, aliased));
  }

  /**
   * The deviance of the intercept-only model: closed form without an offset, otherwise a scalar
   * Newton fit with the offset (as R's {@code glm.fit} does).
   */
  static double nullDeviance(final Design design, final Family family) {
    final int n = design.rows();
    final double[] y = design.y();
    final double[] w = design.weight();
    final double[] o = design.offset();
    if (!design.hasOffset()) {
      double sw = 0;
      double swy = 0;
      for (int i = 0; i < n; i++) {
        sw += w[i];
        swy += w[i] * y[i];
      }
      final double mu = swy / sw;
      double dev = 0;
      for (int i = 0; i < n; i++) {
        if (w[i] > 0) {
          dev += w[i] * family.unitDevianceAtMean(y[i], mu);
        }
      }
      return dev;
    }
    final double[] q = new double[3];
    double b0 = 0;
    double dev = Double.NaN;
    for (int k = 0; k <= 100; k++) {
      double h = 0;
      double g = 0;
      double devK = 0;
      for (int i = 0; i < n; i++) {
        if (w[i] > 0) {
          final double eta = o[i] + b0;
          family.evaluate(y[i], eta, q);
          h += w[i] * q[0];
          g += w[i] * q[1];
          devK += 2.0 * w[i] * (family.saturatedLogLikelihood(y[i]) - q[2]);
        }
      }
      final boolean done =
          k > 0 && Math.abs(devK - dev) / (Math.abs(devK) + 0.1) < EXACT_DEVIANCE_EPSILON;
      dev = devK;
      if (done || !(h > 0)) {
        break;
      }
      b0 += g / h;
    }
    return dev;
  }

  // ---------------------------------------------------------------------------------------------
  // Small vector helpers

  private static double[] penalisedScore(final Accumulator acc, final Prior prior, final double[] beta) {
    final double[] g = acc.score().clone();
    if (!prior.isNone()) {
      final int d = g.length;
      for (int i = 0; i < d; i++) {
        double qb = 0;
        for (int j = 0; j < d; j++) {
          qb += prior.precisionAt(i, j) * (beta[j] - prior.meanAt(j));
        }
        g[i] -= qb;
      }
    }
    return g;
  }

  private static double penalty(final Prior prior, final double[] beta) {
    if (prior.isNone()) {
      return 0.0;
    }
    final int d = beta.length;
    double s = 0;
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        s += (beta[i] - prior.meanAt(i)) * prior.precisionAt(i, j) * (beta[j] - prior.meanAt(j));
      }
    }
    return s;
  }

  private static double[] add(final double[] a, final double[] b) {
    final double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] + b[i];
    }
    return c;
  }

  private static double norm(final double[] v, final boolean[] skip) {
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      if (!skip[i]) {
        s += v[i] * v[i];
      }
    }
    return Math.sqrt(s);
  }

  private static double distance(final double[] a, final double[] b, final boolean[] skip) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      if (!skip[i]) {
        final double diff = a[i] - b[i];
        s += diff * diff;
      }
    }
    return Math.sqrt(s);
  }

  // ---------------------------------------------------------------------------------------------
  // Workspace: allocated once per fit, reused by every iteration

  private static final class Workspace {
    private final Family family;
    private final int d;
    private final Accumulator[] parts;
    private final double[][] rowBuffers;
    private final double[] penalised;

    Workspace(final Family family, final int d, final int threads, final double[] shift) {
      this.family = family;
      this.d = d;
      this.parts = new Accumulator[threads];
      this.rowBuffers = new double[threads][4 * Math.max(1, d - 1)];
      for (int t = 0; t < threads; t++) {
        parts[t] = new Accumulator(family, new double[d]).shiftFeatures(shift);
      }
      this.penalised = new double[PackedSymmetric.size(d)];
    }

    /** The per-step quantities at {@code beta} over rows {@code 0, stride, 2 stride, ...}. */
    Accumulator evaluate(final Design design, final double[] beta, final int stride) {
      final int n = design.rows();
      final int selected = (n + stride - 1) / stride;
      final int threads = Math.min(parts.length, Math.max(1, selected / MIN_ROWS_PER_THREAD));
      for (int t = 0; t < threads; t++) {
        parts[t].reset(beta);
      }
      if (threads == 1) {
        parts[0].addRows(design, 0, n, stride, rowBuffers[0]);
        return parts[0];
      }
      final ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[threads - 1];
      for (int t = 1; t < threads; t++) {
        final int part = t;
        tasks[t - 1] = ForkJoinPool.commonPool().submit(() -> evaluatePart(design, stride, selected, threads, part));
      }
      evaluatePart(design, stride, selected, threads, 0);
      for (final ForkJoinTask<?> task : tasks) {
        task.join();
      }
      // Merged in a fixed order, so a fit is reproducible bit for bit for a given thread count.
      for (int t = 1; t < threads; t++) {
        parts[0].merge(parts[t]);
      }
      return parts[0];
    }

    private void evaluatePart(
        final Design design, final int stride, final int selected, final int threads, final int part) {
      final long lo = (long) selected * part / threads;
      final long hi = (long) selected * (part + 1) / threads;
      parts[part].addRows(
          design, (int) (lo * stride), (int) Math.min(design.rows(), hi * stride), stride, rowBuffers[part]);
    }

    /** {@code H + Q}, packed. The returned array is the workspace's own. */
    double[] penalisedInformation(final Accumulator acc, final Prior prior) {
      final double[] h = acc.packedInformation();
      for (int i = 0; i < h.length; i++) {
        penalised[i] = h[i];
      }
      if (!prior.isNone()) {
        final double[] q = prior.packedPrecision();
        for (int i = 0; i < q.length; i++) {
          penalised[i] += q[i];
        }
      }
      return penalised;
    }

    long positiveWeightRows(final Design design) {
      long count = 0;
      final double[] w = design.weight();
      for (int i = 0; i < design.rows(); i++) {
        if (w[i] > 0) {
          count++;
        }
      }
      return count;
    }

    /** R's binomial {@code initialize} warns when any {@code w y} is 1e-3 or more from an integer. */
    boolean nonIntegerSuccesses(final Design design) {
      final double[] w = design.weight();
      final double[] y = design.y();
      for (int i = 0; i < design.rows(); i++) {
        final double m = w[i] * y[i];
        if (Math.abs(m - Math.rint(m)) > 1e-3) {
          return true;
        }
      }
      return false;
    }

    /** Whether every row is a whole number of trials with a 0/1 response (R's loglik is then plain). */
    boolean wholeTrialsWithBinaryResponse(final Design design) {
      final double[] w = design.weight();
      final double[] y = design.y();
      for (int i = 0; i < design.rows(); i++) {
        if (w[i] > 0 && ((y[i] != 0.0 && y[i] != 1.0) || w[i] != Math.rint(w[i]))) {
          return false;
        }
      }
      return true;
    }

    double rLogLikelihood(final Design design, final double[] beta) {
      final double[] x = new double[Math.max(1, d - 1)];
      final double[] y = design.y();
      final double[] w = design.weight();
      final double[] o = design.offset();
      double ll = 0;
      for (int i = 0; i < design.rows(); i++) {
        design.row(i, x);
        double eta = o[i] + beta[0];
        for (int j = 1; j < d; j++) {
          eta += beta[j] * x[j - 1];
        }
        ll += family.rLogLikelihood(y[i], eta, w[i]);
      }
      return ll;
    }
  }
}
