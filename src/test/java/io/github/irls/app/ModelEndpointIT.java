package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.avro.ModelSpec;
import io.github.irls.demo.Simulator;
import io.github.irls.testing.AppFixture;
import io.github.irls.testing.Await;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunningApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.net.http.HttpResponse;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /models/{key}} serves what the last {@code CoefficientUpdate} of the key on the
 * coefficients topic says, field for field: the endpoint and the topic are two views of one model.
 */
class ModelEndpointIT extends KafkaIntegrationTest {

  private static final int WINDOW = 200;
  private static final int WINDOWS = 3;

  @Test
  void shouldServeTheLastPublishedUpdateWithDefaultNamesWhenTheModelHasNoSpec(@TempDir final Path state)
      throws Exception {
    // Given a running application with windows of 200 events and no model spec
    final AppFixture fixture = application("endpoint-plain", state).windowEvents(WINDOW).create();
    try (RunningApp app = fixture.start()) {

      // When three windows of a simulated model with three features arrive
      final Simulator.Truth truth = Simulator.demoModels().get(0);
      fixture.produceSimulated(truth, 7, WINDOW * WINDOWS);

      // Then the endpoint and the last update agree, and both name the coefficients intercept, x1..x3
      final Served served = awaitBoth(fixture, app, truth.key());
      assertAgree(served);
      assertThat(names(served.model())).containsExactly("intercept", "x1", "x2", "x3");
      assertThat(served.update().getFeatureNames()).containsExactly("intercept", "x1", "x2", "x3");
    }
  }

  @Test
  void shouldServeTheLastPublishedUpdateWithTheSpecsNamesAndTheStepsReason(@TempDir final Path state)
      throws Exception {
    // Given a model spec that names the features and sets no prior at all, published before the events
    final AppFixture fixture = application("endpoint-spec", state).windowEvents(WINDOW).create();
    final String key = "propensity/named";
    fixture.publishSpec(key, ModelSpec.newBuilder()
        .setFeatureNames(List.of("age", "income", "visits"))
        .setLambda(0.0)
        .setLambdaIntercept(0.0)
        .build());
    try (RunningApp app = fixture.start()) {

      // When three windows arrive whose third feature is the sum of the other two (collinear), so
      // that every step has something to say in its status_reason
      fixture.produce(key, collinearEvents(WINDOW * WINDOWS, 13));

      // Then the endpoint and the last update agree, both carry the spec's names, and the reason
      // compared is a real one
      final Served served = awaitBoth(fixture, app, key);
      assertThat(served.update().getStatusReason()).isNotEmpty();
      assertAgree(served);
      assertThat(names(served.model())).containsExactly("intercept", "age", "income", "visits");
      assertThat(served.update().getFeatureNames()).containsExactly("intercept", "age", "income", "visits");
    }
  }

  @Test
  void shouldStopScoringAModelResetByASpecTombstoneUntilAWindowCloses(@TempDir final Path state) throws Exception {
    // Given a model with one closed window, which scores
    final AppFixture fixture = application("endpoint-reset", state).windowEvents(WINDOW).create();
    try (RunningApp app = fixture.start()) {
      final Simulator.Truth truth = Simulator.demoModels().get(0);
      fixture.produceSimulated(truth, 3, WINDOW);
      assertThat(app.awaitModel(truth.key(), 1)).isPresent();
      final String score = RunningApp.modelPath(truth.key()) + "/score";
      assertThat(app.post(score, "{\"features\": [0.5, -1.0, 2.0]}").statusCode()).isEqualTo(200);

      // When a tombstone on the model-specs topic resets it
      fixture.send(List.of(new org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>(
          fixture.config().modelSpecsTopic(), truth.key(), null)));
      final HttpResponse<String> reset = Await.until(() -> app.get(RunningApp.modelPath(truth.key())),
          r -> r.statusCode() == 200 && "RESET".equals(RunningApp.json(r).get("status").asText()));

      // Then the model is still shown, as reset, but it is only its prior: no scores, no draws, like the
      // scoring stream's NO_MODEL
      assertThat(RunningApp.json(reset).get("status").asText()).isEqualTo("RESET");
      final HttpResponse<String> refused = app.post(score, "{\"features\": [0.5, -1.0, 2.0]}");
      assertThat(refused.statusCode()).isEqualTo(404);
      assertThat(refused.body()).contains("no model with key");
      assertThat(app.get(RunningApp.modelPath(truth.key()) + "/sample").statusCode()).isEqualTo(404);
    }
  }

  /** What {@code GET /models/{key}} served and the last update of the key on the topic. */
  private record Served(JsonNode model, CoefficientUpdate update) {}

