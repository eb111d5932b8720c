package io.github.irls.glm.linalg;

import java.util.ArrayList;
import java.util.List;

/**
 * Which columns of a symmetric positive-semidefinite matrix are numerically linear combinations of
 * earlier ones, by the rule of R's pivoted QR ({@code dqrdc2}): a Cholesky factorisation in column
 * order skips a column whose Schur complement is at most {@code tolerance^2} times its diagonal
 * (the squared ratio of the column's residual norm to its norm in the weighted design). R's
 * {@code glm} uses {@code tolerance = 1e-7}.
 */
public final class Aliasing {

  /** R's {@code qr(tol = 1e-7)}. */
  public static final double R_TOLERANCE = 1e-7;

  private Aliasing() {}

  /** The aliased columns of the packed {@code d x d} matrix; {@code packed} is not modified. */
  public static boolean[] columns(final double[] packed, final int d, final double tolerance) {
    final boolean[] aliased = new boolean[d];
    final double[][] l = new double[d][d];
    final double threshold = tolerance * tolerance;
    for (int j = 0; j < d; j++) {
      final double ajj = packed[PackedSymmetric.rowStart(d, j)];
      double s = ajj;
      for (int k = 0; k < j; k++) {
        if (!aliased[k]) {
          s -= l[j][k] * l[j][k];
        }
      }
      if (!(ajj > 0) || s <= threshold * ajj) {
        aliased[j] = true;
        continue;
      }
      final double ljj = Math.sqrt(s);
      l[j][j] = ljj;
      for (int i = j + 1; i < d; i++) {
        double v = packed[PackedSymmetric.index(d, i, j)];
        for (int k = 0; k < j; k++) {
          if (!aliased[k]) {
            v -= l[i][k] * l[j][k];
          }
        }
        l[i][j] = v / ljj;
      }
    }
    return aliased;
  }

  /** The indices of the {@code true} entries, in order. */
  public static List<Integer> indices(final boolean[] aliased) {
    final List<Integer> out = new ArrayList<>();
    for (int j = 0; j < aliased.length; j++) {
      if (aliased[j]) {
        out.add(j);
      }
    }
    return out;
  }
}
