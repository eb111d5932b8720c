package io.github.irls.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.irls.app.KafkaReachability;
import io.github.irls.app.KafkaUnavailableException;
import io.github.irls.client.CoefficientTable;
import io.github.irls.client.ModelCoefficients;
import io.github.irls.client.Prediction;
import io.github.irls.client.Scoring;
import io.github.irls.config.IrlsConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code score}: feature rows from stdin, one prediction with its 95% interval per row on stdout. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Follows the coefficients topic into a local table (every update from the beginning, "
          + "read_committed; the highest version of each key wins), waits up to --wait to have read "
          + "what was committed at start, then reads feature rows 'key,x1,...,xp' from stdin (blank "
          + "lines and lines starting with # are skipped; keys cannot contain commas) and prints one "
          + "JSON object per row: model, version, probability, ci95_low, ci95_high and exact (true: "
          + "the interval used the published covariance, publish.covariance=true; false: the "
          + "standard errors only, which ignores the correlation of the coefficients).",
      "The 95% interval is the delta-method interval on the logit scale: sigmoid(eta -+ 1.96 se) "
          + "with eta = b.[1,x] and se^2 = [1,x]' Sigma [1,x].",
      "A row that cannot be scored (unknown key, wrong number of features, not a number) is "
          + "reported on stderr as 'line N: ...' and the remaining rows are still scored.",
      "Updates framed for a schema registry (output.format=registry-avro) are read when "
          + "-D schema.registry.url=URL (and any schema.registry.* setting) is given; plain ones always.",
      "",
      "Exit codes: 0 every row scored, 1 some row failed or Kafka unreachable, 2 usage error."
    })
public final class ScoreCommand implements Callable<Integer> {

  private static final JsonFactory JSON = new JsonFactory();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka brokers, host:port[,host:port...] (or bootstrap.servers from --config, "
          + "IRLS_BOOTSTRAP_SERVERS or -D).")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "TOPIC",
      description = "The coefficients topic (default: output.topic, irls.coefficients).")
  String topic;

  @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long to wait for the updates already on the topic before scoring; rows of "
          + "models not read by then fail as unknown (default: ${DEFAULT-VALUE}).")
  Duration await;

  @Mixin ClientOptions client;

  /** The feature rows (replaced in tests). */
  InputStream in = System.in;

  @Override
  public Integer call() throws InterruptedException {
    final Map<String, Object> overrides = new HashMap<>();
    if (bootstrapServers != null) {
      overrides.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }
    if (topic != null) {
      overrides.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, topic);
    }
    final IrlsConfig config = client.config(spec.commandLine(), overrides);
    final PrintWriter out = spec.commandLine().getOut();
    final PrintWriter err = spec.commandLine().getErr();
    try {
      KafkaReachability.check(config.clientProperties());
    } catch (final KafkaUnavailableException e) {
      return ProduceCommand.fail(err, e.getMessage());
    }
    final CoefficientTable table;
    try {
      table = CoefficientTable.start(config.clientProperties(), config.outputTopic(), config.registrySettings());
    } catch (final KafkaException e) {
      return ProduceCommand.fail(err, "Cannot read " + config.outputTopic() + ": " + e.getMessage());
    }
    try (table) {
      if (!table.awaitCaughtUp(await)) {
        err.printf("Warning: %s not read to its end within %s; scoring with the %d model(s) read so far%n",
            config.outputTopic(), await, table.size());
        err.flush();
      }
      final int failed;
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        failed = scoreRows(reader, table::model, out, err);
      } catch (final IOException e) {
        return ProduceCommand.fail(err, "Cannot read stdin: " + e.getMessage());
      }
      if (failed > 0) {
        err.printf("%d row(s) could not be scored%n", failed);
        err.flush();
        return 1;
      }
      return 0;
    } catch (final IllegalStateException e) {
      return ProduceCommand.fail(err, e.getMessage());
    }
  }

  /**
   * Scores every row of {@code rows}: one JSON line on {@code out} per scored row, one {@code line
   * N: ...} message on {@code err} per failed row.
   *
   * @return the number of rows that failed
   */
  static int scoreRows(final BufferedReader rows, final Function<String, Optional<ModelCoefficients>> models,
      final PrintWriter out, final PrintWriter err) throws IOException {
    int failed = 0;
    int lineNumber = 0;
    String line;
    while ((line = rows.readLine()) != null) {
      lineNumber++;
      final String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      try {
        out.println(json(score(trimmed, models)));
      } catch (final IllegalArgumentException e) {
        failed++;
        err.println("line " + lineNumber + ": " + e.getMessage());
      }
    }
    out.flush();
    err.flush();
    return failed;
  }

  /**
   * One row {@code key,x1,...,xp}.
   *
   * @throws IllegalArgumentException if the key is unknown or a feature is not a number or the
   *     count is wrong
   */
  static Prediction score(final String row, final Function<String, Optional<ModelCoefficients>> models) {
    final String[] fields = row.split(",", -1);
    final String key = fields[0].trim();
    if (key.isEmpty()) {
      throw new IllegalArgumentException("no model key");
    }
    final double[] x = new double[fields.length - 1];
    for (int j = 1; j < fields.length; j++) {
      final String v = fields[j].trim();
      try {
        x[j - 1] = Double.parseDouble(v);
      } catch (final NumberFormatException e) {
        throw new IllegalArgumentException("feature " + j + " of model " + key + " is not a number: '" + v + "'");
      }
    }
    final ModelCoefficients model = models.apply(key)
        .orElseThrow(() -> new IllegalArgumentException("no model with key '" + key + "'"));
    return Scoring.predict(model, x);
  }

  /** {@code {"model":..,"version":..,"probability":..,"ci95_low":..,"ci95_high":..,"exact":..}}. */
  static String json(final Prediction p) {
    final StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      g.writeStringField("model", p.model());
      g.writeNumberField("version", p.version());
      number(g, "probability", p.probability());
      number(g, "ci95_low", p.ci95Low());
      number(g, "ci95_high", p.ci95High());
      g.writeBooleanField("exact", p.exact());
      g.writeEndObject();
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static void number(final JsonGenerator g, final String name, final double v) throws IOException {
    g.writeFieldName(name);
    if (Double.isFinite(v)) {
      g.writeNumber(v);
    } else {
      g.writeNull();
    }
  }
}
