package io.github.irls.glm.linalg;

import java.util.function.Predicate;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
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
    final double found = r == 0 ? 0 : smallestRidge(a, maxDiagonal, solver::setA);
    final boolean ok = !Double.isNaN(found);
    final double ridge = ok ? found : 0;
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

  /**
   * A lower-triangular {@code L} with {@code L L' = A + ridge I}, {@code ridge} the smallest that
   * {@link #solve} would add to {@code A} (0 when {@code A} is positive definite), so that
   * quantities computed from {@code L} agree with the published standard errors.
   *
   * @param lower {@code L}, row-major {@code d x d} (zero above the diagonal)
   * @param ridge the ridge added
   * @param ok false when no ridge up to {@code 1e6} times the largest diagonal element made {@code A}
   *     factorable, or {@code A} has a non-finite element ({@code lower} is then meaningless)
   */
  public record Factor(DMatrixRMaj lower, double ridge, boolean ok) {}

  /** The lower Cholesky factor of {@code packedA}, with the ridge {@link #solve} would add; not modified. */
  public static Factor cholesky(final double[] packedA) {
    final int d = PackedSymmetric.order(packedA.length);
    final DMatrixRMaj a = PackedSymmetric.unpack(packedA, d, new DMatrixRMaj(d, d));
    double maxDiagonal = 0;
    for (int i = 0; i < d; i++) {
      maxDiagonal = Math.max(maxDiagonal, Math.abs(a.data[i * d + i]));
    }
    final CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(d, true);
    final double ridge = d == 0 ? 0 : smallestRidge(a, maxDiagonal, chol::decompose);
    if (Double.isNaN(ridge)) {
      return new Factor(new DMatrixRMaj(d, d), 0, false);
    }
    return new Factor(d == 0 ? new DMatrixRMaj(0, 0) : chol.getT(null), ridge, true);
  }

  /**
   * The smallest ridge {@code delta} (0, then {@value #FIRST_RIDGE} times the largest diagonal
   * element, growing by factors of ten up to {@code 1e6} times it) for which {@code factors}
   * accepts a copy of {@code a} with {@code delta} added to its diagonal; NaN when none does or
   * {@code a} is not finite. {@code a} is not modified; {@code factors} may modify its argument.
   */
  private static double smallestRidge(
      final DMatrixRMaj a, final double maxDiagonal, final Predicate<DMatrixRMaj> factors) {
    if (!Vectors.allFinite(a.data)) {
      return Double.NaN;
    }
    if (factors.test(a.copy())) {
      return 0;
    }
    final int r = a.numRows;
    final double scale = maxDiagonal > 0 ? maxDiagonal : 1.0;
    for (double delta = FIRST_RIDGE * scale; delta <= 1e6 * scale; delta *= 10) {
      final DMatrixRMaj ridged = a.copy();
      for (int i = 0; i < r; i++) {
        ridged.data[i * r + i] += delta;
      }
      if (factors.test(ridged)) {
        return delta;
      }
    }
    return Double.NaN;
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
