package io.github.irls.streams;

import static io.github.irls.streams.Harness.event;
import static io.github.irls.streams.Harness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.Prediction;
import io.github.irls.avro.PredictionStatus;
import io.github.irls.avro.ScoringRequest;
import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.ScoringRequestFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scoring stream: requests on the scoring topic answered from the models store, each
 * prediction's interval the exact {@code x~' P^-1 x~} of the stored precision.
 */
class IrlsTopologyScoringTest {

  private static final String SCORING_TOPIC = "irls.scoring";
  private static final double[] TRUE_COEFFICIENTS = {0.3, 1.0, -0.5, 0.8};
  private static final int WINDOW = 200;
  /** The 0.975 quantile of the standard normal distribution, written out here rather than taken from the code. */
  private static final double Z_975 = 1.959963984540054;

  private static TopologySettings settings(final ScoringRequestFormat format) {
    return TopologySettings.builder()
        .windowEvents(WINDOW)
        .scoring(new ScoringStream(SCORING_TOPIC, format, ScoringStream.DEFAULT_PREDICTIONS_TOPIC))
        .build();
  }

  /** {@code n} events of the true model, keyed {@code key}, timestamps from {@code t0}. */
  private static void learn(final Harness h, final String key, final int n, final long seed, final long t0) {
    final SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      final double[] x = {2 * random.nextDouble() - 1, 2 * random.nextDouble() - 1, 2 * random.nextDouble() - 1};
      double eta = TRUE_COEFFICIENTS[0];
      for (int j = 0; j < x.length; j++) {
        eta += TRUE_COEFFICIENTS[j + 1] * x[j];
      }
      final double y = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
      h.send(key, event(x, y), t0 + i);
    }
  }

  private static ScoringRequest request(final String id, final double[] x, final double offset) {
    final List<Double> features = new ArrayList<>(x.length);
    for (final double v : x) {
      features.add(v);
    }
    return ScoringRequest.newBuilder().setRequestId(id).setFeatures(features).setOffset(offset).build();
  }

  private static void score(final Harness h, final String key, final ScoringRequest request, final long timestamp) {
    h.scoringRequests.pipeInput(utf8(key), h.settings.scoring().get().inputFormat().encode(request), timestamp);
  }

  @ParameterizedTest
  @EnumSource(ScoringRequestFormat.class)
  void shouldScoreRequestsWithTheStoredModelAndItsExactInterval(final ScoringRequestFormat format) {
    try (Harness h = new Harness(settings(format))) {
      // Given a model learned from one closed window of labelled events
      learn(h, "m", WINDOW, 7, 1_000);
      final ModelState model = h.model("m");
      assertThat(model).isNotNull();
      assertThat(model.version()).isEqualTo(1);
      final double[][] covariance = inverse(unpack(model.packedPrecision(), model.dimension()));

      // When requests of different features and offsets arrive on the scoring topic
      final double[][] xs = {{0, 0, 0}, {0.5, -1.0, 2.0}, {-3.0, 0.25, 1.5}, {10.0, -7.0, 4.0}};
      final double[] offsets = {0.0, 0.0, -0.7, 1.25};
      for (int i = 0; i < xs.length; i++) {
        score(h, "m", request("r-" + i, xs[i], offsets[i]), 5_000 + i);
      }

      // Then each is answered, keyed by the model key, with eta = o + b . x~ and eta_se^2 = x~' P^-1 x~
      // of the stored precision to 1e-12, the probability and interval the logistic function of those
      final List<TestRecord<String, Prediction>> answers = h.predictions.readRecordsToList();
      assertThat(answers).hasSize(xs.length);
      final double[] b = model.coefficients();
      for (int i = 0; i < xs.length; i++) {
        final TestRecord<String, Prediction> answer = answers.get(i);
        final Prediction p = answer.value();
        final double[] xTilde = {1, xs[i][0], xs[i][1], xs[i][2]};
        double eta = offsets[i];
        for (int j = 0; j < xTilde.length; j++) {
          eta += b[j] * xTilde[j];
        }
        double quadratic = 0;
        for (int r = 0; r < xTilde.length; r++) {
          for (int c = 0; c < xTilde.length; c++) {
            quadratic += xTilde[r] * covariance[r][c] * xTilde[c];
          }
        }
        final double se = Math.sqrt(quadratic);
        assertThat(answer.key()).isEqualTo("m");
        assertThat(answer.timestamp()).isEqualTo(5_000 + i);
        assertThat(p.getRequestId()).isEqualTo("r-" + i);
        assertThat(p.getModelKey()).isEqualTo("m");
        assertThat(p.getStatus()).isEqualTo(PredictionStatus.OK);
        assertThat(p.getModelVersion()).isEqualTo(model.version());
        assertThat(p.getEtaSe() * p.getEtaSe()).isCloseTo(quadratic, org.assertj.core.data.Offset.offset(1e-12 * quadratic));
        assertThat(p.getEta()).isCloseTo(eta, org.assertj.core.data.Offset.offset(1e-12 * Math.max(1, Math.abs(eta))));
        assertThat(p.getProbability()).isCloseTo(logistic(eta), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(p.getCi95Low()).isCloseTo(logistic(eta - Z_975 * se), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(p.getCi95High()).isCloseTo(logistic(eta + Z_975 * se), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(p.getScoredAtMs()).isEqualTo(Harness.WALL_CLOCK_START);
      }
      // And the interval is not degenerate: the test would see a wrong covariance
      assertThat(answers.get(3).value().getEtaSe()).isGreaterThan(answers.get(0).value().getEtaSe());
      assertThat(h.deadLetters.isEmpty()).isTrue();
    }
  }

  @Test
  void shouldAnswerNoModelForAKeyWithoutAPublishedModel() {
    try (Harness h = new Harness(settings(ScoringRequestFormat.AVRO))) {
      // Given a key never seen, and a key whose first window is still open
      h.send("open", event(new double[] {0.1, 0.2, 0.3}, 1), 1_000);

      // When each gets a scoring request
      score(h, "unknown", request("q-1", new double[] {1, 2, 3}, 0), 2_000);
      score(h, "open", request("q-2", new double[] {1, 2, 3}, 0), 2_001);

      // Then each is answered NO_MODEL, with its request id and no numbers at all
      final List<TestRecord<String, Prediction>> answers = h.predictions.readRecordsToList();
      assertThat(answers).extracting(TestRecord::key).containsExactly("unknown", "open");
      for (final TestRecord<String, Prediction> answer : answers) {
        final Prediction p = answer.value();
        assertThat(p.getStatus()).isEqualTo(PredictionStatus.NO_MODEL);
        assertThat(p.getModelVersion()).isNull();
        assertThat(p.getProbability()).isNull();
        assertThat(p.getCi95Low()).isNull();
        assertThat(p.getCi95High()).isNull();
        assertThat(p.getEta()).isNull();
        assertThat(p.getEtaSe()).isNull();
      }
      assertThat(answers).extracting(a -> a.value().getRequestId()).containsExactly("q-1", "q-2");
      assertThat(h.deadLetters.isEmpty()).isTrue();
    }
  }

  @Test
  void shouldScoreWithEachNewVersionAndAnswerNoModelAfterAReset() {
    try (Harness h = new Harness(settings(ScoringRequestFormat.AVRO))) {
      // Given a model of one window that has scored a request
      final double[] x = {0.5, -1.0, 2.0};
      learn(h, "m", WINDOW, 11, 1_000);
      score(h, "m", request("v1", x, 0), 10_000);
      final Prediction first = h.predictions.readValue();

      // When a second window closes and the same request comes again
      learn(h, "m", WINDOW, 12, 20_000);
      final ModelState second = h.model("m");
      score(h, "m", request("v2", x, 0), 30_000);

      // Then it is scored with the new version, not with the factor cached for the first
      final Prediction again = h.predictions.readValue();
      assertThat(second.version()).isEqualTo(2);
      assertThat(again.getModelVersion()).isEqualTo(2);
      final double[][] covariance = inverse(unpack(second.packedPrecision(), second.dimension()));
      final double[] xTilde = {1, x[0], x[1], x[2]};
      double quadratic = 0;
      for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 4; c++) {
          quadratic += xTilde[r] * covariance[r][c] * xTilde[c];
        }
      }
      assertThat(again.getEtaSe() * again.getEtaSe())
          .isCloseTo(quadratic, org.assertj.core.data.Offset.offset(1e-12 * quadratic));
      assertThat(again.getEtaSe()).isLessThan(first.getEtaSe());

      // And when a model-spec tombstone resets the model, the next request gets NO_MODEL
      h.sendSpec("m", null, 40_001);
      score(h, "m", request("after-reset", x, 0), 40_002);
      final Prediction reset = h.predictions.readValue();
      assertThat(reset.getStatus()).isEqualTo(PredictionStatus.NO_MODEL);
      assertThat(reset.getProbability()).isNull();
    }
  }

  static Stream<Arguments> badRequests() {
    final ScoringRequestFormat avro = ScoringRequestFormat.AVRO;
    return Stream.of(
        Arguments.of("no key", null, avro.encode(request("a", new double[] {1, 2, 3}, 0)), DeadLetterReason.NULL_KEY),
        Arguments.of("no value", utf8("m"), null, DeadLetterReason.MISSING_VALUE),
        Arguments.of("garbage", utf8("m"), new byte[] {1, 2, 3, 4, 5, 6, 7},
            DeadLetterReason.UNDECODABLE_SCORING_REQUEST),
        Arguments.of("an event instead", utf8("m"),
            io.github.irls.serde.EventFormat.AVRO.serde().serializer().serialize("", event(new double[] {1}, 1)),
            DeadLetterReason.UNDECODABLE_SCORING_REQUEST),
        Arguments.of("empty request id", utf8("m"), avro.encode(request("", new double[] {1, 2, 3}, 0)),
            DeadLetterReason.MISSING_REQUEST_ID),
        Arguments.of("NaN feature", utf8("m"), avro.encode(request("a", new double[] {1, Double.NaN, 3}, 0)),
            DeadLetterReason.NON_FINITE_FEATURE),
        Arguments.of("infinite offset", utf8("m"),
            avro.encode(request("a", new double[] {1, 2, 3}, Double.NEGATIVE_INFINITY)),
            DeadLetterReason.NON_FINITE_OFFSET),
        Arguments.of("two features for a model of three", utf8("m"), avro.encode(request("a", new double[] {1, 2}, 0)),
            DeadLetterReason.WRONG_FEATURE_COUNT),
        Arguments.of("features that overflow eta", utf8("m"),
            avro.encode(request("a", new double[] {1e308, -1e308, 1e308}, 0)), DeadLetterReason.SCORE_OVERFLOW));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void shouldDeadLetterABadRequestAsReceived(final String kind, final byte[] key, final byte[] value,
      final DeadLetterReason reason) {
    try (Harness h = new Harness(settings(ScoringRequestFormat.AVRO))) {
      // Given a model of three features for key m
      learn(h, "m", WINDOW, 3, 1_000);
      final Map<String, Long> before = h.deadLetterCounts();

      // When the bad request arrives on the scoring topic
      h.scoringRequests.pipeInput(key, value, 9_000);

      // Then it is on the dead-letter topic as received, with its reason and the scoring topic as its source
      final TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
      assertThat(dead.key()).isEqualTo(key);
      assertThat(dead.value()).isEqualTo(value);
      assertThat(header(dead.headers(), IrlsTopology.HEADER_REASON)).isEqualTo(reason.name());
      assertThat(header(dead.headers(), IrlsTopology.HEADER_MESSAGE)).isNotBlank();
      assertThat(header(dead.headers(), IrlsTopology.HEADER_SOURCE_TOPIC)).isEqualTo(SCORING_TOPIC);
      // And it is counted under its reason, and nothing is predicted
      assertThat(before).isEmpty();
      assertThat(h.deadLetterCounts()).isEqualTo(Map.of(reason.name(), 1L));
      assertThat(h.predictions.isEmpty()).isTrue();
      assertThat(h.deadLetters.isEmpty()).isTrue();
    }
  }

  static Stream<Arguments> badJson() {
    return Stream.of(
        Arguments.of("not JSON", "{\"request_id\":"),
        Arguments.of("not an object", "[1,2,3]"),
        Arguments.of("an empty object", "{}"),
        Arguments.of("features not an array, and no request id", "{\"features\":7}"),
        Arguments.of("features not an array", "{\"request_id\":\"a\",\"features\":{\"x\":1}}"),
        Arguments.of("request id a number", "{\"request_id\":7,\"features\":[1,2,3]}"),
        Arguments.of("no features", "{\"request_id\":\"a\"}"),
        Arguments.of("a feature a string", "{\"request_id\":\"a\",\"features\":[1,\"2\",3]}"),
        Arguments.of("an unknown field", "{\"request_id\":\"a\",\"features\":[1,2,3],\"label\":1}"),
        Arguments.of("a duplicate field", "{\"request_id\":\"a\",\"request_id\":\"b\",\"features\":[1,2,3]}"),
        Arguments.of("a number beyond a double", "{\"request_id\":\"a\",\"features\":[1e999,2,3]}"),
        Arguments.of("trailing content", "{\"request_id\":\"a\",\"features\":[1,2,3]} {}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badJson")
  void shouldDeadLetterAnUndecodableJsonRequest(final String kind, final String json) {
    try (Harness h = new Harness(settings(ScoringRequestFormat.JSON))) {
      // Given a model of three features for key m
      learn(h, "m", WINDOW, 3, 1_000);

      // When a request that is not of the documented JSON shape arrives
      h.scoringRequests.pipeInput(utf8("m"), json.getBytes(StandardCharsets.UTF_8), 9_000);

      // Then it is dead-lettered as undecodable, and nothing is predicted
      final TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
      assertThat(header(dead.headers(), IrlsTopology.HEADER_REASON))
          .isEqualTo(DeadLetterReason.UNDECODABLE_SCORING_REQUEST.name());
      assertThat(header(dead.headers(), IrlsTopology.HEADER_MESSAGE)).contains("ScoringRequest");
      assertThat(h.predictions.isEmpty()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"request_id\":null,\"features\":[1,2,3]}",
      "{\"request_id\":\"\",\"features\":[1,2,3]}",
      "{\"features\":[1,2,3]}",
      "{\"offset\":0.5,\"features\":[1,2,3]}"})
  void shouldDeadLetterAJsonRequestWithANullEmptyOrAbsentIdAsMissingItsId(final String json) {
    try (Harness h = new Harness(settings(ScoringRequestFormat.JSON))) {
      // Given a model of three features for key m
      learn(h, "m", WINDOW, 3, 1_000);

      // When a request whose id is null, empty or not there at all arrives
      h.scoringRequests.pipeInput(utf8("m"), json.getBytes(StandardCharsets.UTF_8), 9_000);

      // Then it is dead-lettered as missing its request id (which says what to fix), as received, and
      // nothing is predicted
      final TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
      assertThat(header(dead.headers(), IrlsTopology.HEADER_REASON))
          .isEqualTo(DeadLetterReason.MISSING_REQUEST_ID.name());
      assertThat(header(dead.headers(), IrlsTopology.HEADER_MESSAGE)).contains("request_id");
      assertThat(dead.value()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
      assertThat(h.predictions.isEmpty()).isTrue();
    }
  }

  /** The values written to the predictions and coefficients topics, as bytes. */
  private record RawOutput(List<byte[]> predictions, List<byte[]> updates) {}

  /** One model learned for key m, then a request for m and one for a key without a model. */
  private static RawOutput scoreOneModelAndNone(final TopologySettings settings) {
    try (Harness h = new Harness(settings)) {
      final TestOutputTopic<byte[], byte[]> predictions = h.driver.createOutputTopic(
          settings.scoring().orElseThrow().predictionsTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      final TestOutputTopic<byte[], byte[]> updates = h.driver.createOutputTopic(
          settings.coefficientsTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      learn(h, "m", WINDOW, 17, 1_000);
      score(h, "m", request("ok", new double[] {0.5, -1.0, 2.0}, 0.25), 9_000);
      score(h, "none", request("no-model", new double[] {0.5, -1.0, 2.0}, 0), 9_001);
      assertThat(h.deadLetters.isEmpty()).isTrue();
      return new RawOutput(predictions.readValuesToList(), updates.readValuesToList());
    }
  }

  @Test
  void shouldFramePredictionsWithTheGivenSchemaIdAroundTheAvroOfThePlainPath() {
    // Given a topology writing plain Avro, and one framing updates and predictions for a schema
    // registry, each with its own id (of several non-zero bytes, to see their order)
    final TopologySettings plainSettings = settings(ScoringRequestFormat.AVRO);
    final TopologySettings framedSettings =
        plainSettings.toBuilder().outputSchemaId(0x00_01_02_03).predictionSchemaId(0x00_0A_0B_0C).build();

    // When the same events and requests (a key with a model, a key without one) go through each
    final RawOutput plain = scoreOneModelAndNone(plainSettings);
    final RawOutput framed = scoreOneModelAndNone(framedSettings);

    // Then each framed prediction is the magic byte 0, the prediction id big-endian, then the very
    // bytes of the plain prediction, which decode to the same Prediction (one OK, one NO_MODEL)
    assertThat(plain.predictions()).hasSize(2);
    assertThat(framed.predictions()).hasSize(2);
    final AvroSerde<Prediction> avro = AvroSerde.of(Prediction.class);
    for (int i = 0; i < 2; i++) {
      final byte[] f = framed.predictions().get(i);
      assertThat(Arrays.copyOfRange(f, 0, 5)).containsExactly(0x00, 0x00, 0x0A, 0x0B, 0x0C);
      final byte[] body = Arrays.copyOfRange(f, 5, f.length);
      assertThat(body).isEqualTo(plain.predictions().get(i));
      assertThat(avro.decode(body)).isEqualTo(avro.decode(plain.predictions().get(i)));
    }
    assertThat(avro.decode(plain.predictions().get(0)).getRequestId()).isEqualTo("ok");
    assertThat(avro.decode(plain.predictions().get(0)).getStatus()).isEqualTo(PredictionStatus.OK);
    assertThat(avro.decode(plain.predictions().get(1)).getStatus()).isEqualTo(PredictionStatus.NO_MODEL);
    // And the update is framed with its own id, not the predictions'
    assertThat(plain.updates()).hasSize(1);
    assertThat(framed.updates()).hasSize(1);
    final byte[] update = framed.updates().get(0);
    assertThat(Arrays.copyOfRange(update, 0, 5)).containsExactly(0x00, 0x00, 0x01, 0x02, 0x03);
    assertThat(Arrays.copyOfRange(update, 5, update.length)).isEqualTo(plain.updates().get(0));
  }

  @Test
  void shouldCountABadRequestOfAKnownModelUnderThatModel() {
    try (Harness h = new Harness(settings(ScoringRequestFormat.AVRO))) {
      // Given a model of three features for key m
      learn(h, "m", WINDOW, 5, 1_000);

      // When a request of the wrong feature count arrives for it
      score(h, "m", request("a", new double[] {1}, 0), 9_000);

      // Then the model's own dead-letter counts show it
      assertThat(h.modelDeadLetters("m")).containsEntry(DeadLetterReason.WRONG_FEATURE_COUNT.name(), 1L);
    }
  }

  /** The full symmetric matrix of a packed upper triangle, indexed independently of the code under test. */
  private static double[][] unpack(final double[] packed, final int d) {
    final double[][] m = new double[d][d];
    int k = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        m[i][j] = packed[k];
        m[j][i] = packed[k];
        k++;
      }
    }
    assertThat(k).isEqualTo(PackedSymmetric.size(d));
    return m;
  }

  /** {@code a^-1} by Gauss-Jordan elimination with partial pivoting (not the Cholesky factor the code uses). */
  private static double[][] inverse(final double[][] a) {
    final int d = a.length;
    final double[][] m = new double[d][2 * d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(a[i], 0, m[i], 0, d);
      m[i][d + i] = 1;
    }
    for (int col = 0; col < d; col++) {
      int pivot = col;
      for (int r = col + 1; r < d; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      final double[] swap = m[col];
      m[col] = m[pivot];
      m[pivot] = swap;
      final double p = m[col][col];
      for (int c = 0; c < 2 * d; c++) {
        m[col][c] /= p;
      }
      for (int r = 0; r < d; r++) {
        if (r != col) {
          final double f = m[r][col];
          for (int c = 0; c < 2 * d; c++) {
            m[r][c] -= f * m[col][c];
          }
        }
      }
    }
    final double[][] inv = new double[d][d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(m[i], d, inv[i], 0, d);
    }
    return inv;
  }

  private static double logistic(final double eta) {
    return 1 / (1 + Math.exp(-eta));
  }

  private static String header(final Headers headers, final String name) {
    final Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
