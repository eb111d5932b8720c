package io.github.irls.glm.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Packed storage of a symmetric {@code d x d} matrix: the upper triangle row by row, {@code
 * d(d+1)/2} values. Row {@code j} holds columns {@code j..d-1} contiguously, so a rank-one update
 * is {@code d} contiguous axpy loops that the JIT vectorises.
 */
public final class PackedSymmetric {

  private PackedSymmetric() {}

  /** The number of values that a {@code d x d} symmetric matrix packs into. */
  public static int size(final int d) {
    return d * (d + 1) / 2;
  }

  /** The packed index of element {@code (i, j)}, either order. */
  public static int index(final int d, final int i, final int j) {
    final int r = Math.min(i, j);
    final int c = Math.max(i, j);
    return r * d - r * (r - 1) / 2 + (c - r);
  }

  /** The packed index of the diagonal element of row {@code j}. */
  public static int rowStart(final int d, final int j) {
    return j * d - j * (j - 1) / 2;
  }

  /** The order {@code d} of a matrix packed into {@code size} values. */
  public static int order(final int size) {
    final int d = (int) Math.round((Math.sqrt(8.0 * size + 1) - 1) / 2);
    if (size(d) != size) {
      throw new IllegalArgumentException(size + " is not a packed triangle size");
    }
    return d;
  }

  /** Unpacks into a full symmetric matrix. {@code out} (d x d) is modified. */
  public static DMatrixRMaj unpack(final double[] packed, final int d, final DMatrixRMaj out) {
    out.reshape(d, d);
    final double[] a = out.data;
    int idx = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        final double v = packed[idx++];
        a[i * d + j] = v;
        a[j * d + i] = v;
      }
    }
    return out;
  }

  /** The full matrix row-major ({@code d * d} values), a new array. */
  public static double[] toRowMajor(final double[] packed, final int d) {
    final double[] out = new double[d * d];
    int idx = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        final double v = packed[idx++];
        out[i * d + j] = v;
        out[j * d + i] = v;
      }
    }
    return out;
  }

  /** Packs the upper triangle of {@code full} (d x d). {@code out} is modified and returned. */
  public static double[] pack(final DMatrixRMaj full, final double[] out) {
    final int d = full.numRows;
    int idx = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        out[idx++] = full.data[i * d + j];
      }
    }
    return out;
  }
}
