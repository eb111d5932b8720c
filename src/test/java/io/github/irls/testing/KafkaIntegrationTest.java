package io.github.irls.testing;

import io.github.irls.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Base of the integration tests: one real Kafka broker per test class, Testcontainers' Kafka when
 * a Docker engine is available and the embedded KRaft broker otherwise, so the same tests run
 * both ways. Set the system property {@value #KAFKA_PROPERTY} to {@code embedded} or {@code
 * container} to force one.
 *
 * <p>Test classes run one after another (JUnit's default), which the shared static broker relies
 * on.
 */
@Tag("integration")
public abstract class KafkaIntegrationTest {

  /** System property choosing the broker: {@code embedded}, {@code container} or unset (auto). */
  public static final String KAFKA_PROPERTY = "irls.test.kafka";

  /** The broker image for the Testcontainers path. */
  public static final String KAFKA_IMAGE = "apache/kafka:4.1.0";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaIntegrationTest.class);

  /** Which kind of broker the current test class runs against. */
  public enum Kind {
    EMBEDDED,
    CONTAINER
  }

  private static Kind kind;
  private static AutoCloseable broker;
  private static String bootstrapServers;

  @BeforeAll
  static void startKafka() {
    kind = chooseKind();
    final long started = System.nanoTime();
    if (kind == Kind.CONTAINER) {
      final KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
      container.start();
      broker = container;
      bootstrapServers = container.getBootstrapServers();
    } else {
      final EmbeddedKafkaBroker embedded = EmbeddedKafkaBroker.start();
      broker = embedded;
      bootstrapServers = embedded.bootstrapServers();
    }
    LOG.info("Kafka for tests ({}) at {} ready in {} ms",
        kind, bootstrapServers, (System.nanoTime() - started) / 1_000_000);
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (broker != null) {
      broker.close();
    }
    broker = null;
    bootstrapServers = null;
  }

  /** Docker when asked for or available, the embedded broker otherwise. */
  static Kind chooseKind() {
    final String forced = System.getProperty(KAFKA_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    return switch (forced) {
      case "embedded" -> Kind.EMBEDDED;
      case "container" -> Kind.CONTAINER;
      case "" -> dockerAvailable() ? Kind.CONTAINER : Kind.EMBEDDED;
      default -> throw new IllegalArgumentException(
          KAFKA_PROPERTY + " must be embedded or container, got '" + forced + "'");
    };
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (final RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** {@code host:port} of the broker of the current test class. */
  protected static String bootstrapServers() {
    if (bootstrapServers == null) {
      throw new IllegalStateException("Kafka is not running: call this from a test, not a constructor");
    }
    return bootstrapServers;
  }

  /** Which kind of broker the current test class runs against. */
  protected static Kind kafkaKind() {
    return kind;
  }

  /** A new admin client for the broker; close it. */
  protected static Admin admin() {
    return Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Producer settings for the broker (idempotent, acks=all); add serializers. */
  protected static Map<String, Object> producerProperties() {
    final Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return props;
  }

  /** Consumer settings for the broker: a fresh group, earliest offsets, read_committed. */
  protected static Map<String, Object> consumerProperties() {
    final Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }

  /**
   * An application on this class's broker: id {@code name} plus a random suffix, its topics named
   * after the id, its state in {@code stateDir}.
   */
  protected static AppFixture.Builder application(final String name, final Path stateDir) {
    return AppFixture.builder(bootstrapServers(), name, stateDir);
  }

  /** A topic name no other test uses. */
  protected static String uniqueTopic(final String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
