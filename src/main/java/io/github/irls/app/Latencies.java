package io.github.irls.app;

import java.util.Arrays;

/**
 * Latencies of one load phase, in nanoseconds, kept exactly (a growable array, sorted once at the
 * end): a phase of {@code bench-serve} records at most a few hundred thousand requests, so exact
 * percentiles cost a few MB and no histogram library. Not thread-safe: one per client thread,
 * {@link #merge merged} at the end (or guarded by the caller).
 */
public final class Latencies {

  private long[] values = new long[1024];
  private int count;
  private boolean sorted = true;

  /** Records one latency. */
  public void record(final long nanos) {
    if (count == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[count++] = nanos;
    sorted = false;
  }

  /** Latencies recorded. */
  public int count() {
    return count;
  }

  /** A new recorder holding every latency of {@code parts}. */
  public static Latencies merge(final Iterable<Latencies> parts) {
    final Latencies all = new Latencies();
    for (final Latencies part : parts) {
      for (int i = 0; i < part.count; i++) {
        all.record(part.values[i]);
      }
    }
    return all;
  }

  /**
   * The {@code q}-quantile by nearest rank: the smallest recorded latency that at least a fraction
   * {@code q} of them do not exceed ({@code q = 1} is the maximum); 0 when nothing was recorded.
   */
  public long quantile(final double q) {
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("q must be in (0, 1], got " + q);
    }
    if (count == 0) {
      return 0;
    }
    if (!sorted) {
      Arrays.sort(values, 0, count);
      sorted = true;
    }
    // nearest rank: ceil(q n), 1-based; the small epsilon keeps 0.99 * 100 at rank 99, not 100
    final int rank = (int) Math.ceil(q * count - 1e-9);
    return values[Math.max(rank, 1) - 1];
  }

  /** The largest recorded latency (0 when none). */
  public long max() {
    return quantile(1.0);
  }
}
