package io.github.irls.glm;

import org.apache.commons.numbers.gamma.LogGamma;

/**
 * The binomial family with the logit link: {@code V(mu) = mu (1 - mu)}. The response is a proportion
 * in [0, 1] (0/1 for Bernoulli rows) and the prior weight is the number of trials.
 */
public final class Binomial implements Family {

  /** Binomial with the canonical logit link. */
  public static final Binomial LOGIT = new Binomial();

  /** R's {@code THRESH} in {@code family.c}: beyond |eta| > 30 R clamps the logit's mean. */
  static final double THRESHOLD = 30.0;

  static final double DBL_EPSILON = Math.ulp(1.0);

  private Binomial() {}

  @Override
  public String name() {
    return "binomial";
  }

  @Override
  public Link link() {
    return LogitLink.INSTANCE;
  }

  @Override
  public double variance(final double mu) {
    return mu * (1.0 - mu);
  }

  @Override
  public double workingWeight(final double eta) {
    if (Math.abs(eta) > THRESHOLD) {
      final double mu = clampedMean(eta);
      return DBL_EPSILON * DBL_EPSILON / (mu * (1.0 - mu));
    }
    // For the canonical link the working weight is V(mu) = mu (1 - mu) = e / (1 + e)^2, e = exp(-|eta|).
    final double e = Math.exp(-Math.abs(eta));
    final double opE = 1.0 + e;
    return e / (opE * opE);
  }

  @Override
  public double scoreFactor(final double y, final double eta) {
    if (Math.abs(eta) > THRESHOLD) {
      final double mu = clampedMean(eta);
      return DBL_EPSILON * (y - mu) / (mu * (1.0 - mu));
    }
    return y - LogitLink.INSTANCE.linkInverse(eta);
  }

  @Override
  public double logLikelihood(final double y, final double eta) {
    if (Math.abs(eta) > THRESHOLD) {
      final double mu = clampedMean(eta);
      return (y == 0.0 ? 0.0 : y * Math.log(mu)) + (y == 1.0 ? 0.0 : (1.0 - y) * Math.log1p(-mu));
    }
    // y log mu + (1 - y) log(1 - mu) with log mu = -softplus(-eta) and log(1 - mu) = -softplus(eta).
    if (y == 1.0) {
      return -LogitLink.softplus(-eta);
    }
    if (y == 0.0) {
      return -LogitLink.softplus(eta);
    }
    return -(y * LogitLink.softplus(-eta) + (1.0 - y) * LogitLink.softplus(eta));
  }

  /**
   * The mean as R's C code {@code logit_linkinv} computes it beyond |eta| > 30, where it clamps
   * {@code exp(eta)} to {@code [eps, 1/eps]} (and {@code logit_mu_eta} returns {@code eps}). Matching
   * R there keeps fits of separated or extreme data comparable with R's, iterate for iterate.
   */
  static double clampedMean(final double eta) {
    final double tmp = eta < -THRESHOLD ? DBL_EPSILON : (eta > THRESHOLD ? 1.0 / DBL_EPSILON : Math.exp(eta));
    return tmp / (1.0 + tmp);
  }

  @Override
  public double saturatedLogLikelihood(final double y) {
    return entropyTerm(y);
  }

  /** One {@code exp} and one {@code log1p} give the weight, the score factor and the log-likelihood. */
  @Override
  public void evaluate(final double y, final double eta, final double[] out) {
    final double absEta = Math.abs(eta);
    if (absEta > THRESHOLD) {
      out[0] = workingWeight(eta);
      out[1] = scoreFactor(y, eta);
      out[2] = logLikelihood(y, eta);
      return;
    }
    final double e = Math.exp(-absEta);
    final double opE = 1.0 + e;
    final double mu = eta >= 0 ? 1.0 / opE : e / opE;
    out[0] = e / (opE * opE);
    out[1] = y - mu;
    final double l1pe = Math.log1p(e);
    // log mu = -softplus(-eta), log(1 - mu) = -softplus(eta); softplus(|eta|) = |eta| + log1p(e).
    final double spNeg = eta >= 0 ? l1pe : absEta + l1pe;
    final double spPos = eta >= 0 ? absEta + l1pe : l1pe;
    if (y == 1.0) {
      out[2] = -spNeg;
    } else if (y == 0.0) {
      out[2] = -spPos;
    } else {
      out[2] = -(y * spNeg + (1.0 - y) * spPos);
    }
  }

  @Override
  public double unitDevianceAtMean(final double y, final double mu) {
    return 2.0 * (yLogYOverMu(y, mu) + yLogYOverMu(1.0 - y, 1.0 - mu));
  }

  /**
   * R's binomial {@code aic} counts {@code dbinom(round(w y), round(w), mu, log = TRUE)} per row with
   * positive weight, so non-integer weights are rounded and proportions carry their binomial
   * coefficient. Matching that keeps {@code loglik} and {@code AIC} comparable with R's.
   */
  @Override
  public double rLogLikelihood(final double y, final double eta, final double weight) {
    if (weight <= 0) {
      return 0.0;
    }
    final double trials = Math.rint(weight);
    final double successes = Math.rint(weight * y);
    if (trials == weight && (y == 0.0 || y == 1.0)) {
      return weight * logLikelihood(y, eta);
    }
    if (successes < 0 || successes > trials) {
      return Double.NEGATIVE_INFINITY;
    }
    final double logChoose =
        LogGamma.value(trials + 1) - LogGamma.value(successes + 1) - LogGamma.value(trials - successes + 1);
    final boolean clamped = Math.abs(eta) > THRESHOLD;
    final double logMu = clamped ? Math.log(clampedMean(eta)) : -LogitLink.softplus(-eta);
    final double logOneMinusMu = clamped ? Math.log1p(-clampedMean(eta)) : -LogitLink.softplus(eta);
    return logChoose
        + (successes == 0 ? 0.0 : successes * logMu)
        + (trials - successes == 0 ? 0.0 : (trials - successes) * logOneMinusMu);
  }

  /** R's binomial {@code initialize}: {@code (w y + 0.5) / (w + 1)}. */
  @Override
  public double initialMean(final double y, final double weight) {
    return (weight * y + 0.5) / (weight + 1.0);
  }

  @Override
  public boolean validResponse(final double y) {
    return y >= 0.0 && y <= 1.0;
  }

  /** {@code y log y + (1 - y) log(1 - y)}, zero at the ends. */
  static double entropyTerm(final double y) {
    if (y == 0.0 || y == 1.0) {
      return 0.0;
    }
    return y * Math.log(y) + (1.0 - y) * Math.log1p(-y);
  }

  private static double yLogYOverMu(final double y, final double mu) {
    return y == 0.0 ? 0.0 : y * Math.log(y / mu);
  }
}
