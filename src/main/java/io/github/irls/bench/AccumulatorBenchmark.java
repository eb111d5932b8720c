package io.github.irls.bench;

import io.github.irls.glm.Accumulator;
import io.github.irls.glm.Binomial;
import io.github.irls.glm.Design;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one event in the accumulator, in ns per event, for p = 10, 50 and 200 features.
 *
 * <p>Run from the shaded jar: {@code java -cp target/irls-streams.jar org.openjdk.jmh.Main
 * AccumulatorBenchmark}.
 *
 * <p>The bound to compare with: one event updates the packed upper triangle of {@code X'WX}, that is
 * {@code d(d+1)/2} multiply-adds with {@code d = p + 1} (plus {@code p} for the linear predictor and
 * {@code d} for the score, and one {@code exp} and one {@code log1p}):
 *
 * <pre>
 *   p     d   d(d+1)/2 multiply-adds per event
 *   10    11        66
 *   50    51     1,326
 *   200   201   20,301
 * </pre>
 *
 * <p>{@code add} is the streaming path (one event at a time, a row-major feature vector);
 * {@code addRows} is the batch fitter's path over a column-major {@link Design}. Both report time per
 * event, so {@code ns/op / (d(d+1)/2)} is the time per multiply-add.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccumulatorBenchmark {

  /** Events per invocation: enough to amortise the call, few enough to stay in L2 at p = 200. */
  static final int EVENTS = 256;

  @Param({"10", "50", "200"})
  int p;

  private double[] rowMajor;
  private double[] y;
  private Accumulator accumulator;
  private Design design;
  private double[] rowBuffer;

  @Setup
  public void setUp() {
    final SplittableRandom random = new SplittableRandom(11);
    final int d = p + 1;
    final double[] beta = new double[d];
    for (int j = 0; j < d; j++) {
      beta[j] = 0.3 * random.nextGaussian() / Math.sqrt(d);
    }
    rowMajor = new double[EVENTS * p];
    y = new double[EVENTS];
    final double[][] columns = new double[p][EVENTS];
    for (int i = 0; i < EVENTS; i++) {
      for (int j = 0; j < p; j++) {
        final double v = random.nextGaussian();
        rowMajor[i * p + j] = v;
        columns[j][i] = v;
      }
      y[i] = random.nextBoolean() ? 1.0 : 0.0;
    }
    accumulator = new Accumulator(Binomial.LOGIT, beta);
    design = Design.of(columns, y, null, null);
    rowBuffer = new double[4 * p];
  }

  /** The streaming path: {@code Accumulator.add} once per event. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public double add() {
    final Accumulator acc = accumulator;
    for (int i = 0; i < EVENTS; i++) {
      acc.add(rowMajor, i * p, y[i], 1.0, 0.0);
    }
    return acc.packedInformation()[0];
  }

  /** The batch path: {@code Accumulator.addRows} over a column-major design. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public double addRows() {
    final Accumulator acc = accumulator;
    acc.addRows(design, 0, EVENTS, 1, rowBuffer);
    return acc.packedInformation()[0];
  }
}
