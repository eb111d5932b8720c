package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.irls.demo.Simulator;
import io.github.irls.testing.AppFixture;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunningApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /models/{key}} on a running application answers from its state stores. */
class HttpIT extends KafkaIntegrationTest {

  @Test
  void shouldServeTheLatestModelWithItsStandardErrors(@TempDir final Path state) throws Exception {
    // Given a running application with windows of 500 events
    final AppFixture fixture = application("http", state).windowEvents(500).create();
    try (RunningApp app = fixture.start()) {

      // When 1,500 events of one simulated model arrive
      final Simulator.Truth truth = Simulator.demoModels().get(0);
      fixture.produceSimulated(truth, 3, 1500);

      // Then GET /models/{key} shows the third version: coefficients, SEs, events_total, status
      final Optional<JsonNode> served = app.awaitModel(truth.key(), 3);
      assertThat(served).as("no version 3 of the model within 90 s").isPresent();
      final JsonNode model = served.get();
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
      final HttpResponse<String> health = app.get("/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(RunningApp.json(health).get("ready").asBoolean()).isTrue();
      final JsonNode list = app.getJson("/models");
      assertThat(list.get("models").get(0).get("model").asText()).isEqualTo(truth.key());
      final HttpResponse<String> missing = app.get("/models/no-such-model");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(RunningApp.json(missing).get("error").asText()).contains("no-such-model");
    }
  }
}
