package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.app.KafkaIo;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.serde.EventFormat;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.Simulator;
import io.github.irls.registry.Framing;
import io.github.irls.testing.AppFixture;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunningApp;
import io.github.irls.testing.StubSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code produce} and {@code bench} against a real broker. */
class AppCommandsIT extends KafkaIntegrationTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(final String... args) {
    final CommandLine cmd = IrlsCommand.commandLine();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    final int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void shouldProduceAFixturesCsvInRowOrderKeyedByModel() throws Exception {
    // Given a file of several interleaved keys with offsets
    final Path input = Path.of(AppCommandsIT.class.getResource("/golden/extra/offset_keys.csv").toURI());
    final String topic = uniqueTopic("produce");

    // When
    final Run run = run("produce", "--bootstrap-servers", bootstrapServers(), "--input", input.toString(),
        "--topic", topic, "--format", "json", "--partitions", "1");

    // Then every row arrives, in file order, keyed by its model, as JSON
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("Sent").contains("produce [");
    final List<ConsumerRecord<String, byte[]>> records = KafkaIo.readAll(
        Map.of("bootstrap.servers", bootstrapServers()), topic,
        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    final List<String> lines = java.nio.file.Files.readAllLines(input);
    assertThat(records).hasSize(lines.size() - 1);
    final String[] first = lines.get(1).split(",");
    assertThat(records.get(0).key()).isEqualTo(first[0]);
    final LabeledEvent event = EventFormat.JSON.serde().deserializer().deserialize(topic, records.get(0).value());
    assertThat(event.getOffset()).isEqualTo(Double.parseDouble(first[2]));
    assertThat(event.getLabel()).isEqualTo(Double.parseDouble(first[1]));
  }

  @Test
  void shouldRunUntilStoppedAndExitZero(@org.junit.jupiter.api.io.TempDir final Path state) throws Exception {
    // Given the run command on the test broker, its own topics and a free HTTP port
    final String id = uniqueTopic("run");
    final CommandLine cmd = IrlsCommand.commandLine();
    final StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(err, true));
    final java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> cmd.execute("run", "--bootstrap-servers", bootstrapServers(), "--http-port", "0",
            "-D", "application.id=" + id, "-D", "input.topic=" + id + ".events",
            "-D", "output.topic=" + id + ".coefficients", "-D", "dlq.topic=" + id + ".dlq",
            "-D", "model.specs.topic=" + id + ".specs", "-D", "state.dir=" + state));

    // When it is running and then stopped as SIGTERM would
    final long deadline = System.nanoTime() + 60_000_000_000L;
    while (!err.toString().contains("irls-streams running") && !exit.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(err.toString()).contains("irls-streams running").contains("HTTP at http://127.0.0.1:");
    ((RunCommand) cmd.getSubcommands().get("run").getCommand()).stop();

    // Then it exits 0
    assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isZero();
  }

