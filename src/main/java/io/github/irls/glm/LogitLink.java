package io.github.irls.glm;

/** The logit link {@code eta = log(mu / (1 - mu))}, canonical for the binomial family. */
public final class LogitLink implements Link {

  public static final LogitLink INSTANCE = new LogitLink();

  private LogitLink() {}

  @Override
  public String name() {
    return "logit";
  }

  @Override
  public double link(final double mu) {
    return Math.log(mu / (1.0 - mu));
  }

  @Override
  public double linkInverse(final double eta) {
    // Two branches so that exp never overflows and the small tail keeps full relative precision.
    if (eta >= 0) {
      return 1.0 / (1.0 + Math.exp(-eta));
    }
    final double e = Math.exp(eta);
    return e / (1.0 + e);
  }

  @Override
  public double muEta(final double eta) {
    final double e = Math.exp(-Math.abs(eta));
    final double opE = 1.0 + e;
    return e / (opE * opE);
  }

  /** {@code log(1 + exp(x))} without overflow or loss of precision in either tail. */
  public static double softplus(final double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
}
