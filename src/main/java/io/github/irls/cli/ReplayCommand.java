package io.github.irls.cli;

import io.github.irls.app.KafkaUnavailableException;
import io.github.irls.app.Replay;
import io.github.irls.app.UpdateJson;
import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.csv.CsvFormatException;
import io.github.irls.streams.StepMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code replay --input FILE}: the file through a real broker and the topology, every update out
 * as JSON lines ordered by key and version.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Produces a CSV (header model,y[,weight][,offset],x1..xp) in row order to fresh topics on a "
          + "broker (an embedded one unless --bootstrap-servers is given), runs the streaming fit "
          + "until every row is processed and every key's last, partial window has been closed, and "
          + "prints every coefficient update as one JSON object per line, ordered by model key and "
          + "version: model, version, window_start, window_end, window_events, window_weight, "
          + "events_total, weight_total, late_events, feature_names, coefficients, std_errors, "
          + "window_loglik, gradient_norm, step_norm, iterations, step_mode, status, status_reason, "
          + "ridge_added, and the window's progressive validation: progressive_logloss, progressive_brier, "
          + "expected_positives, observed_positives, progressive_auc, progressive_auc_error_bound, logloss_z, "
          + "drift_suspected (README: How good is each model).",
      "Windows close by count only (the file carries no event times); the last partial window of "
          + "each key is closed at the end. The run's topics are deleted afterwards.",
      "",
      "Exit codes: 0 done, 1 unreadable input, Kafka unreachable or the application failed, 2 usage error."
    })
public final class ReplayCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "The CSV file (gzip allowed).")
  Path input;

  @Option(names = "--window-events", paramLabel = "N", defaultValue = "1000",
      description = "Events per step window (default: ${DEFAULT-VALUE}).")
  long windowEvents;

  @Option(names = "--gamma", paramLabel = "G", defaultValue = "1.0",
      description = "Forgetting factor in (0, 1] (default: ${DEFAULT-VALUE}).")
  double gamma;

  @Option(names = "--lambda", paramLabel = "L", defaultValue = "1e-6",
      description = "Prior precision of each slope (default: ${DEFAULT-VALUE}).")
  double lambda;

  @Option(names = "--lambda-intercept", paramLabel = "L0", defaultValue = "1e-6",
      description = "Prior precision of the intercept (default: ${DEFAULT-VALUE}).")
  double lambdaIntercept;

  @Option(names = "--step-mode", paramLabel = "renewable|newton|hybrid", defaultValue = "renewable",
      description = "renewable: each window iterated to convergence; newton: one Newton step per "
          + "window, the sequential Laplace recursion; hybrid: renewable for a model's first "
          + "hybrid.warmup.windows windows (-D to change, default 2), newton afterwards (default: ${DEFAULT-VALUE}).")
  String stepMode;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Use this cluster (fresh topics and application id per run) instead of an embedded broker.")
  String bootstrapServers;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
      description = "Partitions of the run's topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--covariance", description = "Include each update's covariance matrix.")
  boolean covariance;

  @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "A further option or Kafka client setting; repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    final CommandLine cmd = spec.commandLine();
    final StepMode mode;
    try {
      mode = StepMode.parse(stepMode);
    } catch (final IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, "--step-mode: " + e.getMessage());
    }
    if (windowEvents < 1) {
      throw new CommandLine.ParameterException(cmd, "--window-events must be >= 1, got " + windowEvents);
    }
    if (!(gamma > 0 && gamma <= 1)) {
      throw new CommandLine.ParameterException(cmd, "--gamma must be in (0, 1], got " + gamma);
    }
    if (!(Double.isFinite(lambda) && lambda >= 0)) {
      throw new CommandLine.ParameterException(cmd, "--lambda must be finite and >= 0, got " + lambda);
    }
    if (!(Double.isFinite(lambdaIntercept) && lambdaIntercept >= 0)) {
      throw new CommandLine.ParameterException(cmd, "--lambda-intercept must be finite and >= 0, got " + lambdaIntercept);
    }
    if (partitions < 1) {
      throw new CommandLine.ParameterException(cmd, "--partitions must be >= 1, got " + partitions);
    }
    final PrintWriter out = cmd.getOut();
    final PrintWriter err = cmd.getErr();
    if (!Files.isReadable(input)) {
      return ProduceCommand.fail(err, "Cannot read " + input + ": no such file or not readable");
    }
    final Map<String, String> extra = new LinkedHashMap<>(properties);
    if (covariance) {
      extra.put("publish.covariance", "true");
    }
    final Replay.Settings settings = new Replay.Settings(input, windowEvents, gamma, lambda, lambdaIntercept, mode,
        partitions, Optional.ofNullable(bootstrapServers), extra);
    try {
      final Replay.Result result = Replay.run(settings, line -> {
        err.println(line);
        err.flush();
      });
      for (final CoefficientUpdate u : result.updates()) {
        out.println(UpdateJson.line(u));
      }
      out.flush();
      return 0;
    } catch (final NoSuchFileException e) {
      return ProduceCommand.fail(err, "Cannot read " + input + ": no such file");
    } catch (final IOException e) {
      return ProduceCommand.fail(err, "Cannot read " + input + ": " + e.getMessage());
    } catch (final CsvFormatException e) {
      return ProduceCommand.fail(err, e.getMessage());
    } catch (final KafkaUnavailableException | IllegalStateException e) {
      return ProduceCommand.fail(err, e.getMessage());
    } catch (final org.apache.kafka.common.config.ConfigException e) {
      throw new CommandLine.ParameterException(cmd, "Invalid configuration: " + e.getMessage());
    }
  }
}
