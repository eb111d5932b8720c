package io.github.irls.glm;

import java.util.Arrays;

/**
 * The observations of one model held column by column: a feature matrix {@code X} (n x p, without
 * the intercept, which is implied), the response {@code y}, prior weights and offsets. Column-major
 * storage is what a blocked {@code X'WX} product reads; rows are appended through {@link Builder}.
 *
 * <p>A {@code Design} is read-only once built; the arrays it returns are views, not copies, and must
 * not be modified.
 */
public final class Design {

  private final int rows;
  private final int features;
  private final double[][] columns;
  private final double[] y;
  private final double[] weight;
  private final double[] offset;
  private final boolean hasOffset;

  private Design(
      final int rows,
      final double[][] columns,
      final double[] y,
      final double[] weight,
      final double[] offset,
      final boolean hasOffset) {
    this.rows = rows;
    this.features = columns.length;
    this.columns = columns;
    this.y = y;
    this.weight = weight;
    this.offset = offset;
    this.hasOffset = hasOffset;
  }

  /** Wraps existing column-major arrays (not copied). {@code weight} and {@code offset} may be null. */
  public static Design of(
      final double[][] columns, final double[] y, final double[] weight, final double[] offset) {
    final int n = y.length;
    for (final double[] c : columns) {
      if (c.length < n) {
        throw new IllegalArgumentException("every column needs " + n + " rows, got " + c.length);
      }
    }
    final double[] w = weight == null ? filled(n, 1.0) : weight;
    final double[] o = offset == null ? new double[n] : offset;
    return new Design(n, columns, y, w, o, offset != null && anyNonZero(o, n));
  }

  public static Builder builder(final int features) {
    return new Builder(features, 64);
  }

  public static Builder builder(final int features, final int expectedRows) {
    return new Builder(features, Math.max(1, expectedRows));
  }

  public int rows() {
    return rows;
  }

  /** The number of features {@code p}, not counting the intercept. */
  public int features() {
    return features;
  }

  /** The number of coefficients {@code d = p + 1}, intercept included. */
  public int coefficients() {
    return features + 1;
  }

  /** Feature {@code j} (0-based), at least {@link #rows()} long. */
  public double[] column(final int j) {
    return columns[j];
  }

  public double[] y() {
    return y;
  }

  public double[] weight() {
    return weight;
  }

  public double[] offset() {
    return offset;
  }

  /** Whether any offset is non-zero (R then fits the null model with the offset). */
  public boolean hasOffset() {
    return hasOffset;
  }

  /** Copies row {@code i}'s features into {@code x} (length at least p). {@code x} is modified. */
  public void row(final int i, final double[] x) {
    for (int j = 0; j < features; j++) {
      x[j] = columns[j][i];
    }
  }

  private static double[] filled(final int n, final double v) {
    final double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  private static boolean anyNonZero(final double[] a, final int n) {
    for (int i = 0; i < n; i++) {
      if (a[i] != 0.0) {
        return true;
      }
    }
    return false;
  }

  /** Appends rows into growing column arrays; {@link #build()} trims nothing and copies nothing. */
  public static final class Builder {
    private final int features;
    private int rows;
    private double[][] columns;
    private double[] y;
    private double[] weight;
    private double[] offset;
    private boolean hasOffset;

    private Builder(final int features, final int capacity) {
      if (features < 0) {
        throw new IllegalArgumentException("features must be >= 0");
      }
      this.features = features;
      this.columns = new double[features][capacity];
      this.y = new double[capacity];
      this.weight = new double[capacity];
      this.offset = new double[capacity];
    }

    public int features() {
      return features;
    }

    public int rows() {
      return rows;
    }

    /** Appends one row; {@code x} is read, not kept. */
    public Builder add(final double[] x, final double y, final double weight, final double offset) {
      if (x.length != features) {
        throw new IllegalArgumentException(
            "row has " + x.length + " features, the design has " + features);
      }
      if (rows == this.y.length) {
        grow();
      }
      for (int j = 0; j < features; j++) {
        columns[j][rows] = x[j];
      }
      this.y[rows] = y;
      this.weight[rows] = weight;
      this.offset[rows] = offset;
      hasOffset |= offset != 0.0;
      rows++;
      return this;
    }

    /** Appends one row whose features are {@code x[from .. from + p)}. */
    public Builder add(
        final double[] x, final int from, final double y, final double weight, final double offset) {
      if (rows == this.y.length) {
        grow();
      }
      for (int j = 0; j < features; j++) {
        columns[j][rows] = x[from + j];
      }
      this.y[rows] = y;
      this.weight[rows] = weight;
      this.offset[rows] = offset;
      hasOffset |= offset != 0.0;
      rows++;
      return this;
    }

    /** Forgets all rows but keeps the arrays, so that a window can be refilled without allocating. */
    public Builder clear() {
      rows = 0;
      hasOffset = false;
      return this;
    }

    /** A design over the rows added so far; it shares the arrays until the next {@link #add}. */
    public Design build() {
      return new Design(rows, columns, y, weight, offset, hasOffset);
    }

    private void grow() {
      final int capacity = Math.max(16, y.length * 2);
      for (int j = 0; j < features; j++) {
        columns[j] = Arrays.copyOf(columns[j], capacity);
      }
      y = Arrays.copyOf(y, capacity);
      weight = Arrays.copyOf(weight, capacity);
      offset = Arrays.copyOf(offset, capacity);
    }
  }
}
