package io.github.irls.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.csv.CsvFormatException;
import io.github.irls.csv.GroupedCsvReader;
import io.github.irls.csv.GroupedRows;
import io.github.irls.glm.Accumulator;
import io.github.irls.glm.Binomial;
import io.github.irls.glm.Design;
import io.github.irls.glm.FitOptions;
import io.github.irls.glm.GlmFit;
import io.github.irls.glm.IrlsFitter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-fit}: how fast the fitter and the {@code fit} command are on this machine. Prints
 * JSON lines with the figures; asserts nothing (timings belong in benchmarks, never in tests).
 */
@Command(
    name = "bench-fit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Benchmarks the batch fitter and the fit command; prints one JSON object per measurement.",
      "",
      "1. in_memory_fit: generates ROWS x FEATURES in memory (fixed seed, AR(1)-correlated normal "
          + "features with rho 0.5, known coefficients), then times IrlsFitter.fit with standard "
          + "errors on --threads threads over --repetitions runs after --warmup runs; reports the "
          + "median seconds, and one X'WX accumulation pass for scale.",
      "2. end_to_end_fit: writes such data as CSV (ROWS x FEATURES with one key, and KEYED-ROWS x "
          + "FEATURES over KEYS keys) and times the in-process fit command on it, reading, fitting "
          + "and JSON output included (output discarded), and reading alone.",
      "",
      "cpu_seconds is the process's CPU time during the measurement and load_average_before the "
          + "system's 1-minute load: on a busy machine the wall time overstates the cost.",
      "peak_heap_used_bytes is the sum of the heap pools' peak usage during the measurement (an "
          + "upper bound: the pools peak at different times)."
    })
