package io.github.irls.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.serde.EventFormat;
import io.github.irls.serde.ScoringRequestFormat;
import io.github.irls.streams.ScoringStream;
import io.github.irls.streams.StepMode;
import io.github.irls.streams.TopologySettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IrlsConfigTest {

  private static final Map<String, Object> MINIMAL = Map.of("bootstrap.servers", "localhost:9092");

  private static Map<String, Object> minimalWith(final String name, final Object value) {
    final Map<String, Object> props = new HashMap<>(MINIMAL);
    props.put(name, value);
    return props;
  }

  @Test
  void shouldApplyTheDocumentedDefaults() {
    // Given / When
    final IrlsConfig config = new IrlsConfig(MINIMAL);

    // Then
    assertThat(config.bootstrapServers()).containsExactly("localhost:9092");
    assertThat(config.applicationId()).isEqualTo("irls-streams");
    assertThat(config.inputTopic()).isEqualTo("irls.events");
    assertThat(config.outputTopic()).isEqualTo("irls.coefficients");
    assertThat(config.dlqTopic()).isEqualTo("irls.events.dlq");
    assertThat(config.modelSpecsTopic()).isEqualTo("irls.model-specs");
    assertThat(config.inputFormat()).isEqualTo(EventFormat.AVRO);
    assertThat(config.windowEvents()).isEqualTo(1000L);
    assertThat(config.windowMs()).isEqualTo(60_000L);
    assertThat(config.idleCloseMs()).isEqualTo(60_000L);
    assertThat(config.graceMs()).isZero();
    assertThat(config.stepMode()).isEqualTo("renewable");
    assertThat(config.lambda()).isEqualTo(1e-6);
    assertThat(config.lambdaIntercept()).isEqualTo(1e-6);
    assertThat(config.gamma()).isEqualTo(1.0);
    assertThat(config.maxIterations()).isEqualTo(100);
    assertThat(config.publishCovariance()).isFalse();
    assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
    assertThat(config.commitIntervalMs()).isEqualTo(100L);
    assertThat(config.numStandbyReplicas()).isZero();
    assertThat(config.stateDir()).startsWith(System.getProperty("user.home")).doesNotStartWith(System.getProperty("java.io.tmpdir"));
    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.topicPartitions()).isEqualTo(4);
    assertThat(config.topicReplicationFactor()).isEqualTo((short) 1);
  }

  @Test
  void shouldDescribeTheDefaultTopologyWhenNoTopologyOptionIsSet() {
    // Given only the bootstrap servers
    final IrlsConfig config = new IrlsConfig(MINIMAL);

    // When the topology's settings are read from it
    final TopologySettings settings = config.topologySettings();

    // Then they are the topology's own defaults
    assertThat(settings).isEqualTo(TopologySettings.defaults());
  }

  @Test
  void shouldCarryEveryTopologyOptionIntoTheSettings() {
    // Given every topology option set away from its default
    final Map<String, Object> props = new HashMap<>(MINIMAL);
    props.put("input.topic", "in");
    props.put("output.topic", "out");
    props.put("dlq.topic", "dead");
    props.put("model.specs.topic", "specs");
    props.put("input.format", "JSON");
    props.put("window.events", "7");
    props.put("window.ms", "8");
    props.put("idle.close.ms", "9");
    props.put("grace.ms", "10");
    props.put("step.mode", " Newton ");
    props.put("lambda", "0.25");
    props.put("lambda.intercept", "0.5");
    props.put("gamma", "0.75");
    props.put("max.iterations", "11");
    props.put("publish.covariance", "true");

    // When the topology's settings are read from it
    final TopologySettings settings = new IrlsConfig(props).topologySettings();

    // Then each option lands in its own component
    assertThat(settings).isEqualTo(TopologySettings.builder()
        .eventsTopic("in")
        .coefficientsTopic("out")
        .deadLetterTopic("dead")
        .modelSpecsTopic("specs")
        .inputFormat(EventFormat.JSON)
        .windowEvents(7)
        .windowMs(8)
        .idleCloseMs(9)
        .graceMs(10)
        .stepMode(StepMode.NEWTON)
        .lambda(0.25)
        .lambdaIntercept(0.5)
        .gamma(0.75)
        .maxIterations(11)
        .publishCovariance(true)
        .build());
  }

  @Test
  void shouldHaveNoScoringStreamUnlessItsTopicIsSet() {
    // Given only the bootstrap servers, and then a blank scoring topic
    final IrlsConfig unset = new IrlsConfig(MINIMAL);
    final IrlsConfig blank = new IrlsConfig(minimalWith("scoring.input.topic", "  "));

    // When / Then there is no scoring stream, and predictions would go to the documented default topic
    assertThat(unset.scoringStream()).isEmpty();
    assertThat(unset.topologySettings().scoring()).isEmpty();
    assertThat(blank.scoringStream()).isEmpty();
    assertThat(unset.predictionsTopic()).isEqualTo("irls.predictions");
    assertThat(unset.scoringInputFormat()).isEqualTo(ScoringRequestFormat.AVRO);
  }

  @Test
  void shouldCarryTheScoringStreamIntoTheSettings() {
    // Given a scoring topic, its format and a predictions topic
    final Map<String, Object> props = new HashMap<>(MINIMAL);
    props.put("scoring.input.topic", "requests");
    props.put("scoring.input.format", "JSON");
    props.put("predictions.topic", "answers");

    // When the topology's settings are read from it
    final TopologySettings settings = new IrlsConfig(props).topologySettings();

    // Then they carry the scoring stream, everything else at its default
    assertThat(settings).isEqualTo(TopologySettings.builder()
        .scoring(new ScoringStream("requests", ScoringRequestFormat.JSON, "answers"))
        .build());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "scoring.input.topic, irls.events,        'must be neither input.topic nor model.specs.topic'",
    "scoring.input.topic, irls.model-specs,   'must be neither input.topic nor model.specs.topic'",
    "predictions.topic,   irls.events,        'must not be a topic the application reads'",
    "predictions.topic,   requests,           'must not be a topic the application reads'",
  })
  void shouldRefuseAScoringStreamThatWouldReadItsOwnTopics(final String name, final String value,
      final String expected) {
    // Given a scoring stream on topic requests, and one of its topics set to a topic the application reads
    final Map<String, Object> props = minimalWith("scoring.input.topic", "requests");
    props.put(name, value);

    // When / Then
    assertThatThrownBy(() -> new IrlsConfig(props))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name)
        .hasMessageContaining(expected);
  }

  @Test
  void shouldRequireBootstrapServers() {
    // Given / When / Then
    assertThatThrownBy(() -> new IrlsConfig(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bootstrap.servers");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "bootstrap.servers, '',                   host:port",
    "window.events,     0,                    at least 1",
    "window.ms,         -5,                   at least 1",
    "grace.ms,          -1,                   at least 0",
    "lambda,            -1e-3,                at least 0",
    "lambda.intercept,  NaN,                  finite",
    "gamma,             0,                    '(0, 1]'",
    "gamma,             1.01,                 '(0, 1]'",
    "step.mode,         gradient,             'renewable, newton'",
    "input.format,      protobuf,             'avro, json'",
    "scoring.input.format, registry-avro,     'avro, json'",
    "predictions.topic, '',                   non-empty",
    "processing.guarantee, exactly_once,      exactly_once_v2",
    "http.port,         70000,                65535",
    "topic.partitions,  0,                    at least 1",
    "window.events,     many,                 Not a number",
  })
  void shouldRejectInvalidValuesNamingTheOption(
      final String name, final String value, final String expected) {
    // Given
    final Map<String, Object> props = minimalWith(name, value);

    // When / Then
    assertThatThrownBy(() -> new IrlsConfig(props))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name)
        .hasMessageContaining(expected);
  }

  @Test
  void shouldAcceptBoundaryAndCaseInsensitiveValues() {
    // Given
    final Map<String, Object> props = new HashMap<>(MINIMAL);
    props.put("gamma", "1.0");
    props.put("lambda", "0");
    props.put("step.mode", "NEWTON");
    props.put("input.format", "Json");

    // When
    final IrlsConfig config = new IrlsConfig(props);

    // Then
    assertThat(config.gamma()).isEqualTo(1.0);
    assertThat(config.lambda()).isZero();
    assertThat(config.stepMode()).isEqualTo("newton");
    assertThat(config.inputFormat()).isEqualTo(EventFormat.JSON);
  }

  @Test
  void shouldPassUnknownPropertiesThroughToStreamsUnchanged() {
    // Given
    final Map<String, Object> props = new HashMap<>(MINIMAL);
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", "PLAIN");
    props.put("ssl.truststore.location", "/etc/kafka/truststore.jks");
    props.put("num.stream.threads", "2");
    props.put("producer.linger.ms", "5");
    props.put("window.events", "250");
    props.put("commit.interval.ms", "1000");

    // When
    final Properties streams = new IrlsConfig(props).streamsProperties();

    // Then
    assertThat(streams)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
        .containsEntry("num.stream.threads", "2")
        .containsEntry("producer.linger.ms", "5")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092")
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "irls-streams")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000L)
        .containsKey(StreamsConfig.STATE_DIR_CONFIG)
        .doesNotContainKey("window.events")
        .doesNotContainKey("input.topic");
    // and Kafka Streams itself accepts the result
    assertThat(new StreamsConfig(streams).getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo("exactly_once_v2");
  }

  @Test
  void shouldGiveClientsTheSecuritySettingsButNotStreamsOnlyOnes() {
    // Given
    final Map<String, Object> props = new HashMap<>(MINIMAL);
    props.put("security.protocol", "SSL");
    props.put("num.stream.threads", "2");
    props.put("producer.linger.ms", "5");

    // When
    final Map<String, Object> admin = new IrlsConfig(props).adminProperties();

    // Then
    assertThat(admin)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("bootstrap.servers", "localhost:9092")
        .doesNotContainKeys("num.stream.threads", "producer.linger.ms", "application.id");
  }

  @Test
  void shouldLoadAPropertiesFileAndApplyOverridesOnTop(@TempDir final Path dir) throws IOException {
    // Given
    final Path file = dir.resolve("irls.properties");
    Files.writeString(
        file,
        String.join(
            "\n",
            "bootstrap.servers=broker-1:9092,broker-2:9092",
            "window.events = 500",
            "gamma=0.99",
            "ssl.keystore.type=PKCS12",
            ""));

    // When
    final IrlsConfig config = IrlsConfig.load(file, Map.of("gamma", "0.95", "lambda", 0.5));

    // Then
    assertThat(config.bootstrapServers()).containsExactly("broker-1:9092", "broker-2:9092");
    assertThat(config.windowEvents()).isEqualTo(500L);
    assertThat(config.gamma()).isEqualTo(0.95);
    assertThat(config.lambda()).isEqualTo(0.5);
    assertThat(config.streamsProperties()).containsEntry("ssl.keystore.type", "PKCS12");
  }

  @Test
  void shouldReportAnUnreadableFile(@TempDir final Path dir) {
    // Given
    final Path missing = dir.resolve("nope.properties");

    // When / Then
    assertThatThrownBy(() -> IrlsConfig.load(missing, Map.of()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("nope.properties");
  }

  @Test
  void shouldApplyOverridesToAnExistingConfig() {
    // Given
    final IrlsConfig config = new IrlsConfig(MINIMAL);

    // When
    final IrlsConfig changed = config.with(Map.of("bootstrap.servers", "localhost:19092"));

    // Then
    assertThat(changed.bootstrapServers()).containsExactly("localhost:19092");
    assertThat(config.bootstrapServers()).containsExactly("localhost:9092");
  }

  @Test
  void shouldRenderEveryOptionAsAMarkdownRow() {
    // Given
    final List<String> names = List.copyOf(IrlsConfig.configDef().names());

    // When
    final String table = IrlsConfig.markdownTable();

    // Then
    assertThat(table).startsWith("| option | default | valid values | description |\n|---|");
    assertThat(table.lines().count()).isEqualTo(names.size() + 2);
    for (final String name : names) {
      assertThat(table).contains("| `" + name + "` |");
    }
    assertThat(table)
        .contains("| `bootstrap.servers` | (required) |")
        .contains("| `gamma` | `1.0` | (0, 1] |")
        .contains("| `state.dir` | `${user.home}/.irls-streams/state` |");
    assertThat(table.lines()).allSatisfy(line -> assertThat(line.split("(?<!\\\\)\\|")).hasSize(5));
  }

  @Test
  void shouldBeTheTableTheReadmeShows() throws IOException {
    // Given the README (the tests run in the project directory)
    final String readme = Files.readString(Paths.get("README.md"));

    // When the table is rendered from the definitions
    final String table = IrlsConfig.markdownTable();

    // Then the README carries it unchanged: paste the rendered table there after changing an option
    assertThat(readme).contains(table);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      http://alice:s3cret@registry:8081          | Credentials do not belong in the URL
      http://alice:s3cret@schema_registry:8081   | Credentials do not belong in the URL
      alice:s3cret@registry:8081                 | Credentials do not belong in the URL
      ftp://alice:s3cret@registry:8081           | Credentials do not belong in the URL
      """)
  void shouldRefuseARegistryUrlWithCredentialsNeverEchoingIt(final String url, final String message) {
    // When a schema registry URL carries credentials, however java.net.URI parses it
    // Then it is refused, saying why, and the value (it holds a secret) is not in the message
    assertThatThrownBy(() -> new IrlsConfig(minimalWith("schema.registry.url", url)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("s3cret");
  }
}
