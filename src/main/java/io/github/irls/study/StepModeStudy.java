package io.github.irls.study;

import io.github.irls.glm.Design;
import io.github.irls.glm.FitOptions;
import io.github.irls.glm.FitStatus;
import io.github.irls.glm.GlmFit;
import io.github.irls.glm.IrlsFitter;
import io.github.irls.glm.Normal;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.StepOptions;
import io.github.irls.glm.StepResult;
import io.github.irls.glm.StepStatus;
import io.github.irls.glm.StreamingStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * How well each streaming step mode recovers known coefficients (issue 10): simulates many keys
 * whose true coefficients are known, runs every step mode over each key's events cut into windows,
 * and compares the final posterior with the truth (coverage of the 95% intervals) and with the batch
 * MLE on all of the key's events (distance in units of the MLE's standard error).
 *
 * <p>A mode is defined by how many of a key's first windows iterate to convergence ({@code
 * renewable}); the windows after those take one Newton step ({@code newton}). So {@code renewable}
 * is every window renewable, {@code newton} none, and {@code hybrid} with warm-up {@code k} windows
 * 1..k. Every mode starts from {@code Posterior.initial(p, 1e-6, 1e-6)} with gamma 1, and the last,
 * partial window of a key is stepped too.
 *
 * <p>The numbers do not depend on the thread count: each key draws from its own random stream, split
 * from the seed in key order, and the summaries are computed in key order.
 */
public final class StepModeStudy {

  /** The reference set of events per key: uniform in [502, 4994]. */
  public static final int REFERENCE_MIN_EVENTS = 502;

  public static final int REFERENCE_MAX_EVENTS = 4994;

  /** The prior's precision for the intercept and for each slope. */
  public static final double PRIOR_PRECISION = 1e-6;

  /** Issue 10's bar for the default step mode: coverage of the true coefficients at least this... */
  public static final double DEFAULT_MODE_MIN_COVERAGE = 0.94;

  /** ...and the 95th percentile of the distance to the batch MLE at most this many MLE standard errors. */
  public static final double DEFAULT_MODE_MAX_P95_DISTANCE = 0.15;

  /** The most Newton iterations of one renewable window (the application's default). */
  public static final int MAX_ITERATIONS = 100;

  private StepModeStudy() {}

  /**
   * One step mode of the study.
   *
   * @param name {@code renewable}, {@code newton} or {@code hybrid}
   * @param warmupWindows how many of a key's first windows are renewable; the rest are newton
   */
  public record Mode(String name, int warmupWindows) {

    public Mode {
      if (warmupWindows < 0) {
        throw new IllegalArgumentException("warmupWindows must be >= 0, got " + warmupWindows);
      }
    }

    public static Mode renewable() {
      return new Mode("renewable", Integer.MAX_VALUE);
    }

    public static Mode newton() {
      return new Mode("newton", 0);
    }

    public static Mode hybrid(final int warmupWindows) {
      if (warmupWindows < 1) {
        throw new IllegalArgumentException("a hybrid warm-up needs at least one window, got " + warmupWindows);
      }
      return new Mode("hybrid", warmupWindows);
    }

    /** Whether a hybrid, whose warm-up belongs in its description. */
    public boolean isHybrid() {
      return name.equals("hybrid");
    }

    /** {@code renewable}, {@code newton} or {@code hybrid k=2}. */
    public String label() {
      return isHybrid() ? name + " k=" + warmupWindows : name;
    }

    /** The options of window {@code window} (1-based) of a key. */
    StepOptions optionsAt(final int window) {
      return window <= warmupWindows ? StepOptions.renewable(MAX_ITERATIONS, 1.0) : StepOptions.newton(1.0);
    }
  }

