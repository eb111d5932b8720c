package io.github.irls.glm;

import org.apache.commons.numbers.gamma.Erfc;

/** The standard normal quantities every published interval and p-value is made of. */
public final class Normal {

  /** The 97.5% quantile of the standard normal: a 95% interval is {@code estimate -+ Z_975 * se}. */
  public static final double Z_975 = 1.959963984540054;

  private Normal() {}

  /** {@code 2 P(Z > |z|)} for a standard normal Z, accurate far into the tail; NaN for NaN. */
  public static double twoSidedP(final double z) {
    return Erfc.value(Math.abs(z) / Math.sqrt(2.0));
  }
}
