package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.Prediction;
import io.github.irls.avro.PredictionStatus;
import io.github.irls.avro.ScoringRequest;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.Simulator;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.ScoringRequestFormat;
import io.github.irls.streams.DeadLetterReason;
import io.github.irls.streams.IrlsTopology;
import io.github.irls.testing.AppFixture;
import io.github.irls.testing.Await;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunningApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoring stream on a real broker, under exactly-once: requests in, predictions out, read committed. */
class ScoringStreamIT extends KafkaIntegrationTest {

  private static final int WINDOW = 200;

  @Test
  void shouldAnswerEveryScoringRequestOnceFromTheLearnedModel(@TempDir final Path state) throws Exception {
    // Given a running application under exactly-once with a JSON scoring stream and published covariances
    final String scoringTopic = uniqueTopic("scoring");
    final String predictionsTopic = uniqueTopic("predictions");
    final AppFixture fixture = application("scoring", state).windowEvents(WINDOW)
        .with(IrlsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .with(IrlsConfig.SCORING_INPUT_TOPIC_CONFIG, scoringTopic)
        .with(IrlsConfig.SCORING_INPUT_FORMAT_CONFIG, "json")
        .with(IrlsConfig.PREDICTIONS_TOPIC_CONFIG, predictionsTopic)
        .with(IrlsConfig.PUBLISH_COVARIANCE_CONFIG, true)
        .create();
    final Simulator.Truth truth = Simulator.demoModels().get(1);
    final String key = truth.key();
    try (RunningApp app = fixture.startWithoutHttp()) {
      // And a model of two windows learned from labelled events
      fixture.produceSimulated(truth, 5, 2 * WINDOW);
      final Optional<CoefficientUpdate> learned =
          Await.until(() -> fixture.lastUpdate(key), u -> u.isPresent() && u.get().getVersion() == 2);
      assertThat(learned).as("no second update within %s", Await.PATIENCE).isPresent();
      final CoefficientUpdate model = learned.get();
      final int p = model.getCoefficients().size() - 1;

      // When scoring requests arrive for the model's key, for a key without a model, and one garbled
      final SplittableRandom random = new SplittableRandom(9);
      final List<double[]> xs = new ArrayList<>();
      final List<ProducerRecord<String, byte[]>> requests = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        final double[] x = new double[p];
        for (int j = 0; j < p; j++) {
          x[j] = 4 * random.nextDouble() - 2;
        }
        xs.add(x);
        requests.add(new ProducerRecord<>(scoringTopic, key, ScoringRequestFormat.JSON.encode(request("r-" + i, x))));
      }
      requests.add(new ProducerRecord<>(scoringTopic, "no-such-model",
          ScoringRequestFormat.JSON.encode(request("nobody", new double[p]))));
      requests.add(new ProducerRecord<>(scoringTopic, key, "{\"request_id\":".getBytes(StandardCharsets.UTF_8)));
      fixture.send(requests);

      // Then every request but the garbled one is answered once on the predictions topic, read committed
      final List<ConsumerRecord<String, Prediction>> answers = Await.until(
          () -> KafkaIo.readAll(fixture.config().clientProperties(), predictionsTopic,
              AvroSerde.of(Prediction.class).deserializer()),
          a -> a.size() >= 21);
      assertThat(answers).hasSize(21);
      final Map<String, ConsumerRecord<String, Prediction>> byId = answers.stream()
          .collect(Collectors.toMap(a -> a.value().getRequestId(), Function.identity()));
      assertThat(byId).hasSize(21);
      final ConsumerRecord<String, Prediction> nobody = byId.get("nobody");
      assertThat(nobody.key()).isEqualTo("no-such-model");
      assertThat(nobody.value().getStatus()).isEqualTo(PredictionStatus.NO_MODEL);
      assertThat(nobody.value().getProbability()).isNull();
      // And each of the key's is scored by version 2, its eta_se^2 the published x~' Sigma x~
      final double[] b = doubles(model.getCoefficients());
      final double[] sigma = doubles(model.getCovariance());
      final int d = p + 1;
      for (int i = 0; i < xs.size(); i++) {
        final ConsumerRecord<String, Prediction> answer = byId.get("r-" + i);
        final Prediction prediction = answer.value();
        final double[] xTilde = new double[d];
        xTilde[0] = 1;
        System.arraycopy(xs.get(i), 0, xTilde, 1, p);
        double eta = 0;
        double quadratic = 0;
        for (int r = 0; r < d; r++) {
          eta += b[r] * xTilde[r];
          for (int c = 0; c < d; c++) {
            quadratic += xTilde[r] * sigma[r * d + c] * xTilde[c];
          }
        }
        assertThat(answer.key()).isEqualTo(key);
        assertThat(prediction.getStatus()).isEqualTo(PredictionStatus.OK);
        assertThat(prediction.getModelVersion()).isEqualTo(2L);
        assertThat(prediction.getEta()).isCloseTo(eta, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(eta))));
        assertThat(prediction.getEtaSe() * prediction.getEtaSe())
            .isCloseTo(quadratic, org.assertj.core.data.Offset.offset(1e-9 * quadratic));
        assertThat(prediction.getCi95Low()).isLessThan(prediction.getProbability());
        assertThat(prediction.getCi95High()).isGreaterThan(prediction.getProbability());
      }
      // And the garbled request is on the dead-letter topic, committed, with its reason and source
      final List<ConsumerRecord<String, byte[]>> dead = Await.until(
          () -> KafkaIo.readAll(fixture.config().clientProperties(), fixture.config().dlqTopic(),
              new ByteArrayDeserializer()),
          l -> !l.isEmpty());
      assertThat(dead).hasSize(1);
      assertThat(new String(dead.get(0).headers().lastHeader(IrlsTopology.HEADER_REASON).value(), StandardCharsets.UTF_8))
          .isEqualTo(DeadLetterReason.UNDECODABLE_SCORING_REQUEST.name());
      assertThat(new String(dead.get(0).headers().lastHeader(IrlsTopology.HEADER_SOURCE_TOPIC).value(),
          StandardCharsets.UTF_8)).isEqualTo(scoringTopic);
      // And the application is still running
      assertThat(app.application().failure()).isEmpty();
    }
  }

  @Test
  void shouldRefuseToStartWhenTheScoringTopicIsNotCoPartitioned(@TempDir final Path state) throws Exception {
    // Given a scoring topic of 3 partitions made before the application, whose events topic has 4
    final String scoringTopic = uniqueTopic("scoring");
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(scoringTopic, 3, (short) 1))).all().get();
    }
    final AppFixture fixture = application("scoring-partitions", state)
        .with(IrlsConfig.SCORING_INPUT_TOPIC_CONFIG, scoringTopic)
        .with(IrlsConfig.TOPIC_PARTITIONS_CONFIG, 4)
        .create();

    // When / Then the start is refused, naming both topics, their partition counts and the rule
    assertThatThrownBy(fixture::startWithoutHttp)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(scoringTopic + " has 3 partitions")
        .hasMessageContaining(fixture.config().inputTopic() + " has 4")
        .hasMessageContaining("co-partitioned");
  }

  private static ScoringRequest request(final String id, final double[] x) {
    final List<Double> features = new ArrayList<>(x.length);
    for (final double v : x) {
      features.add(v);
    }
    return ScoringRequest.newBuilder().setRequestId(id).setFeatures(features).build();
  }

  private static double[] doubles(final List<Double> values) {
    final double[] v = new double[values.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = values.get(i);
    }
    return v;
  }
}
