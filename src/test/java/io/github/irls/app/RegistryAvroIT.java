package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.avro.Prediction;
import io.github.irls.avro.PredictionStatus;
import io.github.irls.avro.ScoringRequest;
import io.github.irls.client.CoefficientTable;
import io.github.irls.client.ModelCoefficients;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.Simulator;
import io.github.irls.registry.Framing;
import io.github.irls.registry.RegistrySettings;
import io.github.irls.registry.SchemaRegistryClient;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.RegistryAvroDeserializer;
import io.github.irls.serde.ScoringRequestFormat;
import io.github.irls.testing.AppFixture;
import io.github.irls.testing.ApicurioRegistry;
import io.github.irls.testing.Await;
import io.github.irls.testing.EvolvedEvents;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunningApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real schema registry (Apicurio Registry 2.6, its Confluent-compatible API) and a real
 * broker: events produced by a plain Kafka producer in the registry's framing, written with a
 * schema that evolved from LabeledEvent, give the same updates as the same events in plain Avro;
 * the updates are framed with the id of CoefficientUpdate registered at start, and the Java client
 * reads them; bad records are dead letters with their own reasons. With a scoring stream, the
 * predictions are framed with the id of Prediction registered at start under the predictions
 * topic's subject.
 */
class RegistryAvroIT extends KafkaIntegrationTest {

  private static final List<String> KEYS = List.of("conversion/a", "fraud/b", "propensity/c");
  private static final int PER_KEY = 300;
  private static final int WINDOW = 100;

  private static ApicurioRegistry registry;