public final class BenchFitCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--rows", defaultValue = "1000000", description = "Rows of the single-model data (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--features", defaultValue = "50", description = "Features p (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(names = "--threads", defaultValue = "2", description = "Threads for fitting and parsing (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--warmup", defaultValue = "1", description = "Untimed in-memory fits first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--repetitions", defaultValue = "5", description = "Timed in-memory fits (default: ${DEFAULT-VALUE}).")
  int repetitions;

  @Option(names = "--keyed-rows", defaultValue = "2000000", description = "Rows of the many-keys CSV (default: ${DEFAULT-VALUE}).")
  int keyedRows;

  @Option(names = "--keys", defaultValue = "1000", description = "Model keys of the many-keys CSV (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--end-to-end-repetitions", defaultValue = "1", description = "Timed runs of the fit command per file (default: ${DEFAULT-VALUE}).")
  int endToEndRepetitions;

  @Option(names = "--seed", defaultValue = "20240601", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--dir", description = "Where to write the CSV files (default: a new temporary directory).")
  Path dir;

  @Option(names = "--keep-files", description = "Keep the CSV files instead of deleting them.")
  boolean keepFiles;

  @Option(names = "--skip-in-memory", description = "Skip the in-memory benchmark.")
  boolean skipInMemory;

  @Option(names = "--skip-end-to-end", description = "Skip the CSV benchmarks.")
  boolean skipEndToEnd;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double RHO = 0.5;

  @Override
  public Integer call() throws IOException {
    if (rows < 1 || features < 0 || threads < 1 || warmup < 0 || repetitions < 1 || keyedRows < 1 || keys < 1
        || endToEndRepetitions < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "counts must be positive");
    }
    final PrintWriter out = spec.commandLine().getOut();
    if (!skipInMemory) {
      print(out, inMemory());
    }
    if (!skipEndToEnd) {
      final Path where = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("bench-fit");
      final Path single = where.resolve("bench_" + rows + "x" + features + ".csv");
      final Path keyed = where.resolve("bench_" + keyedRows + "x" + features + "x" + keys + "keys.csv");
      try {
        print(out, writeCsv(single, rows, 1));
        endToEnd(out, single, rows, 1);
        print(out, writeCsv(keyed, keyedRows, keys));
        endToEnd(out, keyed, keyedRows, keys);
      } finally {
        if (!keepFiles) {
          Files.deleteIfExists(single);
          Files.deleteIfExists(keyed);
          if (dir == null) {
            Files.deleteIfExists(where);
          }
        }
      }
    }
    out.flush();
    return 0;
  }

  // ---------------------------------------------------------------------------------------------
  // In memory

  private Map<String, Object> inMemory() {
    final long g0 = System.nanoTime();
    final double[] beta = trueBeta(features);
    final double[][] columns = new double[features][rows];
    final double[] y = new double[rows];
    final SplittableRandom random = new SplittableRandom(seed);
    final double[] x = new double[features];
    for (int i = 0; i < rows; i++) {
      y[i] = drawRow(random, beta, 0.0, x);
      for (int j = 0; j < features; j++) {
        columns[j][i] = x[j];
      }
    }
    final Design design = Design.of(columns, y, null, null);
    final double generateSeconds = (System.nanoTime() - g0) / 1e9;
    final FitOptions options = FitOptions.builder().threads(threads).build();

    for (int r = 0; r < warmup; r++) {
      IrlsFitter.fit(design, options);
    }
    resetPeaks();
    final double[] seconds = new double[repetitions];
    final double loadBefore = loadAverage();
    final long cpu0 = processCpuNanos();
    GlmFit fit = null;
    for (int r = 0; r < repetitions; r++) {
      final long t0 = System.nanoTime();
      fit = IrlsFitter.fit(design, options);
      seconds[r] = (System.nanoTime() - t0) / 1e9;
    }
    final double cpuPerFit = (processCpuNanos() - cpu0) / 1e9 / repetitions;
    final long peak = peakHeapUsed();
    final double median = median(seconds);

    // One accumulation pass (X'WX, score, deviance) at the fitted coefficients, for scale: the fit
    // costs roughly (passes over the data) x this, plus the subsample warm start.
    final double pass = accumulationPassSeconds(design, fit.coefficients());

    double worstZ = 0;
    for (int j = 0; j <= features; j++) {
      worstZ = Math.max(worstZ, Math.abs(fit.coefficients()[j] - beta[j]) / fit.stdErrors()[j]);
    }
    final Map<String, Object> m = new LinkedHashMap<>();
    m.put("bench", "in_memory_fit");
    m.put("rows", rows);
    m.put("features", features);
    m.put("threads", threads);
    m.put("warmup", warmup);
    m.put("repetitions", repetitions);
    m.put("median_seconds", median);
    m.put("min_seconds", Arrays.stream(seconds).min().orElseThrow());
    m.put("seconds", seconds);
    m.put("rows_per_second", rows / median);
    m.put("iterations", fit.iterations());
    m.put("converged", fit.converged());
    m.put("cpu_seconds_per_fit", cpuPerFit);
    m.put("load_average_before", loadBefore);
    m.put("accumulation_pass_seconds", pass);
    m.put("fma_per_row", (features + 1) * (features + 2) / 2);
    m.put("max_abs_z_of_error_vs_true_beta", worstZ);
    m.put("generate_seconds", generateSeconds);
    m.put("peak_heap_used_bytes", peak);
    m.put("heap_max_bytes", Runtime.getRuntime().maxMemory());
    return m;
  }

  private double accumulationPassSeconds(final Design design, final double[] beta) {
    final int n = design.rows();
    final Accumulator[] parts = new Accumulator[threads];
    final double[][] buffers = new double[threads][Math.max(1, 4 * features)];
    for (int t = 0; t < threads; t++) {
      parts[t] = new Accumulator(Binomial.LOGIT, beta);
    }
    double best = Double.POSITIVE_INFINITY;
    for (int rep = 0; rep < 3; rep++) {
      final long t0 = System.nanoTime();
      final List<ForkJoinTask<?>> tasks = new ArrayList<>();
      for (int t = 1; t < threads; t++) {
        final int part = t;
        tasks.add(ForkJoinPool.commonPool().submit(() -> {
          parts[part].reset(beta).addRows(design, (int) ((long) n * part / threads),
              (int) ((long) n * (part + 1) / threads), 1, buffers[part]);
        }));
      }
      parts[0].reset(beta).addRows(design, 0, (int) ((long) n / threads), 1, buffers[0]);
      tasks.forEach(ForkJoinTask::join);
      for (int t = 1; t < threads; t++) {
        parts[0].merge(parts[t]);
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return best;
  }

  // ---------------------------------------------------------------------------------------------
  // End to end

  private Map<String, Object> writeCsv(final Path file, final int n, final int keyCount) throws IOException {
    final long t0 = System.nanoTime();
    final double[] beta = trueBeta(features);
    final SplittableRandom random = new SplittableRandom(seed + keyCount);
    final double[] x = new double[features];
    final byte[] line = new byte[64 + 24 * (features + 2)];
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      final StringBuilder header = new StringBuilder("model,y");
      for (int j = 1; j <= features; j++) {
        header.append(",x").append(j);
      }
      os.write(header.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
      final byte[][] keyBytes = new byte[keyCount][];
      for (int k = 0; k < keyCount; k++) {
        keyBytes[k] = (keyCount == 1 ? "bench" : String.format("m%04d", k)).getBytes(StandardCharsets.US_ASCII);
      }
      for (int i = 0; i < n; i++) {
        final int k = i % keyCount;
        // Keys differ in their intercept, so that each key is a genuinely different model.
        final double shift = keyCount == 1 ? 0.0 : 0.1 * (k % 11 - 5);
        final double yi = drawRow(random, beta, shift, x);
        int pos = 0;
        System.arraycopy(keyBytes[k], 0, line, pos, keyBytes[k].length);
        pos += keyBytes[k].length;
        line[pos++] = ',';
        line[pos++] = yi == 1.0 ? (byte) '1' : (byte) '0';
        for (int j = 0; j < features; j++) {
          line[pos++] = ',';
          pos = formatFourDecimals(x[j], line, pos);
        }
        line[pos++] = '\n';
        os.write(line, 0, pos);
      }
    }
    final Map<String, Object> m = new LinkedHashMap<>();
    m.put("bench", "write_csv");
    m.put("file", file.toString());
    m.put("rows", n);
    m.put("features", features);
    m.put("keys", keyCount);
    m.put("bytes", Files.size(file));
    m.put("seconds", (System.nanoTime() - t0) / 1e9);
    return m;
  }

  private void endToEnd(final PrintWriter out, final Path file, final int n, final int keyCount)
      throws IOException {
    final Map<String, Object> read = readOnly(file, n);
    print(out, read);
    final double readSeconds = (double) read.get("seconds");

    for (int r = 0; r < endToEndRepetitions; r++) {
      System.gc();
      resetPeaks();
      final CommandLine cmd = IrlsCommand.commandLine();
      final Writer sink = Writer.nullWriter();
      cmd.setOut(new PrintWriter(sink));
      final StringWriter err = new StringWriter();
      cmd.setErr(new PrintWriter(err, true));
      final double loadBefore = loadAverage();
      final long cpu0 = processCpuNanos();
      final long t0 = System.nanoTime();
      final int exit =
          cmd.execute("fit", "--input", file.toString(), "--threads", Integer.toString(threads));
      final double seconds = (System.nanoTime() - t0) / 1e9;
      final double cpu = (processCpuNanos() - cpu0) / 1e9;
      final Map<String, Object> m = new LinkedHashMap<>();
      m.put("bench", "end_to_end_fit");
      m.put("file", file.toString());
      m.put("rows", n);
      m.put("features", features);
      m.put("keys", keyCount);
      m.put("threads", threads);
      m.put("exit_code", exit);
      m.put("seconds", seconds);
      m.put("rows_per_second", n / seconds);
      m.put("fit_seconds_excluding_read", seconds - readSeconds);
      m.put("cpu_seconds", cpu);
      m.put("load_average_before", loadBefore);
      m.put("peak_heap_used_bytes", peakHeapUsed());
      m.put("heap_max_bytes", Runtime.getRuntime().maxMemory());
      if (exit != 0) {
        m.put("stderr", err.toString());
      }
      print(out, m);
    }
  }

  /** Reading alone, so that the end-to-end time can be split into reading and fitting. */
  private Map<String, Object> readOnly(final Path file, final int n) throws IOException {
    System.gc();
    resetPeaks();
    final double loadBefore = loadAverage();
    final long cpu0 = processCpuNanos();
    final long r0 = System.nanoTime();
    final GroupedRows data;
    try {
      data = new GroupedCsvReader(threads).read(file.toString());
    } catch (final CsvFormatException e) {
      throw new IllegalStateException("the generated CSV is malformed: " + e.getMessage(), e);
    }
    final double seconds = (System.nanoTime() - r0) / 1e9;
    final double cpu = (processCpuNanos() - cpu0) / 1e9;
    final long peak = peakHeapUsed();
    System.gc();
    final long retained = usedHeap();
    final Map<String, Object> m = new LinkedHashMap<>();
    m.put("bench", "read_csv");
    m.put("file", file.toString());
    m.put("rows", data.rows());
    m.put("features", features);
    m.put("keys", data.models().size());
    m.put("threads", threads);
    m.put("seconds", seconds);
    m.put("rows_per_second", n / seconds);
    m.put("megabytes_per_second", Files.size(file) / 1e6 / seconds);
    m.put("cpu_seconds", cpu);
    m.put("load_average_before", loadBefore);
    m.put("peak_heap_used_bytes", peak);
    m.put("heap_after_read_bytes", retained);
    // The rows must still be reachable when the retained heap is measured.
    Reference.reachabilityFence(data);
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // Data

  /** Intercept -0.5, then alternating signs shrinking like 1/sqrt(j): every feature matters a bit. */
  static double[] trueBeta(final int p) {
    final double[] beta = new double[p + 1];
    beta[0] = -0.5;
    for (int j = 1; j <= p; j++) {
      beta[j] = (j % 2 == 0 ? 0.4 : -0.4) / Math.sqrt(j);
    }
    return beta;
  }

  /** Draws AR(1)-correlated standard normal features into {@code x} and returns a 0/1 response. */
  static double drawRow(final SplittableRandom random, final double[] beta, final double shift, final double[] x) {
    final double innovation = Math.sqrt(1 - RHO * RHO);
    double eta = beta[0] + shift;
    double previous = 0;
    for (int j = 0; j < x.length; j++) {
      final double z = random.nextGaussian();
      previous = j == 0 ? z : RHO * previous + innovation * z;
      x[j] = previous;
      eta += beta[j + 1] * previous;
    }
    final double mu = 1.0 / (1.0 + Math.exp(-eta));
    return random.nextDouble() < mu ? 1.0 : 0.0;
  }

  /** Writes {@code v} rounded to four decimals (as the fixtures are); returns the new position. */
  static int formatFourDecimals(final double v, final byte[] out, final int at) {
    int pos = at;
    long scaled = Math.round(v * 10_000.0);
    if (scaled < 0) {
      out[pos++] = '-';
      scaled = -scaled;
    }
    final long whole = scaled / 10_000;
    final int frac = (int) (scaled % 10_000);
    final String digits = Long.toString(whole);
    for (int i = 0; i < digits.length(); i++) {
      out[pos++] = (byte) digits.charAt(i);
    }
    out[pos++] = '.';
    out[pos++] = (byte) ('0' + frac / 1000);
    out[pos++] = (byte) ('0' + frac / 100 % 10);
    out[pos++] = (byte) ('0' + frac / 10 % 10);
    out[pos++] = (byte) ('0' + frac % 10);
    return pos;
  }

  // ---------------------------------------------------------------------------------------------
  // Measurement helpers

  private static void resetPeaks() {
    for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeapUsed() {
    long sum = 0;
    for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /**
   * CPU time of the whole process: compared with the wall time it shows how much of a core the
   * measurement actually had (other processes on the machine inflate the wall time, not this).
   */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static double median(final double[] values) {
    final double[] s = values.clone();
    Arrays.sort(s);
    final int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  private static void print(final PrintWriter out, final Map<String, Object> m) throws IOException {
    out.println(JSON.writeValueAsString(m));
    out.flush();
  }
}
