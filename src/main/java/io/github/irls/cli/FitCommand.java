package io.github.irls.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.github.irls.csv.CsvFormatException;
import io.github.irls.csv.GroupedCsvReader;
import io.github.irls.csv.GroupedRows;
import io.github.irls.glm.Design;
import io.github.irls.glm.FitOptions;
import io.github.irls.glm.FitStatus;
import io.github.irls.glm.GlmFit;
import io.github.irls.glm.IrlsFitter;
import io.github.irls.glm.Prior;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fit --input FILE}: one logistic regression per model key of a CSV, printed as JSON lines in
 * the order in which the keys first appear.
 */
@Command(
    name = "fit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fits one logistic regression (R's glm(family = binomial), to the exact optimum) per model key "
          + "and prints one JSON object per key on stdout, in order of first appearance.",
      "",
      "Input: CSV with header model,y[,weight][,offset],x1..xp (columns found by name; every other "
          + "column is a feature); gzip recognised by content; '-' reads standard input.",
      "Output fields: model, coef_names, coefficients, std_errors, z_values, p_values, vcov, aliased, "
          + "rank, null_deviance, residual_deviance, df_null, df_residual, loglik, aic, iterations, "
          + "converged, warnings (aliased coefficients and non-finite numbers are null).",
      "",
      "Exit codes: 0 fitted (including fits that did not converge: see 'converged' and 'warnings'), "
          + "1 unreadable or malformed input, 2 usage error."
    })
