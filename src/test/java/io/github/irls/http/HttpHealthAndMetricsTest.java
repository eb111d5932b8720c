package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.config.IrlsConfig;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code /health} (liveness), {@code /ready} (readiness) and {@code /metrics}. */
class HttpHealthAndMetricsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private volatile KafkaStreams.State state = KafkaStreams.State.RUNNING;
  private HttpApi api;

  @BeforeEach
  void start() throws Exception {
    final IrlsConfig defaults = new IrlsConfig(Map.of("bootstrap.servers", "b:9092"));
    api = HttpApi.start(defaults.httpHost(), 0, new ModelQueries() {
      @Override
      public Optional<ModelView> model(final String key) {
        return Optional.empty();
      }

      @Override
      public List<String> keys(final int offset, final int limit) {
        return List.of();
      }

      @Override
      public Health health() {
        return new Health(state.name(), state == KafkaStreams.State.RUNNING);
      }
    }, () -> "# HELP irls_models Models\n# TYPE irls_models gauge\nirls_models 3.0\n");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void shouldBeAliveButNotReadyWhileRebalancing() throws Exception {
    // Given an application that is rebalancing
    state = KafkaStreams.State.REBALANCING;

    // When liveness and readiness are asked
    final HttpResponse<String> health = get("/health");
    final HttpResponse<String> ready = get("/ready");

    // Then it is alive (no restart wanted) but not ready for queries
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).isEqualTo(503);
    final JsonNode body = JSON.readTree(ready.body());
    assertThat(body.get("state").asText()).isEqualTo("REBALANCING");
    assertThat(body.get("live").asBoolean()).isTrue();
    assertThat(body.get("ready").asBoolean()).isFalse();
  }

  @Test
  void shouldBeNeitherAliveNorReadyAfterAnError() throws Exception {
    // Given an application whose stream threads failed
    state = KafkaStreams.State.ERROR;

    // When / Then both answer 503
    assertThat(get("/health").statusCode()).isEqualTo(503);
    assertThat(get("/ready").statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(get("/health").body()).get("live").asBoolean()).isFalse();
  }

  @Test
  void shouldBeReadyWhenRunning() throws Exception {
    // Given a running application (the default)
    // When / Then
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    assertThat(get("/health").statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(KafkaStreams.State.class)
  void shouldCallOnlyErrorAndNotRunningDead(final KafkaStreams.State s) {
    // Given / When
    final boolean live = new ModelQueries.Health(s.name(), false).live();

    // Then
    final boolean dead = s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR
        || s == KafkaStreams.State.NOT_RUNNING;
    assertThat(live).isEqualTo(!dead);
  }

  @Test
  void shouldServeTheMetricsAsPrometheusText() throws Exception {
    // Given / When
    final HttpResponse<String> metrics = get("/metrics");

    // Then
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).contains("irls_models 3.0");
    assertThat(get("/metrics/more").statusCode()).isEqualTo(404);
  }

  @Test
  void shouldListenOnLoopbackWithTheDefaultConfiguration() throws Exception {
    // Given the server started with the default http.host
    // When its address is asked
    final String host = URI.create(api.address()).getHost();

    // Then it is 127.0.0.1
    assertThat(host).isEqualTo("127.0.0.1");
    assertThat(InetAddress.getByName(host).isLoopbackAddress()).isTrue();
  }

  private HttpResponse<String> get(final String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(api.address() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
