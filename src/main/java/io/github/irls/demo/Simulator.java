package io.github.irls.demo;

import java.util.List;
import java.util.Random;

/**
 * Simulated labelled events for the demo and the benchmarks: several model keys, each with known
 * true coefficients, one of them drifting. Pure and deterministic for a seed; no Kafka here.
 */
public final class Simulator {

  /** One simulated model: its key, its true coefficients at the start and their drift per event. */
  public record Truth(String key, double[] beta, double[] driftPerEvent) {

    /** The true coefficients after {@code events} events of this key. */
    public double[] betaAt(final long events) {
      final double[] b = beta.clone();
      for (int j = 0; j < b.length; j++) {
        b[j] += driftPerEvent[j] * events;
      }
      return b;
    }
  }

  /** One event: model key, features, 0/1 label. */
  public record Event(String key, double[] features, double label) {}

  private final List<Truth> truths;
  private final long[] produced;
  private final Random random;

  public Simulator(final List<Truth> truths, final long seed) {
    if (truths.isEmpty()) {
      throw new IllegalArgumentException("at least one model is needed");
    }
    this.truths = List.copyOf(truths);
    this.produced = new long[truths.size()];
    this.random = new Random(seed);
  }

  /** The demo's models: three steady ones and one whose slope drifts. */
  public static List<Truth> demoModels() {
    return List.of(
        new Truth("conversion/campaign-a", new double[] {-1.5, 0.8, -0.4, 0.3}, new double[4]),
        new Truth("fraud/merchant-17", new double[] {-3.0, 1.2, 0.0, 0.6}, new double[4]),
        new Truth("propensity/region-eu", new double[] {0.2, -0.5, 0.9, 0.0}, new double[4]),
        new Truth("bandit/arm-3-drifting", new double[] {-0.5, 0.5, 0.5, 0.5},
            new double[] {0.0, 1.0 / 20_000, -1.0 / 20_000, 0.0}));
  }

  /** {@code count} models with {@code p} features each, random true coefficients (for benchmarks). */
  public static List<Truth> randomModels(final int count, final int p, final long seed) {
    final Random r = new Random(seed);
    final Truth[] truths = new Truth[count];
    for (int k = 0; k < count; k++) {
      final double[] b = new double[p + 1];
      b[0] = -1 + 0.5 * r.nextGaussian();
      for (int j = 1; j <= p; j++) {
        b[j] = r.nextGaussian() / Math.sqrt(p);
      }
      truths[k] = new Truth(String.format("model-%05d", k), b, new double[p + 1]);
    }
    return List.of(truths);
  }

  public List<Truth> truths() {
    return truths;
  }

  /** The next event of a uniformly chosen model. */
  public Event next() {
    final int k = random.nextInt(truths.size());
    return next(k);
  }

  /** The next event of model {@code k}. */
  public Event next(final int k) {
    final Truth t = truths.get(k);
    final double[] b = t.betaAt(produced[k]++);
    final double[] x = new double[b.length - 1];
    double eta = b[0];
    for (int j = 0; j < x.length; j++) {
      x[j] = random.nextGaussian();
      eta += b[j + 1] * x[j];
    }
    final double y = random.nextDouble() < 1.0 / (1.0 + Math.exp(-eta)) ? 1.0 : 0.0;
    return new Event(t.key(), x, y);
  }

  /** Events produced so far for model {@code k}. */
  public long produced(final int k) {
    return produced[k];
  }
}
