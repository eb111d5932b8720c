package io.github.irls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.cli.IrlsCommand;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.Simulator;
import io.github.irls.serde.AvroSerde;
import io.github.irls.testing.AppFixture;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunningApp;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The client API and the {@code score} command against updates published by a running application. */
class ScoringIT extends KafkaIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldScoreWithThePublishedCovariance(@TempDir final Path state) throws Exception {
    // Given a running application publishing covariances, windows of 500 events
    final AppFixture fixture = application("scoring", state).windowEvents(500)
        .with(IrlsConfig.PUBLISH_COVARIANCE_CONFIG, true)
        .create();
    final IrlsConfig config = fixture.config();
    final Simulator.Truth truth = Simulator.demoModels().get(0);
    try (RunningApp app = fixture.startWithoutHttp();
        CoefficientTable table = CoefficientTable.start(config.clientProperties(), config.outputTopic())) {

      // When 1,000 events of one model are processed (two steps)
      fixture.produceSimulated(truth, 11, 1000);
      final Optional<ModelCoefficients> model = table.awaitVersion(truth.key(), 2, Duration.ofSeconds(90));
      assertThat(model).as("version 2 within 90 s").isPresent();

      // Then the table's prediction is sigmoid(b . x~) with var(eta) = x~' Sigma x~ of the last update,
      // as read independently from the topic
      final CoefficientUpdate last = fixture.lastUpdate(truth.key()).orElseThrow();
      assertThat(last.getVersion()).isEqualTo(2);
      assertThat(last.getCovariance()).isNotNull();
      final double[] x = {0.5, -1.0, 2.0};
      final double[] xt = {1.0, 0.5, -1.0, 2.0};
      double eta = 0;
      for (int i = 0; i < 4; i++) {
        eta += last.getCoefficients().get(i) * xt[i];
      }
      double variance = 0;
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          variance += xt[i] * last.getCovariance().get(i * 4 + j) * xt[j];
        }
      }
      final double se = Math.sqrt(variance);
      final Prediction p = table.score(truth.key(), x).orElseThrow();
      assertThat(p.version()).isEqualTo(2);
      assertThat(p.exact()).isTrue();
      assertThat(p.probability()).isCloseTo(1 / (1 + Math.exp(-eta)), within(1e-12));
      assertThat(p.ci95Low()).isCloseTo(1 / (1 + Math.exp(-(eta - 1.959963984540054 * se))), within(1e-12));
      assertThat(p.ci95High()).isCloseTo(1 / (1 + Math.exp(-(eta + 1.959963984540054 * se))), within(1e-12));
      assertThat(p.ci95Low()).isLessThan(p.probability());
      assertThat(p.ci95High()).isGreaterThan(p.probability());
      // the covariance is not diagonal, so the standard-errors-only interval differs
      double diagonal = 0;
      for (int i = 0; i < 4; i++) {
        diagonal += xt[i] * xt[i] * last.getStdErrors().get(i) * last.getStdErrors().get(i);
      }
      assertThat(Math.abs(diagonal - variance)).isGreaterThan(1e-9 * variance);
      assertThat(table.score("no-such-model", x)).isEmpty();

      // And the score command prints the same, reports an unknown key on stderr and exits 1
      final String rows = truth.key() + ",0.5,-1.0,2.0\nno-such-model,1,2,3\n";
      final StringWriter out = new StringWriter();
      final StringWriter err = new StringWriter();
      final int exit = score(rows, out, err, "--bootstrap-servers", bootstrapServers(), "--topic",
          config.outputTopic(), "--wait", "30s");
      assertThat(exit).as(err.toString()).isEqualTo(1);
      final List<String> lines = out.toString().lines().toList();
      assertThat(lines).hasSize(1);
      final JsonNode line = JSON.readTree(lines.get(0));
      assertThat(line.get("model").asText()).isEqualTo(truth.key());
      assertThat(line.get("version").asLong()).isEqualTo(2);
      assertThat(line.get("probability").asDouble()).isEqualTo(p.probability());
      assertThat(line.get("ci95_low").asDouble()).isEqualTo(p.ci95Low());
      assertThat(line.get("ci95_high").asDouble()).isEqualTo(p.ci95High());
      assertThat(line.get("exact").asBoolean()).isTrue();
      assertThat(err.toString()).contains("line 2: no model with key 'no-such-model'");

      // And with only known keys it exits 0
      assertThat(score(truth.key() + ",0,0,0\n", new StringWriter(), new StringWriter(),
          "--bootstrap-servers", bootstrapServers(), "--topic", config.outputTopic())).isZero();
    }
  }

  @Test
  void shouldKeepTheHighestVersionOfEachKeyAndSkipGarbage() throws Exception {
    // Given a topic with versions 3, 1, 2 of one key and a record that is not an update
    final String topic = uniqueTopic("coefficients");
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    final AvroSerde<CoefficientUpdate> serde = AvroSerde.of(CoefficientUpdate.class);
    try (Producer<String, byte[]> producer =
        new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer())) {
      for (final long v : new long[] {3, 1}) {
        producer.send(new ProducerRecord<>(topic, "k", serde.encode(update("k", v))));
      }
      producer.send(new ProducerRecord<>(topic, "k", new byte[] {1, 2, 3}));
      producer.send(new ProducerRecord<>(topic, "k", serde.encode(update("k", 2))));
      producer.send(new ProducerRecord<>(topic, "j", serde.encode(update("j", 1))));
    }

    // When a table reads it to its end
    try (CoefficientTable table = CoefficientTable.start(Map.of("bootstrap.servers", bootstrapServers()), topic)) {
      assertThat(table.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();

      // Then the key has version 3, the garbage was skipped, and the other key is there too
      assertThat(table.model("k").orElseThrow().version()).isEqualTo(3);
      assertThat(table.keys()).containsExactly("j", "k");
      assertThat(table.skipped()).isEqualTo(1);
      assertThat(table.model("k").orElseThrow().covariance()).isEmpty();
      assertThat(table.score("k", new double[] {1.0}).orElseThrow().exact()).isFalse();
    }
  }

  private static CoefficientUpdate update(final String key, final long version) {
    return CoefficientUpdate.newBuilder()
        .setModelKey(key).setVersion(version).setWindowStart(0).setWindowEnd(0).setWindowEvents(10)
        .setWindowWeight(10).setEventsTotal(10 * version).setWeightTotal(10 * version).setLateEvents(0)
        .setFeatureNames(List.of("intercept", "x1"))
        .setCoefficients(List.of(0.1 * version, -0.2)).setStdErrors(List.of(0.3, 0.4))
        .setWindowLoglik(-1).setGradientNorm(0).setStepNorm(0).setIterations(1).setStepMode("renewable")
        .setStatus("OK").build();
  }

  private static int score(final String stdin, final StringWriter out, final StringWriter err,
      final String... args) {
    final CommandLine cmd = IrlsCommand.commandLine();
    final CommandLine score = cmd.getSubcommands().get("score");
    final Object command = score.getCommand();
    try {
      final var field = command.getClass().getDeclaredField("in");
      field.setAccessible(true);
      field.set(command, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    } catch (final ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    final String[] all = new String[args.length + 1];
    all[0] = "score";
    System.arraycopy(args, 0, all, 1, args.length);
    return cmd.execute(all);
  }
}