public final class FitCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "CSV or gzipped CSV file, or '-' for standard input.")
  String input;

  @Option(
      names = "--lambda",
      paramLabel = "L",
      description = "Ridge penalty (prior precision) on every feature coefficient; none by default.")
  Double lambda;

  @Option(
      names = "--lambda-intercept",
      paramLabel = "L0",
      description = "Ridge penalty on the intercept (default 0 when only --lambda is given).")
  Double lambdaIntercept;

  @Option(
      names = "--max-iterations",
      paramLabel = "N",
      defaultValue = "100",
      description = "Most Newton iterations per model (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(
      names = "--epsilon",
      paramLabel = "E",
      description =
          "Stop by glm's rule |dev - dev_old| / (|dev| + 0.1) < E (R's default is 1e-8); by default "
              + "iterate to the exact optimum.")
  Double epsilon;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description = "Threads for parsing and fitting (default: available processors).")
  Integer threads;

  @Option(names = "--verbose", description = "Report timings on stderr and print stack traces of failures.")
  boolean verbose;

  /**
   * The JDK's {@code Double.toString} (before JDK 19) is slow on some values; Jackson's fast writer
   * (Schubfach) prints the same shortest round-tripping digits several times faster, which matters
   * for a thousand models with a 51 x 51 vcov each.
   */
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .build();

  @Override
  public Integer call() {
    final PrintWriter out = spec.commandLine().getOut();
    final PrintWriter err = spec.commandLine().getErr();
    final int t = threads();
    final FitOptions options = options();
    final long t0 = System.nanoTime();
    final GroupedRows data;
    try {
      data = new GroupedCsvReader(t).read(input);
    } catch (final CsvFormatException e) {
      return fail(err, e.getMessage(), e);
    } catch (final IOException | UncheckedIOException e) {
      return fail(err, describe(input, e instanceof UncheckedIOException u ? u.getCause() : (IOException) e), e);
    }
    final long t1 = System.nanoTime();
    if (verbose) {
      err.printf("read %d rows, %d models, %d features in %.3f s%n",
          data.rows(), data.models().size(), data.featureNames().size(), (t1 - t0) / 1e9);
    }
    final FitOptions named = options.toBuilder().coefNames(data.coefNames()).build();
    try {
      fitAll(data, named, t, out, err);
    } catch (final ModelFailure e) {
      return fail(err, "model \"" + e.key + "\": " + e.getCause().getMessage(), e.getCause());
    } catch (final IOException e) {
      return fail(err, "cannot write the output: " + e.getMessage(), e);
    }
    out.flush();
    if (verbose) {
      err.printf("fitted %d models in %.3f s%n", data.models().size(), (System.nanoTime() - t1) / 1e9);
    }
    if (out.checkError()) {
      err.println("error: cannot write the output");
      return 1;
    }
    return 0;
  }

  /**
   * Several keys are fitted in parallel on a fixed pool, one thread each; a single key uses all the
   * threads by splitting its rows. Results are printed in input order as soon as they are ready.
   */
  private void fitAll(
      final GroupedRows data, final FitOptions options, final int t, final PrintWriter out, final PrintWriter err)
      throws ModelFailure, IOException {
    final List<GroupedRows.ModelRows> models = data.models();
    if (models.size() == 1) {
      final GroupedRows.ModelRows m = models.get(0);
      write(out, err, m.key(), fitOne(m, options.toBuilder().threads(t).build()));
      return;
    }
    final ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(t, models.size()),
            r -> {
              final Thread th = new Thread(r, "fit");
              th.setDaemon(true);
              return th;
            });
    try {
      final FitOptions single = options.toBuilder().threads(1).build();
      final List<Future<GlmFit>> futures = new ArrayList<>(models.size());
      for (final GroupedRows.ModelRows m : models) {
        futures.add(pool.submit(() -> fitOne(m, single)));
      }
      for (int i = 0; i < models.size(); i++) {
        final String key = models.get(i).key();
        final GlmFit fit;
        try {
          fit = futures.get(i).get();
        } catch (final InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ModelFailure(key, e);
        } catch (final ExecutionException e) {
          throw e.getCause() instanceof ModelFailure mf ? mf : new ModelFailure(key, e.getCause());
        }
        futures.set(i, null); // let the result go once printed
        write(out, err, key, fit);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private GlmFit fitOne(final GroupedRows.ModelRows m, final FitOptions options) throws ModelFailure {
    final Design design = m.design();
    try {
      final Optional<Prior> prior = prior(design.coefficients());
      return prior.isPresent()
          ? IrlsFitter.fit(design, prior.get(), options)
          : IrlsFitter.fit(design, options);
    } catch (final RuntimeException e) {
      throw new ModelFailure(m.key(), e);
    }
  }

  /** Ridge when either penalty is positive; otherwise plain maximum likelihood. */
  Optional<Prior> prior(final int d) {
    final double l = lambda == null ? 0.0 : lambda;
    final double l0 = lambdaIntercept == null ? 0.0 : lambdaIntercept;
    if (l > 0 || l0 > 0) {
      return Optional.of(Prior.ridge(d, l0, l));
    }
    return Optional.empty();
  }

  private int threads() {
    if (threads == null) {
      return Runtime.getRuntime().availableProcessors();
    }
    if (threads < 1) {
      throw usage("--threads must be >= 1, got " + threads);
    }
    return threads;
  }

  private FitOptions options() {
    checkPenalty("--lambda", lambda);
    checkPenalty("--lambda-intercept", lambdaIntercept);
    if (maxIterations < 1) {
      throw usage("--max-iterations must be >= 1, got " + maxIterations);
    }
    final FitOptions.Builder options = FitOptions.builder().maxIterations(maxIterations);
    if (epsilon != null) {
      if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
        throw usage("--epsilon must be a finite number > 0, got " + epsilon);
      }
      options.epsilon(epsilon);
    }
    return options.build();
  }

  private void checkPenalty(final String name, final Double value) {
    if (value != null && (!(value >= 0) || !Double.isFinite(value))) {
      throw usage(name + " must be a finite number >= 0, got " + value);
    }
  }

  private CommandLine.ParameterException usage(final String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  private int fail(final PrintWriter err, final String message, final Throwable cause) {
    err.println("error: " + message);
    if (verbose) {
      cause.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  static String describe(final String input, final IOException e) {
    final String name = GroupedCsvReader.STDIN.equals(input) ? "<stdin>" : input;
    if (e instanceof NoSuchFileException) {
      return name + ": no such file";
    }
    if (e instanceof AccessDeniedException) {
      return name + ": permission denied";
    }
    if (e instanceof ZipException || e instanceof java.io.EOFException) {
      return name + ": corrupt or truncated gzip data (" + e.getMessage() + ")";
    }
    return name + ": cannot read (" + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
  }

  /** One JSON line: {@code model} and exactly the documented fields, NaN and infinities as null. */
  static void write(final Writer out, final PrintWriter err, final String key, final GlmFit fit)
      throws IOException {
    if (fit.status() != FitStatus.OK && !fit.statusReason().isEmpty()) {
      err.println("warning: model \"" + key + "\": " + fit.statusReason());
    }
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", key);
      g.writeArrayFieldStart("coef_names");
      for (final String n : fit.coefNames()) {
        g.writeString(n);
      }
      g.writeEndArray();
      writeArray(g, "coefficients", fit.coefficients());
      writeArray(g, "std_errors", fit.stdErrors());
      writeArray(g, "z_values", fit.zValues());
      writeArray(g, "p_values", fit.pValues());
      g.writeArrayFieldStart("vcov");
      for (final double[] row : fit.vcov()) {
        g.writeStartArray();
        for (final double v : row) {
          writeNumber(g, v);
        }
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("aliased");
      for (final boolean a : fit.aliased()) {
        g.writeBoolean(a);
      }
      g.writeEndArray();
      g.writeNumberField("rank", fit.rank());
      g.writeFieldName("null_deviance");
      writeNumber(g, fit.nullDeviance());
      g.writeFieldName("residual_deviance");
      writeNumber(g, fit.residualDeviance());
      g.writeNumberField("df_null", fit.dfNull());
      g.writeNumberField("df_residual", fit.dfResidual());
      g.writeFieldName("loglik");
      writeNumber(g, fit.loglik());
      g.writeFieldName("aic");
      writeNumber(g, fit.aic());
      g.writeNumberField("iterations", fit.iterations());
      g.writeBooleanField("converged", fit.converged());
      g.writeArrayFieldStart("warnings");
      for (final String w : fit.warnings()) {
        g.writeString(w);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    out.write('\n');
  }

  private static void writeArray(final JsonGenerator g, final String name, final double[] values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (final double v : values) {
      writeNumber(g, v);
    }
    g.writeEndArray();
  }

  private static void writeNumber(final JsonGenerator g, final double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumber(v);
    } else {
      g.writeNull();
    }
  }

  /** A model whose fit threw: a bug or unsupported input, reported with its key. */
  private static final class ModelFailure extends Exception {
    final String key;

    ModelFailure(final String key, final Throwable cause) {
      super(cause);
      this.key = key;
    }
  }
}
