package io.github.irls.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigSourcesTest {

  @TempDir Path dir;

  private Path file(final String text) throws Exception {
    final Path f = dir.resolve("irls.properties");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void shouldLetEachSourceOverrideTheOnesBeforeIt() throws Exception {
    // Given window.events in all four sources, window.ms in the first three, lambda in two, gamma in one
    final Path f = file("bootstrap.servers=file:9092\nwindow.events=1\nwindow.ms=1\nlambda=0.1\ngamma=0.5\n");
    final Map<String, String> env = Map.of("IRLS_WINDOW_EVENTS", "2", "IRLS_WINDOW_MS", "2", "IRLS_LAMBDA", "0.2");
    final Map<String, String> definitions = Map.of("window.events", "3", "window.ms", "3");
    final Map<String, Object> flags = Map.of("window.events", 4L);

    // When they are resolved
    final IrlsConfig config = ConfigSources.resolve(Optional.of(f), env, definitions, flags);

    // Then flags > -D > environment > file > defaults
    assertThat(config.windowEvents()).isEqualTo(4L);
    assertThat(config.windowMs()).isEqualTo(3L);
    assertThat(config.lambda()).isEqualTo(0.2);
    assertThat(config.gamma()).isEqualTo(0.5);
    assertThat(config.bootstrapServers()).containsExactly("file:9092");
    assertThat(config.idleCloseMs()).isEqualTo(60_000L);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "IRLS_WINDOW_EVENTS,        window.events",
    "IRLS_SASL_JAAS_CONFIG,     sasl.jaas.config",
    "IRLS_PRODUCER_LINGER_MS,   producer.linger.ms",
    "IRLS_SOME__NAME,           some_name",
    "IRLS_SOME___NAME,          some-name",
  })
  void shouldMapEnvironmentVariablesToOptionNames(final String variable, final String option) {
    // Given / When
    final Map<String, String> options = ConfigSources.fromEnvironment(Map.of(variable, " v "));

    // Then
    assertThat(options).containsExactly(Map.entry(option, "v"));
  }

  @Test
  void shouldIgnoreVariablesWithoutThePrefix() {
    // Given / When
    final Map<String, String> options =
        ConfigSources.fromEnvironment(Map.of("PATH", "/bin", "WINDOW_EVENTS", "5", "IRLS_", "x"));

    // Then
    assertThat(options).isEmpty();
  }

  @Test
  void shouldPassKafkaSecuritySettingsThroughUnchanged() throws Exception {
    // Given SASL/SSL settings from a file, the environment and -D
    final String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required "
        + "username=\"app\" password=\"p@ss=word\";";
    final Path f = file("bootstrap.servers=b:9093\nsecurity.protocol=SASL_SSL\nssl.truststore.location=/etc/t.jks\n");
    final Map<String, String> env = Map.of("IRLS_SASL_MECHANISM", "PLAIN", "IRLS_SSL_TRUSTSTORE_PASSWORD", "tpw");
    final Map<String, String> definitions = Map.of("sasl.jaas.config", jaas);

    // When they are resolved
    final IrlsConfig config = ConfigSources.resolve(Optional.of(f), env, definitions, Map.of());

    // Then Kafka Streams and the plain clients get each of them unchanged
    final Properties streams = config.streamsProperties();
    final Map<String, Object> client = config.clientProperties();
    final Map<String, String> expected = Map.of("security.protocol", "SASL_SSL",
        "ssl.truststore.location", "/etc/t.jks", "sasl.mechanism", "PLAIN",
        "ssl.truststore.password", "tpw", "sasl.jaas.config", jaas);
    expected.forEach((name, value) -> {
      assertThat(streams.get(name)).as(name).isEqualTo(value);
      assertThat(client.get(name)).as(name).isEqualTo(value);
    });
  }

  @Test
  void shouldHideTheValuesOfSecretNamesOnly() {
    // Given settings with secrets among them
    final Map<String, Object> props = new HashMap<>();
    props.put("sasl.jaas.config", "PlainLoginModule required password=\"x1\";");
    props.put("ssl.keystore.password", "x2");
    props.put("ssl.key.password", "x3");
    props.put("sasl.oauthbearer.client.credentials.client.secret", "x4");
    props.put("SASL_TOKEN", "x5");
    props.put("schema.registry.basic.auth.user.info", "u:x6");
    props.put("schema.registry.ssl.truststore.password", "x7");
    props.put("schema.registry.url", "http://registry:8081");
    props.put("bootstrap.servers", "b:9092");
    props.put("window.events", 500L);

    // When they are redacted for the log
    final Map<String, String> safe = ConfigSources.redacted(props);

    // Then no secret value is left, the others are shown as they are
    assertThat(safe.toString()).doesNotContain("x1", "x2", "x3", "x4", "x5", "x6", "x7");
    assertThat(safe).containsEntry("ssl.keystore.password", ConfigSources.HIDDEN)
        .containsEntry("sasl.jaas.config", ConfigSources.HIDDEN)
        .containsEntry("SASL_TOKEN", ConfigSources.HIDDEN)
        .containsEntry("schema.registry.basic.auth.user.info", ConfigSources.HIDDEN)
        .containsEntry("schema.registry.url", "http://registry:8081")
        .containsEntry("bootstrap.servers", "b:9092")
        .containsEntry("window.events", "500");
  }

  @Test
  void shouldHideTheHttpServersSecretsButShowItsCredentialsFile() {
    // Given the HTTP server's TLS and authentication settings
    final Map<String, Object> props = new HashMap<>();
    props.put("http.ssl.keystore.password", "y1");
    props.put("http.ssl.key.password", "y2");
    props.put("http.ssl.truststore.password", "y3");
    props.put("http.auth.token", "y4");
    props.put("http.auth.peer.user.info", "peer:y5");
    props.put("http.auth.credentials.file", "/etc/irls/users");
    props.put("http.auth", "basic");

    // When they are redacted for the log
    final Map<String, String> safe = ConfigSources.redacted(props);

    // Then no secret is left; where the users are and the scheme are shown
    assertThat(safe.toString()).doesNotContain("y1", "y2", "y3", "y4", "y5");
    assertThat(safe).containsEntry("http.auth.credentials.file", "/etc/irls/users")
        .containsEntry("http.auth", "basic");
  }

  @Test
  void shouldHideEveryPasswordOptionOfTheConfiguration() {
    // Given every option defined as a password (a secret)
    final List<String> passwords = IrlsConfig.configDef().configKeys().values().stream()
        .filter(key -> key.type == ConfigDef.Type.PASSWORD).map(key -> key.name).toList();

    // Then the log hides each of them by its name
    assertThat(passwords).contains("http.auth.token", "http.ssl.keystore.password", "schema.registry.basic.auth.user.info");
    assertThat(passwords).allSatisfy(name -> assertThat(ConfigSources.isSecret(name)).as(name).isTrue());
  }

  @Test
  void shouldBindTheHttpServerToLoopbackByDefault() {
    // Given / When only the bootstrap servers are configured
    final IrlsConfig config = ConfigSources.resolve(Optional.empty(), Map.of(),
        Map.of("bootstrap.servers", "b:9092"), Map.of());

    // Then HTTP listens on 127.0.0.1, unless configured otherwise
    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(ConfigSources.resolve(Optional.empty(), Map.of("IRLS_HTTP_HOST", "0.0.0.0"),
        Map.of("bootstrap.servers", "b:9092"), Map.of()).httpHost()).isEqualTo("0.0.0.0");
  }
}
