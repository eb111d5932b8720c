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

/** {@code GET /models/{key}/history} on a running application answers from the history store. */
class HistoryIT extends KafkaIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void shouldServeTheLastUpdatesOfAKeyFromTheHistoryStore(@TempDir final Path state) throws Exception {
    // Given a running application with windows of 200 events
    final String id = "history-" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, Object> props = new HashMap<>();
    props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(IrlsConfig.APPLICATION_ID_CONFIG, id);
    props.put(IrlsConfig.INPUT_TOPIC_CONFIG, id + ".events");
    props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, id + ".coefficients");
    props.put(IrlsConfig.DLQ_TOPIC_CONFIG, id + ".dlq");
    props.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, id + ".specs");
    props.put(IrlsConfig.WINDOW_EVENTS_CONFIG, 200L);
    props.put(IrlsConfig.WINDOW_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.IDLE_CLOSE_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.HTTP_PORT_CONFIG, 0);
    props.put(IrlsConfig.STATE_DIR_CONFIG, state.toString());
    final IrlsConfig config = new IrlsConfig(props);
    try (IrlsApplication app = IrlsApplication.start(config)) {
      final String base = app.httpAddress().orElseThrow();

      // When 1,000 events of one simulated model arrive (five windows)
      final Simulator.Truth truth = Simulator.demoModels().get(1);
      final Simulator simulator = new Simulator(List.of(truth), 5);
      final Serializer<LabeledEvent> serializer = EventFormat.AVRO.serde().serializer();
      try (Producer<String, byte[]> producer = KafkaIo.eventProducer(config.clientProperties())) {
        for (int i = 0; i < 1000; i++) {
          final Simulator.Event e = simulator.next(0);
          final List<Double> x = new ArrayList<>();
          for (final double v : e.features()) {
            x.add(v);
          }
          final LabeledEvent event = LabeledEvent.newBuilder().setFeatures(x).setLabel(e.label()).build();
          producer.send(new ProducerRecord<>(config.inputTopic(), e.key(), serializer.serialize("", event)));
        }
      }
      final String path = "/models/" + truth.key().replace("/", "%2F");
      final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      JsonNode model = null;
      while (System.nanoTime() < deadline) {
        final HttpResponse<String> r = get(base + path);
        if (r.statusCode() == 200) {
          model = JSON.readTree(r.body());
          if (model.get("version").asLong() == 5) {
            break;
          }
        }
        Thread.sleep(200);
      }
      assertThat(model).as("no model within 90 s").isNotNull();
      assertThat(model.get("version").asLong()).isEqualTo(5);

      // Then its last three updates are versions 3, 4 and 5, newest last, the newest equal to the model
      final HttpResponse<String> response = get(base + path + "/history?limit=3");
      assertThat(response.statusCode()).isEqualTo(200);
      final JsonNode updates = JSON.readTree(response.body()).get("updates");
      assertThat(updates).hasSize(3);
      for (int i = 0; i < 3; i++) {
        final JsonNode u = updates.get(i);
        assertThat(u.get("version").asLong()).isEqualTo(3 + i);
        assertThat(u.get("events_total").asLong()).isEqualTo(200L * (3 + i));
        assertThat(u.get("window_events").asLong()).isEqualTo(200);
        assertThat(u.get("status").asText()).isEqualTo("OK");
        assertThat(u.get("coefficients")).hasSize(4);
        assertThat(u.get("std_errors")).hasSize(4);
      }
      final JsonNode newest = updates.get(2);
      for (int j = 0; j < 4; j++) {
        assertThat(newest.get("coefficients").get(j).asDouble())
            .isEqualTo(model.get("coefficients").get(j).get("estimate").asDouble());
        assertThat(newest.get("std_errors").get(j).asDouble())
            .isEqualTo(model.get("coefficients").get(j).get("std_error").asDouble());
      }
      // And the whole history has all five, an unknown key is a JSON 404
      assertThat(JSON.readTree(get(base + path + "/history").body()).get("updates")).hasSize(5);
      assertThat(get(base + "/models/no-such-model/history").statusCode()).isEqualTo(404);
    }
  }

  private HttpResponse<String> get(final String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
