package io.github.irls.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.config.IrlsConfig;
import io.github.irls.testing.KafkaIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerIT extends KafkaIntegrationTest {

  private static final Duration POLL = Duration.ofMillis(200);

  private static List<String> consumeAll(
      final String bootstrap, final String topic, final String isolation, final int expected) {
    final Map<String, Object> props = consumerProperties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    final List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (final ConsumerRecord<String, String> r : consumer.poll(POLL)) {
          values.add(r.value());
        }
      }
      // one more poll: anything beyond the expected count would be a failure
      consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
    }
    return values;
  }

  private static void sendInTransaction(
      final KafkaProducer<String, String> producer,
      final String topic,
      final List<String> values,
      final boolean commit) {
    producer.beginTransaction();
    for (final String v : values) {
      producer.send(new ProducerRecord<>(topic, "model-1", v));
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.flush();
      producer.abortTransaction();
    }
  }

  @Test
  void shouldServeAClusterOfOneNode() throws Exception {
    // Given
    try (Admin admin = admin()) {
      // When
      final Collection<Node> nodes = admin.describeCluster().nodes().get();

      // Then
      assertThat(nodes).hasSize(1);
      if (kafkaKind() == Kind.EMBEDDED) {
        assertThat(bootstrapServers()).startsWith("localhost:");
        assertThat(nodes.iterator().next().port())
            .isEqualTo(Integer.parseInt(bootstrapServers().substring("localhost:".length())));
      }
    }
  }

  @Test
  void shouldShowReadCommittedConsumersOnlyCommittedTransactions() throws Exception {
    // Given
    final String topic = uniqueTopic("eos");
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
    final Map<String, Object> props = producerProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic);

    // When
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      sendInTransaction(producer, topic, List.of("a", "b", "c"), true);
      sendInTransaction(producer, topic, List.of("x", "y"), false);
      sendInTransaction(producer, topic, List.of("d", "e"), true);
    }

    // Then: same key, same partition, so order is kept; aborted records are invisible
    assertThat(consumeAll(bootstrapServers(), topic, "read_committed", 5))
        .containsExactly("a", "b", "c", "d", "e");
    assertThat(consumeAll(bootstrapServers(), topic, "read_uncommitted", 7))
        .containsExactly("a", "b", "c", "x", "y", "d", "e");
  }

  @Test
  void shouldCreateTheProjectTopicsOnceWithCompactedModelSpecs() throws Exception {
    // Given
    final String prefix = uniqueTopic("app");
    final IrlsConfig config =
        new IrlsConfig(
            Map.of(
                "bootstrap.servers", bootstrapServers(),
                "input.topic", prefix + ".events",
                "output.topic", prefix + ".coefficients",
                "dlq.topic", prefix + ".events.dlq",
                "model.specs.topic", prefix + ".model-specs",
                "topic.partitions", "3"));

    try (Admin admin = admin()) {
      // When
      final Set<String> first = Topics.ensure(admin, config);
      final Set<String> second = Topics.ensure(admin, config);

      // Then
      assertThat(first)
          .containsExactlyInAnyOrder(
              prefix + ".events", prefix + ".coefficients", prefix + ".events.dlq",
              prefix + ".model-specs");
      assertThat(second).isEmpty();
      final Map<String, TopicDescription> described = admin.describeTopics(first).allTopicNames().get();
      assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
      final ConfigResource specs = new ConfigResource(ConfigResource.Type.TOPIC, prefix + ".model-specs");
      final ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, prefix + ".events");
      final Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(specs, events)).all().get();
      assertThat(configs.get(specs).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
      assertThat(configs.get(events).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("delete");
    }
  }

  @Test
  void shouldKeepTopicsAndRecordsAcrossARestartOnTheSameDataDirectory(@TempDir final Path dir)
      throws Exception {
    // Given an embedded broker, whatever the class's broker is, with a data directory of ours
    final Path dataDir = dir.resolve("kafka");
    final String topic = "kept";
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Settings.defaults().withDataDir(dataDir))) {
      final Map<String, Object> props = producerProperties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(topic, "k", "before restart")).get();
      }
    }

    // When it is started again on another port
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Settings.defaults().withDataDir(dataDir))) {

      // Then
      assertThat(consumeAll(broker.bootstrapServers(), topic, "read_committed", 1))
          .containsExactly("before restart");
    }
    assertThat(Files.exists(dataDir.resolve("meta.properties"))).isTrue();
  }

  @Test
  void shouldDeleteItsTemporaryDataDirectoryOnClose() {
    // Given
    final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    final Path dataDir = broker.dataDir();
    assertThat(dataDir).isDirectory();

    // When
    broker.close();
    broker.close();

    // Then
    assertThat(dataDir).doesNotExist();
  }
}
