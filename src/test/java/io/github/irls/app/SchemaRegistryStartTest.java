package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.Prediction;
import io.github.irls.config.IrlsConfig;
import io.github.irls.testing.StubSchemaRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the application finds or registers at the schema registry when it starts: {@code
 * CoefficientUpdate} under {@code <output topic>-value} for framed updates and, with a scoring
 * stream, {@code Prediction} under {@code <predictions topic>-value} for framed predictions.
 */
class SchemaRegistryStartTest {

  private StubSchemaRegistry stub;

  @BeforeEach
  void start() throws Exception {
    stub = StubSchemaRegistry.start();
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  private IrlsConfig config(final String outputFormat, final boolean scoring) {
    final Map<String, Object> props = new HashMap<>();
    props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, "updates");
    props.put(IrlsConfig.OUTPUT_FORMAT_CONFIG, outputFormat);
    props.put(IrlsConfig.INPUT_FORMAT_CONFIG, "registry-avro");
    props.put(IrlsConfig.SCHEMA_REGISTRY_URL_CONFIG, stub.url().toString());
    if (scoring) {
      props.put(IrlsConfig.SCORING_INPUT_TOPIC_CONFIG, "requests");
      props.put(IrlsConfig.PREDICTIONS_TOPIC_CONFIG, "answers");
    }
    return new IrlsConfig(props);
  }

  @Test
  void shouldRegisterPredictionUnderThePredictionsTopicBesideCoefficientUpdate() {
    // Given framed output and a scoring stream, nothing registered yet
    final IrlsConfig config = config("registry-avro", true);

    // When the application's registry starts
    final Optional<SchemaRegistry> registry = SchemaRegistry.start(config);
    try {
      // Then each schema is registered under its own topic's subject, and the settings carry both ids
      assertThat(stub.requests())
          .contains("POST /subjects/updates-value/versions", "POST /subjects/answers-value/versions");
      final int updateId = stub.register("updates-value", CoefficientUpdate.getClassSchema());
      final int predictionId = stub.register("answers-value", Prediction.getClassSchema());
      assertThat(predictionId).isNotEqualTo(updateId);
      assertThat(SchemaRegistry.outputSchemaId(registry)).hasValue(updateId);
      assertThat(SchemaRegistry.predictionSchemaId(registry)).hasValue(predictionId);
      assertThat(config.topologySettings(SchemaRegistry.outputSchemaId(registry),
          SchemaRegistry.predictionSchemaId(registry)).predictionSchemaId()).hasValue(predictionId);
    } finally {
      registry.ifPresent(SchemaRegistry::close);
    }
  }

  @Test
  void shouldFindAPredictionSchemaRegisteredBefore() {
    // Given Prediction registered already under the predictions topic's subject
    final int predictionId = stub.register("answers-value", Prediction.getClassSchema());

    // When the application's registry starts
    final Optional<SchemaRegistry> registry = SchemaRegistry.start(config("registry-avro", true));
    try {
      // Then it frames predictions with that id, found without registering again
      assertThat(SchemaRegistry.predictionSchemaId(registry)).hasValue(predictionId);
      assertThat(stub.requests()).contains("POST /subjects/answers-value")
          .doesNotContain("POST /subjects/answers-value/versions");
    } finally {
      registry.ifPresent(SchemaRegistry::close);
    }
  }

  @Test
  void shouldLeavePredictionsPlainWithoutFramedOutputOrWithoutAScoringStream() {
    // Given plain output with a scoring stream, and framed output without one
    // When the application's registry starts for each
    final Optional<SchemaRegistry> plainOutput = SchemaRegistry.start(config("avro", true));
    final Optional<SchemaRegistry> noScoring = SchemaRegistry.start(config("registry-avro", false));
    try {
      // Then neither has a Prediction id, and nothing was asked about the predictions topic
      assertThat(SchemaRegistry.predictionSchemaId(plainOutput)).isEmpty();
      assertThat(SchemaRegistry.outputSchemaId(plainOutput)).isEmpty();
      assertThat(SchemaRegistry.predictionSchemaId(noScoring)).isEmpty();
      assertThat(SchemaRegistry.outputSchemaId(noScoring)).isPresent();
      assertThat(stub.requests()).noneMatch(r -> r.contains("answers") || r.contains("irls.predictions"));
    } finally {
      plainOutput.ifPresent(SchemaRegistry::close);
      noScoring.ifPresent(SchemaRegistry::close);
    }
  }

  @Test
  void shouldRefuseToStartNamingPredictionWhenTheRegistryRefusesIt() {
    // Given a registry that refuses Prediction under the predictions topic's subject (incompatible)
    stub.refuseRegistration("answers-value");

    // When / Then the start fails with the same message as for CoefficientUpdate, naming schema and subject
    assertThatThrownBy(() -> SchemaRegistry.start(config("registry-avro", true)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot register Prediction under answers-value at the schema registry: ")
        .hasMessageContaining("HTTP 409");
  }
}
