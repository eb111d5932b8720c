package io.github.irls.demo;

import io.github.irls.avro.LabeledEvent;

import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Simulated labelled events for the demo and the benchmarks: several model keys, each with known
 * true coefficients, one of them drifting. Pure and deterministic for a seed; no Kafka here.
 */
public final class Simulator {

  /**
   * One simulated model: its key, its true coefficients at the start, their drift per event, and a
   * sudden change of regime: {@code shift} is added to the truth during every other run of {@code
   * shiftEvery} events (events {@code shiftEvery} to {@code 2 shiftEvery - 1}, {@code 3 shiftEvery}
   * to ..., counted per key).
   */
  public record Truth(String key, double[] beta, double[] driftPerEvent, double[] shift, long shiftEvery) {

    public Truth {
      if (driftPerEvent.length != beta.length || shift.length != beta.length) {
        throw new IllegalArgumentException("beta, driftPerEvent and shift need one value per coefficient");
      }
      if (shiftEvery < 1) {
        throw new IllegalArgumentException("shiftEvery must be >= 1, got " + shiftEvery);
      }
    }

    /** A model whose truth starts at {@code beta} and moves by {@code driftPerEvent} with every event. */
    public Truth(final String key, final double[] beta, final double[] driftPerEvent) {
      this(key, beta, driftPerEvent, new double[beta.length], Long.MAX_VALUE);
    }

    /** The true coefficients after {@code events} events of this key. */
    public double[] betaAt(final long events) {
      final double[] b = beta.clone();
      final boolean shifted = (events / shiftEvery) % 2 == 1;
      for (int j = 0; j < b.length; j++) {
        b[j] += driftPerEvent[j] * events + (shifted ? shift[j] : 0);
      }
      return b;
    }

    /** Whether the truth ever moves. */
    public boolean drifts() {
      return Arrays.stream(driftPerEvent).anyMatch(v -> v != 0)
          || shiftEvery < Long.MAX_VALUE && Arrays.stream(shift).anyMatch(v -> v != 0);
    }
  }

  /** One event: model key, features, 0/1 label. */
  public record Event(String key, double[] features, double label) {

    /** This event as the application reads it: weight 1, offset 0, no event time. */
    public LabeledEvent toLabeledEvent() {
      final List<Double> x = new ArrayList<>(features.length);
      for (final double v : features) {
        x.add(v);
      }
      return LabeledEvent.newBuilder()
          .setFeatures(x).setLabel(label).setWeight(1.0).setOffset(0.0).setEventTime(null).build();
    }
  }

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

  /** Events per regime of the demo's drifting model: its truth changes every 20,000 of its events. */
  public static final long DEMO_REGIME_EVENTS = 20_000;

  /**
   * The demo's models: three steady ones and one whose truth switches between two regimes every
   * {@value #DEMO_REGIME_EVENTS} events, its x1 slope 0.5 or 1.5 and its x2 slope 1.0 or -1.0. A
   * model of the old regime is then confidently wrong on x2, which its {@code logloss_z} shows in
   * the first windows after each switch. The drift is sudden because a gradual one that the model
   * follows (a forgetting factor below 1) keeps its z near or below 0: lagging, it is on the whole
   * less sure than the truth.
   */
  public static List<Truth> demoModels() {
    return List.of(
        new Truth("conversion/campaign-a", new double[] {-1.5, 0.8, -0.4, 0.3}, new double[4]),
        new Truth("fraud/merchant-17", new double[] {-3.0, 1.2, 0.0, 0.6}, new double[4]),
        new Truth("propensity/region-eu", new double[] {0.2, -0.5, 0.9, 0.0}, new double[4]),
        new Truth("bandit/arm-3-drifting", new double[] {-0.5, 0.5, 1.0, 0.5}, new double[4],
            new double[] {0.0, 1.0, -2.0, 0.0}, DEMO_REGIME_EVENTS));
  }

  /**
   * The demo's models and two more bandit arms beside its drifting one ({@code bandit/arm-1},
   * {@code bandit/arm-2}), steady, with three features like it, so that {@code POST /choose} with
   * {@code "prefix": "bandit/"} weighs three arms, each the best at some contexts.
   */
  public static List<Truth> demoModelsAndArms() {
    final List<Truth> truths = new java.util.ArrayList<>(demoModels());
    truths.add(new Truth("bandit/arm-1", new double[] {-0.8, 0.3, 0.6, -0.2}, new double[4]));
    truths.add(new Truth("bandit/arm-2", new double[] {-0.2, -0.4, 0.8, 0.3}, new double[4]));
    return List.copyOf(truths);
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