  /**
   * What to simulate. For each key: true intercept ~ U(-2, 0.5), slopes ~ N(0, 0.7^2), so that event
   * rates stay away from 0 and 1; features N(0, 1) with AR(1) correlation {@code rho} between
   * neighbours; events per key uniform in [{@code minEvents}, {@code maxEvents}].
   *
   * @param keys how many keys (>= 1)
   * @param features p (>= 0)
   * @param windowEvents events per window N (>= 1)
   * @param seed the random seed
   * @param warmups the hybrid warm-ups to study (each >= 1), besides renewable and newton
   * @param threads how many threads share the keys (>= 1)
   * @param minEvents the fewest events of a key (>= 1)
   * @param maxEvents the most events of a key (>= minEvents)
   * @param rho the correlation of neighbouring features, in (-1, 1)
   */
  public record Settings(int keys, int features, int windowEvents, long seed, List<Integer> warmups, int threads,
      int minEvents, int maxEvents, double rho) {

    public Settings {
      require(keys >= 1, "keys must be >= 1, got " + keys);
      require(features >= 0, "features must be >= 0, got " + features);
      require(windowEvents >= 1, "window events must be >= 1, got " + windowEvents);
      require(threads >= 1, "threads must be >= 1, got " + threads);
      require(minEvents >= 1, "the fewest events per key must be >= 1, got " + minEvents);
      require(maxEvents >= minEvents,
          "the most events per key (" + maxEvents + ") must be >= the fewest (" + minEvents + ")");
      require(rho > -1 && rho < 1, "rho must be in (-1, 1), got " + rho);
      warmups = List.copyOf(warmups);
      for (final int k : warmups) {
        require(k >= 1, "every hybrid warm-up must be >= 1 window, got " + k);
      }
    }

    /** Renewable, newton, then the hybrids in increasing warm-up, each once. */
    public List<Mode> modes() {
      final List<Mode> modes = new ArrayList<>(List.of(Mode.renewable(), Mode.newton()));
      warmups.stream().distinct().sorted().map(Mode::hybrid).forEach(modes::add);
      return modes;
    }

    private static void require(final boolean condition, final String message) {
      if (!condition) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /** The median, the 95th percentile (linear interpolation, R's type 7) and the largest value. */
  public record Distribution(double median, double p95, double max) {

    static Distribution of(final double[] values) {
      final double[] sorted = values.clone();
      Arrays.sort(sorted);
      return new Distribution(quantile(sorted, 0.5), quantile(sorted, 0.95), sorted[sorted.length - 1]);
    }

    private static double quantile(final double[] sorted, final double q) {
      final double h = (sorted.length - 1) * q;
      final int lo = (int) Math.floor(h);
      final int hi = Math.min(lo + 1, sorted.length - 1);
      return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
  }

  /**
   * The batch MLE on all of each key's events: the reference, and the baseline of coverage.
   *
   * @param coverage the share of (key, coefficient) pairs whose interval {@code b +- Z_975 se} holds the truth
   * @param fitsNotOk keys whose fit did not end {@code OK} (they are still counted)
   * @param seconds time spent fitting, summed over threads
   */
  public record Baseline(double coverage, long fitsNotOk, double seconds) {}

  /**
   * One mode's final posteriors against the truth and the MLE, over all keys and coefficients.
   *
   * @param coverage the share of (key, coefficient) pairs whose interval {@code b +- Z_975 se} holds the truth
   * @param distanceToMle {@code |b_mode - b_mle| / se_mle} per (key, coefficient)
   * @param seRatioMedian the median of {@code se_mode / se_mle}
   * @param stepsNotOk how many steps ended with each status other than {@code OK} (their keys are still
   *     counted)
   * @param keysWithStepsNotOk keys with at least one such step
   * @param seconds time spent stepping, summed over threads
   */
  public record ModeSummary(Mode mode, double coverage, Distribution distanceToMle, double seRatioMedian,
      Map<StepStatus, Long> stepsNotOk, long keysWithStepsNotOk, double seconds) {

    public ModeSummary {
      final Map<StepStatus, Long> inStatusOrder = new EnumMap<>(StepStatus.class);
      inStatusOrder.putAll(stepsNotOk);
      stepsNotOk = Collections.unmodifiableMap(inStatusOrder);
    }

    /** Whether the mode clears issue 10's bar for being the default. */
    public boolean qualifiesAsDefault() {
      return coverage >= DEFAULT_MODE_MIN_COVERAGE && distanceToMle.p95() <= DEFAULT_MODE_MAX_P95_DISTANCE;
    }
  }

  /**
   * The study's outcome.
   *
   * @param events all keys' events
   * @param windows all keys' windows (each mode steps every one of them)
   * @param mle the batch reference
   * @param modes in the order of {@link Settings#modes()}
   * @param wallSeconds from the first draw to the last summary
   */
  public record Report(Settings settings, long events, long windows, Baseline mle, List<ModeSummary> modes,
      double wallSeconds) {}

  /**
   * Runs the study.
   *
   * @param keysDone told the number of keys finished after each key, from the worker threads
   * @throws InterruptedException when interrupted while waiting for the workers
   */
  public static Report run(final Settings settings, final IntConsumer keysDone) throws InterruptedException {
    final long started = System.nanoTime();
    final List<Mode> modes = settings.modes();
    final SplittableRandom seeds = new SplittableRandom(settings.seed());
    final List<Callable<KeyOutcome>> tasks = new ArrayList<>(settings.keys());
    final AtomicInteger done = new AtomicInteger();
    for (int k = 0; k < settings.keys(); k++) {
      final SplittableRandom random = seeds.split();
      tasks.add(() -> {
        final KeyOutcome outcome = runKey(settings, modes, random);
        keysDone.accept(done.incrementAndGet());
        return outcome;
      });
    }
    final ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), runnable -> {
      final Thread thread = new Thread(runnable, "irls-study");
      thread.setDaemon(true);
      return thread;
    });
    final List<KeyOutcome> outcomes = new ArrayList<>(settings.keys());
    try {
      for (final Future<KeyOutcome> future : pool.invokeAll(tasks)) {
        outcomes.add(future.get());
      }
    } catch (final ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return summarise(settings, modes, outcomes, started);
  }

  /** One key's truth, its batch MLE and every mode's final posterior. */
  private record KeyOutcome(double[] truth, int events, int windows, GlmFit mle, long mleNanos,
      Posterior[] finals, long[][] statusCounts, long[] nanos) {}

  private static KeyOutcome runKey(final Settings settings, final List<Mode> modes, final SplittableRandom random) {
    final int p = settings.features();
    final double[] truth = new double[p + 1];
    truth[0] = random.nextDouble(-2.0, 0.5);
    for (int j = 1; j <= p; j++) {
      truth[j] = 0.7 * random.nextGaussian();
    }
    final int n = random.nextInt(settings.minEvents(), settings.maxEvents() + 1);
    final Design all = simulate(truth, n, settings.rho(), random);
    final List<Design> windows = windows(all, settings.windowEvents());

    final long m0 = System.nanoTime();
    final GlmFit mle = IrlsFitter.fit(all, FitOptions.builder().nullDeviance(false).build());
    final long mleNanos = System.nanoTime() - m0;

    final Posterior[] finals = new Posterior[modes.size()];
    final long[][] statusCounts = new long[modes.size()][StepStatus.values().length];
    final long[] nanos = new long[modes.size()];
    for (int m = 0; m < modes.size(); m++) {
      final Mode mode = modes.get(m);
      final long t0 = System.nanoTime();
      Posterior posterior = Posterior.initial(p, PRIOR_PRECISION, PRIOR_PRECISION);
      for (int w = 0; w < windows.size(); w++) {
        final StepResult step = StreamingStep.take(windows.get(w), posterior, mode.optionsAt(w + 1));
        statusCounts[m][step.status().ordinal()]++;
        posterior = step.posterior();
      }
      nanos[m] = System.nanoTime() - t0;
      finals[m] = posterior;
    }
    return new KeyOutcome(truth, n, windows.size(), mle, mleNanos, finals, statusCounts, nanos);
  }

  /** {@code n} events of a key: AR(1) standard normal features and a Bernoulli response. */
  private static Design simulate(final double[] truth, final int n, final double rho, final SplittableRandom random) {
    final int p = truth.length - 1;
    final double innovation = Math.sqrt(1 - rho * rho);
    final double[][] columns = new double[p][n];
    final double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double eta = truth[0];
      double previous = 0;
      for (int j = 0; j < p; j++) {
        final double z = random.nextGaussian();
        previous = j == 0 ? z : rho * previous + innovation * z;
        columns[j][i] = previous;
        eta += truth[j + 1] * previous;
      }
      y[i] = random.nextDouble() < 1.0 / (1.0 + Math.exp(-eta)) ? 1.0 : 0.0;
    }
    return Design.of(columns, y, null, null);
  }

  /** Consecutive windows of {@code size} events; the last one holds what is left. */
  private static List<Design> windows(final Design all, final int size) {
    final int p = all.features();
    final List<Design> windows = new ArrayList<>();
    final double[] x = new double[p];
    for (int from = 0; from < all.rows(); from += size) {
      final int to = Math.min(all.rows(), from + size);
      final Design.Builder window = Design.builder(p, to - from);
      for (int i = from; i < to; i++) {
        all.row(i, x);
        window.add(x, all.y()[i], 1.0, 0.0);
      }
      windows.add(window.build());
    }
    return windows;
  }

  private static Report summarise(final Settings settings, final List<Mode> modes, final List<KeyOutcome> outcomes,
      final long started) {
    final int d = settings.features() + 1;
    final int pairs = outcomes.size() * d;
    long events = 0;
    long windows = 0;
    long mleCovered = 0;
    long mleNotOk = 0;
    long mleNanos = 0;
    for (final KeyOutcome o : outcomes) {
      events += o.events();
      windows += o.windows();
      mleCovered += covered(o.truth(), o.mle().coefficients(), o.mle().stdErrors());
      mleNotOk += o.mle().status() == FitStatus.OK ? 0 : 1;
      mleNanos += o.mleNanos();
    }
    final List<ModeSummary> summaries = new ArrayList<>(modes.size());
    for (int m = 0; m < modes.size(); m++) {
      final double[] distance = new double[pairs];
      final double[] seRatio = new double[pairs];
      long covered = 0;
      final long[] statuses = new long[StepStatus.values().length];
      long keysNotOk = 0;
      long nanos = 0;
      int at = 0;
      for (final KeyOutcome o : outcomes) {
        final Posterior last = o.finals()[m];
        covered += covered(o.truth(), last.coefficients(), last.stdErrors());
        long keyNotOk = 0;
        for (final StepStatus status : StepStatus.values()) {
          final long count = o.statusCounts()[m][status.ordinal()];
          statuses[status.ordinal()] += count;
          keyNotOk += status == StepStatus.OK ? 0 : count;
        }
        keysNotOk += keyNotOk > 0 ? 1 : 0;
        nanos += o.nanos()[m];
        for (int j = 0; j < d; j++, at++) {
          final double mleSe = o.mle().stdErrors()[j];
          distance[at] = Math.abs(last.coefficients()[j] - o.mle().coefficients()[j]) / mleSe;
          seRatio[at] = last.stdErrors()[j] / mleSe;
        }
      }
      final Map<StepStatus, Long> notOk = new EnumMap<>(StepStatus.class);
      for (final StepStatus status : StepStatus.values()) {
        if (status != StepStatus.OK && statuses[status.ordinal()] > 0) {
          notOk.put(status, statuses[status.ordinal()]);
        }
      }
      summaries.add(new ModeSummary(modes.get(m), (double) covered / pairs, Distribution.of(distance),
          Distribution.of(seRatio).median(), notOk, keysNotOk, nanos / 1e9));
    }
    return new Report(settings, events, windows, new Baseline((double) mleCovered / pairs, mleNotOk, mleNanos / 1e9),
        List.copyOf(summaries), (System.nanoTime() - started) / 1e9);
  }

  /** How many of the intervals {@code b +- Z_975 se} hold the true coefficient. */
  private static int covered(final double[] truth, final double[] b, final double[] se) {
    int covered = 0;
    for (int j = 0; j < truth.length; j++) {
      if (Math.abs(b[j] - truth[j]) <= Normal.Z_975 * se[j]) {
        covered++;
      }
    }
    return covered;
  }
}