  @Test
  void shouldPrintTheBenchmarkAsJson() throws Exception {
    // Given / When a tiny benchmark
    final Run run = run("bench", "--p", "3", "--keys", "5", "--events", "3000", "--warmup-events", "0",
        "--window-events", "100", "--partitions", "2", "--bootstrap-servers", bootstrapServers());

    // Then its JSON has both throughputs, their ratio and the memory per key
    assertThat(run.exit()).as(run.err()).isZero();
    final JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("processing_guarantee").asText()).isEqualTo("exactly_once_v2");
    final JsonNode r = json.get("results").get(0);
    assertThat(r.get("p").asInt()).isEqualTo(3);
    assertThat(r.get("fitting_events_per_s").asLong()).isPositive();
    assertThat(r.get("pass_through_events_per_s").asLong()).isPositive();
    assertThat(r.get("ratio").asDouble()).isPositive();
    assertThat(r.get("memory_per_key").get("keys").asLong()).isEqualTo(5);
    assertThat(r.get("memory_per_key").get("model_store_bytes").asLong()).isPositive();
    assertThat(r.get("memory_per_key").has("heap_growth_bytes_total")).isTrue();
    // And one result per step mode, hybrid's measured after every key's warm-up windows
    assertThat(json.get("results")).extracting(n -> n.get("step_mode").asText())
        .containsExactly("renewable", "newton", "hybrid");
    assertThat(json.get("results").get(1).get("memory_per_key").get("window_store_bytes").asLong()).isPositive();
  }

  @Test
  void shouldProduceEventsFramedForASchemaRegistry() throws Exception {
    // Given a schema registry and a fixtures file
    final Path input = Path.of(AppCommandsIT.class.getResource("/golden/extra/offset_keys.csv").toURI());
    final String topic = uniqueTopic("produce-framed");
    try (StubSchemaRegistry registry = StubSchemaRegistry.start()) {
      // When it is produced in the registry's framing
      final Run run = run("produce", "--bootstrap-servers", bootstrapServers(), "--input", input.toString(),
          "--topic", topic, "--format", "registry-avro", "--schema-registry-url", registry.url().toString(),
          "--partitions", "1");

      // Then LabeledEvent is registered under <topic>-value and every value is framed with its id
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.err()).contains("(registry-avro)");
      final int id = registry.register(topic + "-value", LabeledEvent.getClassSchema());
      assertThat(registry.requests()).contains("POST /subjects/" + topic + "-value/versions");
      final List<ConsumerRecord<String, byte[]>> records = KafkaIo.readAll(
          Map.of("bootstrap.servers", bootstrapServers()), topic,
          new org.apache.kafka.common.serialization.ByteArrayDeserializer());
      final List<String> lines = java.nio.file.Files.readAllLines(input);
      assertThat(records).hasSize(lines.size() - 1).allSatisfy(r -> assertThat(Framing.schemaId(r.value())).hasValue(id));
      final LabeledEvent first = EventFormat.AVRO.serde().deserializer().deserialize(topic,
          java.util.Arrays.copyOfRange(records.get(0).value(), Framing.HEADER_BYTES, records.get(0).value().length));
      assertThat(first.getOffset()).isEqualTo(Double.parseDouble(lines.get(1).split(",")[2]));
    }
  }

  @Test
  void shouldScoreFromUpdatesFramedForASchemaRegistry(@org.junit.jupiter.api.io.TempDir final Path state)
      throws Exception {
    // Given an application publishing framed updates of one model (two windows of 100 events)
    try (StubSchemaRegistry registry = StubSchemaRegistry.start()) {
      final AppFixture fixture = application("score-framed", state).windowEvents(100)
          .with(IrlsConfig.OUTPUT_FORMAT_CONFIG, "registry-avro")
          .with(IrlsConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url().toString())
          .create();
      final Simulator.Truth truth = Simulator.demoModels().get(0);
      fixture.produceSimulated(truth, 3, 200);
      try (RunningApp app = fixture.start()) {
        app.awaitModel(truth.key(), 2).orElseThrow();
        app.awaitCommitted();
      }

      // When the score command reads the topic through the registry
      final CommandLine cmd = IrlsCommand.commandLine();
      final StringWriter out = new StringWriter();
      final StringWriter err = new StringWriter();
      cmd.setOut(new PrintWriter(out, true));
      cmd.setErr(new PrintWriter(err, true));
      ((ScoreCommand) cmd.getSubcommands().get("score").getCommand()).in =
          new java.io.ByteArrayInputStream((truth.key() + ",0.5,-1.0,2.0\n").getBytes(StandardCharsets.UTF_8));
      final int exit = cmd.execute("score", "--bootstrap-servers", bootstrapServers(),
          "-D", "output.topic=" + fixture.config().outputTopic(), "-D", "schema.registry.url=" + registry.url());

      // Then it scores the row with the model's last version
      assertThat(exit).as(err.toString()).isZero();
      final JsonNode scored = new ObjectMapper().readTree(out.toString().lines().findFirst().orElseThrow());
      assertThat(scored.get("model").asText()).isEqualTo(truth.key());
      assertThat(scored.get("version").asLong()).isEqualTo(2);
      assertThat(scored.get("probability").asDouble()).isBetween(0.0, 1.0);
    }
  }
}