  @BeforeAll
  static void startRegistry() throws Exception {
    final Optional<Path> jar = ApicurioRegistry.runnerJar();
    Assumptions.assumeTrue(jar.isPresent(), "Apicurio Registry was not unpacked into "
        + System.getProperty(ApicurioRegistry.DIR_PROPERTY) + " (offline, or -DskipRegistryIT): skipped");
    registry = ApicurioRegistry.start(jar.get(), Files.createTempDirectory("apicurio"));
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void shouldGiveThePlainAvroUpdatesForEventsFramedWithAnEvolvedSchema(@TempDir final Path state) throws Exception {
    // Given an application on plain Avro, and one reading and writing the registry's framing
    final AppFixture plain = application("registry-plain", state.resolve("plain")).windowEvents(WINDOW).create();
    final AppFixture framed = application("registry-framed", state.resolve("framed")).windowEvents(WINDOW)
        .with(IrlsConfig.INPUT_FORMAT_CONFIG, "registry-avro")
        .with(IrlsConfig.OUTPUT_FORMAT_CONFIG, "registry-avro")
        .with(IrlsConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url().toString())
        .create();
    final RegistrySettings settings = framed.config().registrySettings().orElseThrow();
    final List<EvolvedEvents.Keyed> events = EvolvedEvents.sample(KEYS, PER_KEY, 21);
    try (SchemaRegistryClient client = SchemaRegistryClient.create(settings)) {
      // a producer registers its evolved schema, as a registry-aware serializer does
      final int v2 = client.idOf(framed.config().inputTopic() + "-value", EvolvedEvents.V2);
      final int noLabel = client.idOf("another-topic-value", EvolvedEvents.WITHOUT_LABEL);
      final byte[] plainBytes = AvroSerde.of(LabeledEvent.class).encode(events.get(0).event());
      final List<ProducerRecord<String, byte[]>> toPlain =
          EvolvedEvents.plainRecords(plain.config().inputTopic(), events);
      final List<ProducerRecord<String, byte[]>> toFramed =
          new ArrayList<>(EvolvedEvents.framedRecords(framed.config().inputTopic(), v2, events));
      // and three bad records: not framed, an id the registry does not know, a schema without a label
      final long t = events.get(events.size() - 1).timestamp();
      toFramed.add(new ProducerRecord<>(framed.config().inputTopic(), null, t, KEYS.get(0), plainBytes));
      toFramed.add(new ProducerRecord<>(framed.config().inputTopic(), null, t, KEYS.get(0),
          Framing.frame(987_654, plainBytes)));
      toFramed.add(new ProducerRecord<>(framed.config().inputTopic(), null, t, KEYS.get(0),
          Framing.frame(noLabel, plainBytes)));
      plain.send(toPlain);
      framed.send(toFramed);

      // When both applications run through the events
      final int expectedUpdates = KEYS.size() * PER_KEY / WINDOW;
      final RegistryAvroDeserializer<CoefficientUpdate> reader = new RegistryAvroDeserializer<>(
          CoefficientUpdate.class, Optional.of(new WriterSchemas(client)), Duration.ofSeconds(10));
      final List<CoefficientUpdate> expected;
      final List<CoefficientUpdate> actual;
      try (RunningApp a = plain.start(); RunningApp b = framed.start()) {
        expected = sorted(Await.until(plain::updates, u -> u.size() >= expectedUpdates));
        actual = sorted(Await.until(() -> framed.updates(reader), u -> u.size() >= expectedUpdates));
        assertThat(b.get("/ready").statusCode()).isEqualTo(200);
      }

      // Then the updates are the same, field for field
      assertThat(expected).hasSize(expectedUpdates);
      assertThat(actual).isEqualTo(expected);

      // and every update on the topic is framed with the id of CoefficientUpdate at the registry
      final int updateId = client.idOf(framed.config().outputTopic() + "-value", CoefficientUpdate.getClassSchema());
      final List<ConsumerRecord<String, byte[]>> raw =
          KafkaIo.readAll(framed.config().clientProperties(), framed.config().outputTopic(), new ByteArrayDeserializer());
      assertThat(raw).hasSize(expectedUpdates)
          .allSatisfy(r -> assertThat(Framing.schemaId(r.value())).hasValue(updateId));

      // and the three bad records are dead letters, each with its own reason
      final List<String> reasons = KafkaIo.readAll(framed.config().clientProperties(), framed.config().dlqTopic(),
              new ByteArrayDeserializer()).stream()
          .map(r -> new String(r.headers().lastHeader("irls.error.reason").value(), StandardCharsets.UTF_8))
          .toList();
      assertThat(reasons).containsExactlyInAnyOrder("NOT_REGISTRY_FRAMED", "UNKNOWN_SCHEMA_ID", "INCOMPATIBLE_SCHEMA");

      // and the Java client reads the framed updates through the registry
      try (CoefficientTable table = CoefficientTable.start(framed.config().clientProperties(),
          framed.config().outputTopic(), Optional.of(settings))) {
        assertThat(table.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
        for (final String key : KEYS) {
          final CoefficientUpdate last = expected.stream().filter(u -> u.getModelKey().equals(key))
              .max(Comparator.comparingLong(CoefficientUpdate::getVersion)).orElseThrow();
          final ModelCoefficients model = table.model(key).orElseThrow();
          assertThat(model.version()).isEqualTo(last.getVersion());
          assertThat(model.coefficients()).containsExactly(last.getCoefficients().stream()
              .mapToDouble(Double::doubleValue).toArray());
        }
        assertThat(table.skipped()).isZero();
      }
    }
  }

  @Test
  void shouldFramePredictionsWithTheIdOfPredictionAtTheRegistry(@TempDir final Path state) throws Exception {
    // Given an application writing the registry's framing, with a JSON scoring stream
    final String scoringTopic = uniqueTopic("registry-scoring");
    final String predictionsTopic = uniqueTopic("registry-predictions");
    final AppFixture fixture = application("registry-scoring", state).windowEvents(WINDOW)
        .with(IrlsConfig.OUTPUT_FORMAT_CONFIG, "registry-avro")
        .with(IrlsConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url().toString())
        .with(IrlsConfig.SCORING_INPUT_TOPIC_CONFIG, scoringTopic)
        .with(IrlsConfig.SCORING_INPUT_FORMAT_CONFIG, "json")
        .with(IrlsConfig.PREDICTIONS_TOPIC_CONFIG, predictionsTopic)
        .create();
    final Simulator.Truth truth = Simulator.demoModels().get(0);
    try (SchemaRegistryClient client = SchemaRegistryClient.create(fixture.config().registrySettings().orElseThrow());
        RunningApp app = fixture.startWithoutHttp()) {
      final RegistryAvroDeserializer<CoefficientUpdate> updates = new RegistryAvroDeserializer<>(
          CoefficientUpdate.class, Optional.of(new WriterSchemas(client)), Duration.ofSeconds(10));
      fixture.produceSimulated(truth, 4, WINDOW);
      final CoefficientUpdate model = Await.until(() -> fixture.updates(updates), u -> !u.isEmpty()).get(0);
      final int p = model.getCoefficients().size() - 1;

      // When a request for the learned model and one for a key without a model arrive
      final double[] x = new double[p];
      Arrays.fill(x, 0.5);
      fixture.send(List.of(
          new ProducerRecord<>(scoringTopic, truth.key(), ScoringRequestFormat.JSON.encode(request("learned", x))),
          new ProducerRecord<>(scoringTopic, "no-such-model", ScoringRequestFormat.JSON.encode(request("nobody", x)))));

      // Then both answers are framed with the id the registry gives Prediction under <predictions topic>-value
      final List<ConsumerRecord<String, byte[]>> raw = Await.until(
          () -> KafkaIo.readAll(fixture.config().clientProperties(), predictionsTopic, new ByteArrayDeserializer()),
          r -> r.size() >= 2);
      final int predictionId = client.idOf(predictionsTopic + "-value", Prediction.getClassSchema());
      final int updateId = client.idOf(fixture.config().outputTopic() + "-value", CoefficientUpdate.getClassSchema());
      assertThat(predictionId).isNotEqualTo(updateId);
      assertThat(raw).hasSize(2).allSatisfy(r -> assertThat(Framing.schemaId(r.value())).hasValue(predictionId));
      // And the registry-aware reader gives what the Avro after the frame holds: the model's prediction, and NO_MODEL
      final RegistryAvroDeserializer<Prediction> reader = new RegistryAvroDeserializer<>(
          Prediction.class, Optional.of(new WriterSchemas(client)), Duration.ofSeconds(10));
      final AvroSerde<Prediction> avro = AvroSerde.of(Prediction.class);
      final Map<String, Prediction> byId = new HashMap<>();
      for (final ConsumerRecord<String, byte[]> r : raw) {
        final Prediction read = reader.deserialize(predictionsTopic, r.value());
        assertThat(read).isEqualTo(avro.decode(Arrays.copyOfRange(r.value(), Framing.HEADER_BYTES, r.value().length)));
        byId.put(read.getRequestId(), read);
      }
      assertThat(byId.get("learned").getStatus()).isEqualTo(PredictionStatus.OK);
      assertThat(byId.get("learned").getModelKey()).isEqualTo(truth.key());
      assertThat(byId.get("learned").getModelVersion()).isEqualTo(model.getVersion());
      assertThat(byId.get("learned").getProbability()).isBetween(0.0, 1.0);
      assertThat(byId.get("nobody").getStatus()).isEqualTo(PredictionStatus.NO_MODEL);
      assertThat(app.application().failure()).isEmpty();
    }
  }

  private static ScoringRequest request(final String id, final double[] x) {
    return ScoringRequest.newBuilder().setRequestId(id).setFeatures(Arrays.stream(x).boxed().toList()).build();
  }

  private static List<CoefficientUpdate> sorted(final List<CoefficientUpdate> updates) {
    return updates.stream()
        .sorted(Comparator.comparing(CoefficientUpdate::getModelKey).thenComparingLong(CoefficientUpdate::getVersion))
        .toList();
  }
}
