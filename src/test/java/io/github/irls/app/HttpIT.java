package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.Simulator;
import io.github.irls.serde.EventFormat;
import io.github.irls.testing.KafkaIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /models/{key}} on a running application answers from its state stores. */
class HttpIT extends KafkaIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void shouldServeTheLatestModelWithItsStandardErrors(@TempDir final Path state) throws Exception {
    // Given a running application with windows of 500 events
    final String id = "http-" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, Object> props = new HashMap<>();
    props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(IrlsConfig.APPLICATION_ID_CONFIG, id);
    props.put(IrlsConfig.INPUT_TOPIC_CONFIG, id + ".events");
    props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, id + ".coefficients");
    props.put(IrlsConfig.DLQ_TOPIC_CONFIG, id + ".dlq");
    props.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, id + ".specs");
    props.put(IrlsConfig.WINDOW_EVENTS_CONFIG, 500L);
    props.put(IrlsConfig.WINDOW_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.IDLE_CLOSE_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.HTTP_PORT_CONFIG, 0);
    props.put(IrlsConfig.STATE_DIR_CONFIG, state.toString());
    final IrlsConfig config = new IrlsConfig(props);
    try (IrlsApplication app = IrlsApplication.start(config)) {
      final String base = app.httpAddress().orElseThrow();

      // When 1,500 events of one simulated model arrive
      final Simulator.Truth truth = Simulator.demoModels().get(0);
      final Simulator simulator = new Simulator(List.of(truth), 3);
      final Serializer<LabeledEvent> serializer = EventFormat.AVRO.serde().serializer();
      try (Producer<String, byte[]> producer = KafkaIo.eventProducer(config.clientProperties())) {
        for (int i = 0; i < 1500; i++) {
          final Simulator.Event e = simulator.next(0);
          final List<Double> x = new ArrayList<>();
          for (final double v : e.features()) {
            x.add(v);
          }
          final LabeledEvent event = LabeledEvent.newBuilder().setFeatures(x).setLabel(e.label()).build();
          producer.send(new ProducerRecord<>(config.inputTopic(), e.key(), serializer.serialize("", event)));
        }
      }

      // Then GET /models/{key} shows the third version: coefficients, SEs, events_total, status
      final String path = "/models/" + truth.key().replace("/", "%2F");
      JsonNode model = null;
      final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        final HttpResponse<String> r = get(base + path);
        if (r.statusCode() == 200) {
          model = JSON.readTree(r.body());
          if (model.get("version").asLong() == 3) {
            break;
          }
        }
        Thread.sleep(200);
      }
      assertThat(model).as("no version 3 of the model within 90 s").isNotNull();
      assertThat(model.get("model").asText()).isEqualTo(truth.key());
      assertThat(model.get("version").asLong()).isEqualTo(3);
      assertThat(model.get("events_total").asLong()).isEqualTo(1500);
      assertThat(model.get("status").asText()).isEqualTo("OK");
      final JsonNode coefficients = model.get("coefficients");
      assertThat(coefficients).hasSize(4);
      assertThat(coefficients.get(0).get("name").asText()).isEqualTo("intercept");
      for (final JsonNode c : coefficients) {
        assertThat(c.get("std_error").asDouble()).isPositive().isLessThan(1.0);
        assertThat(Double.isFinite(c.get("estimate").asDouble())).isTrue();
      }

      // And /health is ready, /models lists the key, an unknown key is a JSON 404
      final HttpResponse<String> health = get(base + "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(health.body()).get("ready").asBoolean()).isTrue();
      final JsonNode list = JSON.readTree(get(base + "/models").body());
      assertThat(list.get("models").get(0).get("model").asText()).isEqualTo(truth.key());
      final HttpResponse<String> missing = get(base + "/models/no-such-model");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(missing.body()).get("error").asText()).contains("no-such-model");
    }
  }

  private HttpResponse<String> get(final String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
