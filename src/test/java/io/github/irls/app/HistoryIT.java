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

/** {@code GET /models/{key}/history} on a running application answers from the history store. */
class HistoryIT extends KafkaIntegrationTest {

  @Test
  void shouldServeTheLastUpdatesOfAKeyFromTheHistoryStore(@TempDir final Path state) throws Exception {
    // Given a running application with windows of 200 events
    final AppFixture fixture = application("history", state).windowEvents(200).create();
    try (RunningApp app = fixture.start()) {

      // When 1,000 events of one simulated model arrive (five windows)
      final Simulator.Truth truth = Simulator.demoModels().get(1);
      fixture.produceSimulated(truth, 5, 1000);
      final String path = RunningApp.modelPath(truth.key());
      final Optional<JsonNode> served = app.awaitModel(truth.key(), 5);
      assertThat(served).as("no model within 90 s").isPresent();
      final JsonNode model = served.get();
      assertThat(model.get("version").asLong()).isEqualTo(5);

      // Then its last three updates are versions 3, 4 and 5, newest last, the newest equal to the model
      final HttpResponse<String> response = app.get(path + "/history?limit=3");
      assertThat(response.statusCode()).isEqualTo(200);
      final JsonNode updates = RunningApp.json(response).get("updates");
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
      // And the answer carries the threshold drift_suspected was decided by (drift.z.threshold's default)
      assertThat(RunningApp.json(response).get("drift_z_threshold").asDouble()).isEqualTo(4.0);
      // And the whole history has all five, an unknown key is a JSON 404
      assertThat(app.getJson(path + "/history").get("updates")).hasSize(5);
      assertThat(app.get("/models/no-such-model/history").statusCode()).isEqualTo(404);
    }
  }
}
