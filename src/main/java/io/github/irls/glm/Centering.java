package io.github.irls.glm;

import io.github.irls.glm.linalg.PackedSymmetric;

/**
 * The fitter works on centred features {@code x - c} (c = the column means) and maps everything
 * back. With an intercept this is an exact reparametrisation, {@code b = T a} with {@code b_0 = a_0 -
 * c'a_{1..p}} and {@code b_j = a_j}, that Newton's method is invariant to; but the normal equations of
 * a feature with a large mean (say 1000 + N(0, 1)) are far better conditioned centred, which keeps
 * the Cholesky solve as accurate as R's QR on the raw design.
 *
 * <p>Only columns whose mean exceeds {@value #MEAN_OVER_SD} standard deviations are shifted: mapping
 * the covariance back subtracts {@code c_j cov(a_0, a_j)} terms, which cancel badly when a
 * coefficient's variance is huge (quasi-separation) and its column's mean is not negligible.
 */
final class Centering {

  /** A column is shifted when |mean| > this many standard deviations. */
  static final double MEAN_OVER_SD = 4.0;

  private final double[] c;
  private final int d;

  private Centering(final double[] c) {
    this.c = c;
    this.d = c.length + 1;
  }

  /**
   * Shifts by the column mean where it is large against the column's spread (0 elsewhere, and for a
   * non-finite mean or an empty design).
   */
  static Centering of(final Design design) {
    final int p = design.features();
    final int n = design.rows();
    final double[] c = new double[p];
    if (n > 0) {
      for (int j = 0; j < p; j++) {
        final double[] column = design.column(j);
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += column[i];
        }
        final double mean = s / n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
          final double e = column[i] - mean;
          ss += e * e;
        }
        final double sd = Math.sqrt(ss / n);
        c[j] = Double.isFinite(mean) && Math.abs(mean) > MEAN_OVER_SD * sd ? mean : 0.0;
      }
    }
    return new Centering(c);
  }

  /** The shift subtracted from every row's features (read-only). */
  double[] shift() {
    return c;
  }

  /** {@code a = T^-1 b}: the intercept absorbs {@code c'b}. */
  double[] toCentred(final double[] b) {
    final double[] a = b.clone();
    for (int j = 1; j < d; j++) {
      a[0] += b[j] * c[j - 1];
    }
    return a;
  }

  /** {@code b = T a}. */
  double[] toOriginal(final double[] a) {
    final double[] b = a.clone();
    for (int j = 1; j < d; j++) {
      b[0] -= a[j] * c[j - 1];
    }
    return b;
  }

  /** The prior in centred coordinates: mean {@code T^-1 m}, precision {@code T' Q T}. */
  Prior toCentred(final Prior prior) {
    if (prior.isNone()) {
      return prior;
    }
    return Prior.of(toCentred(prior.mean()), congruence(prior.packedPrecision(), -1.0), 1.0);
  }

  /** A precision (or information) back in original coordinates: {@code T^-T P T^-1}. */
  double[] precisionToOriginal(final double[] packed) {
    return congruence(packed, 1.0);
  }

  /** A covariance back in original coordinates: {@code T V T'}. */
  double[] covarianceToOriginal(final double[] packed) {
    final double[] out = packed.clone();
    // Only row/column 0 change: r_0 = e_0 - sum_k c_k e_k, r_j = e_j.
    double v00 = packed[0];
    for (int k = 1; k < d; k++) {
      v00 -= 2.0 * c[k - 1] * packed[PackedSymmetric.index(d, 0, k)];
      for (int l = 1; l < d; l++) {
        v00 += c[k - 1] * c[l - 1] * packed[PackedSymmetric.index(d, k, l)];
      }
    }
    out[0] = v00;
    for (int j = 1; j < d; j++) {
      double v0j = packed[PackedSymmetric.index(d, 0, j)];
      for (int k = 1; k < d; k++) {
        v0j -= c[k - 1] * packed[PackedSymmetric.index(d, k, j)];
      }
      out[PackedSymmetric.index(d, 0, j)] = v0j;
    }
    return out;
  }

  /** A score back in original coordinates: {@code T^-T g}, i.e. {@code g_j + c_j g_0}. */
  double[] scoreToOriginal(final double[] g) {
    final double[] out = g.clone();
    for (int j = 1; j < d; j++) {
      out[j] += c[j - 1] * g[0];
    }
    return out;
  }

  /**
   * {@code N_ij = w_i' M w_j} with {@code w_0 = e_0}, {@code w_j = e_j + sign c_j e_0}: {@code sign =
   * -1} is {@code T' M T}, {@code +1} is {@code T^-T M T^-1}.
   */
  private double[] congruence(final double[] packed, final double sign) {
    final double[] out = packed.clone();
    final double m00 = packed[0];
    for (int j = 1; j < d; j++) {
      final double uj = sign * c[j - 1];
      out[PackedSymmetric.index(d, 0, j)] = packed[PackedSymmetric.index(d, 0, j)] + uj * m00;
      for (int i = 1; i <= j; i++) {
        final double ui = sign * c[i - 1];
        out[PackedSymmetric.index(d, i, j)] =
            packed[PackedSymmetric.index(d, i, j)]
                + uj * packed[PackedSymmetric.index(d, i, 0)]
                + ui * packed[PackedSymmetric.index(d, 0, j)]
                + ui * uj * m00;
      }
    }
    return out;
  }
}