  /**
   * Waits until the endpoint shows the last window's version and that update is committed on the
   * topic (the store is written inside the transaction that publishes it, so it can be seen first).
   */
  private static Served awaitBoth(final AppFixture fixture, final RunningApp app, final String key) throws Exception {
    final Optional<JsonNode> model = app.awaitModel(key, WINDOWS);
    assertThat(model).as("no version %d of %s served", WINDOWS, key).isPresent();
    assertThat(model.get().get("version").asLong()).isEqualTo(WINDOWS);
    final Optional<CoefficientUpdate> update =
        Await.until(() -> fixture.lastUpdate(key), u -> u.isPresent() && u.get().getVersion() == WINDOWS);
    assertThat(update).as("no version %d of %s committed on the topic", WINDOWS, key).isPresent();
    assertThat(update.get().getVersion()).isEqualTo(WINDOWS);
    return new Served(model.get(), update.get());
  }

  /** Every field the endpoint shares with the update, each reported on its own when it differs. */
  private static void assertAgree(final Served served) {
    final JsonNode model = served.model();
    final CoefficientUpdate update = served.update();
    final SoftAssertions fields = new SoftAssertions();
    fields.assertThat(model.get("model").asText()).as("model key").isEqualTo(update.getModelKey());
    fields.assertThat(model.get("version").asLong()).as("version").isEqualTo(update.getVersion());
    fields.assertThat(names(model)).as("coefficient names").isEqualTo(update.getFeatureNames());
    fields.assertThat(column(model, "estimate")).as("estimates").isEqualTo(update.getCoefficients());
    fields.assertThat(column(model, "std_error")).as("standard errors").isEqualTo(update.getStdErrors());
    fields.assertThat(model.get("events_total").asLong()).as("events_total").isEqualTo(update.getEventsTotal());
    fields.assertThat(model.get("weight_total").asDouble()).as("weight_total").isEqualTo(update.getWeightTotal());
    fields.assertThat(model.get("status").asText()).as("status").isEqualTo(update.getStatus());
    fields.assertThat(model.get("status_reason").asText()).as("status_reason").isEqualTo(update.getStatusReason());
    fields.assertThat(model.get("window_end").asLong()).as("window_end").isEqualTo(update.getWindowEnd());
    fields.assertThat(nullable(model, "progressive_logloss")).as("progressive_logloss")
        .isEqualTo(update.getProgressiveLogloss());
    fields.assertThat(nullable(model, "progressive_brier")).as("progressive_brier")
        .isEqualTo(update.getProgressiveBrier());
    fields.assertThat(nullable(model, "expected_positives")).as("expected_positives")
        .isEqualTo(update.getExpectedPositives());
    fields.assertThat(nullable(model, "observed_positives")).as("observed_positives")
        .isEqualTo(update.getObservedPositives());
    fields.assertThat(nullable(model, "progressive_auc")).as("progressive_auc").isEqualTo(update.getProgressiveAuc());
    fields.assertThat(nullable(model, "progressive_auc_error_bound")).as("progressive_auc_error_bound")
        .isEqualTo(update.getProgressiveAucErrorBound());
    fields.assertThat(nullable(model, "logloss_z")).as("logloss_z").isEqualTo(update.getLoglossZ());
    fields.assertThat(model.get("drift_suspected").asBoolean()).as("drift_suspected")
        .isEqualTo(update.getDriftSuspected());
    fields.assertThat(update.getProgressiveLogloss()).as("a version past the first is scored").isNotNull();
    fields.assertAll();
  }

  /** A number field, or null when the JSON holds null. */
  private static Double nullable(final JsonNode model, final String field) {
    return model.get(field).isNumber() ? model.get(field).asDouble() : null;
  }

  private static List<String> names(final JsonNode model) {
    final List<String> names = new ArrayList<>();
    model.get("coefficients").forEach(c -> names.add(c.get("name").asText()));
    return names;
  }

  /** One number of every coefficient; a JSON null (the API's non-finite) is NaN, so that it cannot pass for 0. */
  private static List<Double> column(final JsonNode model, final String field) {
    final List<Double> values = new ArrayList<>();
    model.get("coefficients").forEach(c -> values.add(c.get(field).isNumber() ? c.get(field).asDouble() : Double.NaN));
    return values;
  }

  /** Events whose features are age, income and visits = age + income exactly, labels from a logistic model. */
  private static List<LabeledEvent> collinearEvents(final int count, final long seed) {
    final Random random = new Random(seed);
    final List<LabeledEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      final double age = random.nextGaussian();
      final double income = random.nextGaussian();
      final double eta = -0.5 + 0.8 * age - 0.4 * income;
      final double label = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1.0 : 0.0;
      events.add(AppFixture.event(new double[] {age, income, age + income}, label));
    }
    return events;
  }
}
