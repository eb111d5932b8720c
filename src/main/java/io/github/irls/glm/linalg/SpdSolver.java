package io.github.irls.glm.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Solves {@code A s = r} for a symmetric positive-definite {@code A} by Cholesky (EJML) and returns
 * the inverse for the standard errors. Columns marked aliased are left out of the system (their
 * step and inverse entries are zero). A matrix that is not positive definite gets the smallest
 * ridge {@code delta I}, growing by factors of ten, that lets the factorisation succeed; that is a
 * result, not an exception.
 */
public final class SpdSolver {

  /** The first ridge tried, relative to the largest diagonal element. */
  static final double FIRST_RIDGE = 1e-14;

  private SpdSolver() {}

  /**
   * The result of one solve. Arrays are owned by the result.
   *
   * @param step the solution {@code s} (length d; 0 for aliased columns)
   * @param packedInverse {@code A^-1} packed (0 in aliased rows and columns)
   * @param packedPenalisedInformation {@code A} itself, packed, as given (without the ridge)
   * @param ridge the ridge added (0 when {@code A} was positive definite)
   * @param finite whether the step and the inverse are finite
   */
  public record Result(
      double[] step,
      double[] packedInverse,
      double[] packedPenalisedInformation,
      double ridge,
      boolean finite) {}

  /**
   * Solves {@code A s = rhs} on the columns not marked {@code aliased}. {@code packedA} and {@code
   * rhs} are not modified.
   */
  public static Result solve(final double[] packedA, final double[] rhs, final boolean[] aliased) {
    final int d = rhs.length;
    final int[] kept = keptColumns(aliased);
    final int r = kept.length;
    final DMatrixRMaj a = new DMatrixRMaj(r, r);
    double maxDiagonal = 0;
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < r; j++) {
        a.data[i * r + j] = packedA[PackedSymmetric.index(d, kept[i], kept[j])];
      }
      maxDiagonal = Math.max(maxDiagonal, Math.abs(a.data[i * r + i]));
    }
    final LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(r);
    double ridge = 0;
    DMatrixRMaj factored = a.copy();
    boolean ok = r == 0 || (Vectors.allFinite(a.data) && solver.setA(factored));
    if (!ok && Vectors.allFinite(a.data)) {
      final double scale = maxDiagonal > 0 ? maxDiagonal : 1.0;
      for (double delta = FIRST_RIDGE * scale; delta <= 1e6 * scale; delta *= 10) {
        factored = a.copy();
        for (int i = 0; i < r; i++) {
          factored.data[i * r + i] += delta;
        }
        if (solver.setA(factored)) {
          ok = true;
          ridge = delta;
          break;
        }
      }
    }
    final double[] step = new double[d];
    final double[] inverse = new double[PackedSymmetric.size(d)];
    final double[] packedCopy = packedA.clone();
    if (!ok) {
      return new Result(step, inverse, packedCopy, ridge, false);
    }
    if (r > 0) {
      final DMatrixRMaj b = new DMatrixRMaj(r, 1);
      for (int i = 0; i < r; i++) {
        b.data[i] = rhs[kept[i]];
      }
      final DMatrixRMaj x = new DMatrixRMaj(r, 1);
      solver.solve(b, x);
      final DMatrixRMaj inv = new DMatrixRMaj(r, r);
      solver.invert(inv);
      for (int i = 0; i < r; i++) {
        step[kept[i]] = x.data[i];
        for (int j = i; j < r; j++) {
          // Average the two triangles: the inverse is symmetric in exact arithmetic.
          inverse[PackedSymmetric.index(d, kept[i], kept[j])] =
              0.5 * (inv.data[i * r + j] + inv.data[j * r + i]);
        }
      }
    }
    final boolean finite = Vectors.allFinite(step) && Vectors.allFinite(inverse);
    return new Result(step, inverse, packedCopy, ridge, finite);
  }

  /**
   * {@code A^-1} packed, by Cholesky (with the smallest ridge that makes it succeed, as {@link
   * #solve}); {@code packedA} is not modified.
   */
  public static double[] packedInverse(final double[] packedA) {
    final int d = PackedSymmetric.order(packedA.length);
    return solve(packedA, new double[d], new boolean[d]).packedInverse();
  }

  private static int[] keptColumns(final boolean[] aliased) {
    int r = 0;
    for (final boolean b : aliased) {
      if (!b) {
        r++;
      }
    }
    final int[] kept = new int[r];
    int k = 0;
    for (int j = 0; j < aliased.length; j++) {
      if (!aliased[j]) {
        kept[k++] = j;
      }
    }
    return kept;
  }
}
