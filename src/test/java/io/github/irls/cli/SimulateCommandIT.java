package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.app.KafkaIo;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.demo.Simulator;
import io.github.irls.serde.EventFormat;
import io.github.irls.registry.Framing;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.StubSchemaRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code simulate} against a real broker. */
class SimulateCommandIT extends KafkaIntegrationTest {

  @Test
  void shouldCreateTheApplicationsTopicsAndSendTheDemoEventsRoundRobin() throws Exception {
    // Given a broker without the topics of a fresh prefix
    final String prefix = uniqueTopic("simulate");
    final CommandLine cmd = IrlsCommand.commandLine();
    final StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err, true));

    // When 400 events are simulated into it
    final int exit = cmd.execute("simulate", "--bootstrap-servers", bootstrapServers(), "--events", "400",
        "--rate", "100000", "-D", "input.topic=" + prefix + ".events", "-D", "model.specs.topic=" + prefix + ".specs",
        "-D", "output.topic=" + prefix + ".coefficients", "-D", "dlq.topic=" + prefix + ".dlq",
        "-D", "topic.partitions=3");

    // Then it exits 0 having created every topic of the application with the configured partitions
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString()).contains("Sent 400 events for 4 model keys");
    final Set<String> topics = Set.of(prefix + ".events", prefix + ".specs", prefix + ".coefficients", prefix + ".dlq");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      final Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
      assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
    }
    // And the events topic holds 100 valid Avro events of 3 features for each of the demo's four keys
    final List<ConsumerRecord<String, byte[]>> records =
        KafkaIo.readAll(Map.of("bootstrap.servers", bootstrapServers()), prefix + ".events", new ByteArrayDeserializer());
    assertThat(records).hasSize(400);
    final Map<String, Long> perKey = records.stream()
        .collect(Collectors.groupingBy(ConsumerRecord::key, TreeMap::new, Collectors.counting()));
    assertThat(perKey.keySet()).containsExactlyInAnyOrderElementsOf(
        Simulator.demoModels().stream().map(Simulator.Truth::key).toList());
    assertThat(perKey.values()).containsOnly(100L);
    for (final ConsumerRecord<String, byte[]> r : records) {
      final LabeledEvent e = EventFormat.AVRO.serde().deserializer().deserialize(r.topic(), r.value());
      assertThat(e.getFeatures()).hasSize(3);
      assertThat(e.getLabel()).isIn(0.0, 1.0);
    }
  }

  @Test
  void shouldFrameTheEventsForASchemaRegistryWhenTheInputFormatSaysSo() throws Exception {
    // Given a schema registry and a fresh prefix
    final String prefix = uniqueTopic("simulate-framed");
    try (StubSchemaRegistry registry = StubSchemaRegistry.start()) {
      final CommandLine cmd = IrlsCommand.commandLine();
      final StringWriter err = new StringWriter();
      cmd.setErr(new PrintWriter(err, true));

      // When 40 events are simulated with the input format the application would read
      final int exit = cmd.execute("simulate", "--bootstrap-servers", bootstrapServers(), "--events", "40",
          "--rate", "100000", "--schema-registry-url", registry.url().toString(),
          "-D", "input.format=registry-avro", "-D", "input.topic=" + prefix + ".events",
          "-D", "model.specs.topic=" + prefix + ".specs", "-D", "output.topic=" + prefix + ".coefficients",
          "-D", "dlq.topic=" + prefix + ".dlq");

      // Then every value is LabeledEvent framed with the id registered under <input topic>-value
      assertThat(exit).as(err.toString()).isZero();
      final int id = registry.register(prefix + ".events-value", LabeledEvent.getClassSchema());
      final List<ConsumerRecord<String, byte[]>> records = KafkaIo.readAll(
          Map.of("bootstrap.servers", bootstrapServers()), prefix + ".events", new ByteArrayDeserializer());
      assertThat(records).hasSize(40).allSatisfy(r -> {
        assertThat(Framing.schemaId(r.value())).hasValue(id);
        assertThat(EventFormat.AVRO.serde().deserializer().deserialize(r.topic(),
            java.util.Arrays.copyOfRange(r.value(), Framing.HEADER_BYTES, r.value().length)).getFeatures()).hasSize(3);
      });
    }
  }
}
