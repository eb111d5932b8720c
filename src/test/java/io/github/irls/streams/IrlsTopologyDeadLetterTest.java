package io.github.irls.streams;

import static io.github.irls.streams.Harness.event;
import static io.github.irls.streams.Harness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.serde.EventFormat;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of unusable record goes to the dead-letter topic, as received, with its reason. */
class IrlsTopologyDeadLetterTest {

  private static final double[] X = {0.5, -1.0};

  private static TopologySettings settings() {
    return TopologySettings.builder().windowEvents(2).lambdaIntercept(1.0).lambda(1.0).maxFeatures(5).build();
  }

  static Stream<Arguments> invalidAvroRecords() {
    return Stream.of(
        Arguments.of("no key", null, avro(event(X, 1)), DeadLetterReason.NULL_KEY),
        Arguments.of("key not UTF-8", new byte[] {(byte) 0xC3, (byte) 0x28}, avro(event(X, 1)), DeadLetterReason.INVALID_KEY),
        Arguments.of("no value", utf8("m"), null, DeadLetterReason.MISSING_VALUE),
        Arguments.of("garbage", utf8("m"), new byte[] {1, 2, 3, 4, 5, 6, 7}, DeadLetterReason.UNDECODABLE_AVRO),
        Arguments.of("empty value", utf8("m"), new byte[0], DeadLetterReason.UNDECODABLE_AVRO),
        Arguments.of("NaN feature", utf8("m"), avro(event(new double[] {0.5, Double.NaN}, 1)), DeadLetterReason.NON_FINITE_FEATURE),
        Arguments.of("infinite feature", utf8("m"), avro(event(new double[] {Double.POSITIVE_INFINITY, 0}, 1)), DeadLetterReason.NON_FINITE_FEATURE),
        Arguments.of("NaN label", utf8("m"), avro(event(X, Double.NaN)), DeadLetterReason.NON_FINITE_LABEL),
        Arguments.of("label above 1", utf8("m"), avro(event(X, 1.5)), DeadLetterReason.LABEL_OUT_OF_RANGE),
        Arguments.of("label below 0", utf8("m"), avro(event(X, -0.1)), DeadLetterReason.LABEL_OUT_OF_RANGE),
        Arguments.of("negative weight", utf8("m"), avro(event(X, 1, -1.0, 0, null)), DeadLetterReason.INVALID_WEIGHT),
        Arguments.of("NaN weight", utf8("m"), avro(event(X, 1, Double.NaN, 0, null)), DeadLetterReason.INVALID_WEIGHT),
        Arguments.of("infinite weight", utf8("m"), avro(event(X, 1, Double.POSITIVE_INFINITY, 0, null)), DeadLetterReason.INVALID_WEIGHT),
        Arguments.of("NaN offset", utf8("m"), avro(event(X, 1, 1, Double.NaN, null)), DeadLetterReason.NON_FINITE_OFFSET),
        Arguments.of("event time before 1970", utf8("m"), avro(event(X, 1, 1, 0, -5L)), DeadLetterReason.INVALID_EVENT_TIME),
        Arguments.of("too many features", utf8("m"), avro(event(new double[6], 1)), DeadLetterReason.TOO_MANY_FEATURES));
  }

  private static byte[] avro(final io.github.irls.avro.LabeledEvent e) {
    return EventFormat.AVRO.serde().serializer().serialize("", e);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidAvroRecords")
  void shouldDeadLetterAnInvalidRecordAsReceived(
      final String kind, final byte[] key, final byte[] value, final DeadLetterReason reason) {
    try (Harness h = new Harness(settings())) {
      // Given a record with its own header
      final Headers headers = new RecordHeaders().add("trace-id", utf8("abc"));

      // When it arrives on the events topic
      h.sendRaw(key, value, 1234L, headers);

      // Then it is on the dead-letter topic with its original key, value, timestamp and headers,
      // plus the reason, a message, and where it came from
      final TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
      assertThat(dead.key()).isEqualTo(key);
      assertThat(dead.value()).isEqualTo(value);
      assertThat(dead.timestamp()).isEqualTo(1234L);
      assertThat(header(dead.headers(), "trace-id")).isEqualTo("abc");
      assertThat(header(dead.headers(), IrlsTopology.HEADER_REASON)).isEqualTo(reason.name());
      assertThat(header(dead.headers(), IrlsTopology.HEADER_MESSAGE)).isNotBlank();
      assertThat(header(dead.headers(), IrlsTopology.HEADER_SOURCE_TOPIC)).isEqualTo("irls.events");
      assertThat(header(dead.headers(), IrlsTopology.HEADER_SOURCE_PARTITION)).isEqualTo("0");
      assertThat(header(dead.headers(), IrlsTopology.HEADER_SOURCE_OFFSET)).isEqualTo("0");

      // And it is counted under its reason, and nothing else happened
      assertThat(h.deadLetterCounts()).isEqualTo(Map.of(reason.name(), 1L));
      assertThat(h.deadLetters.isEmpty()).isTrue();
      assertThat(h.updates.isEmpty()).isTrue();
      assertThat(h.openWindows()).isEmpty();
    }
  }

  @Test
  void shouldDeadLetterAnEventWhoseFeatureCountDiffersFromTheKeysFirst() {
    try (Harness h = new Harness(settings())) {
      // Given a key whose first event has 2 features
      h.send("m", event(X, 1), 1);

      // When events with 3 and 1 features arrive for it, and one with 3 for another key
      h.send("m", event(new double[] {1, 2, 3}, 0), 2);
      h.send("m", event(new double[] {1}, 0), 3);
      h.send("n", event(new double[] {1, 2, 3}, 0), 4);

      // Then both wrong ones are dead letters with their source offsets; the other key is unaffected
      final var dead = h.deadLetters.readRecordsToList();
      assertThat(dead).hasSize(2);
      assertThat(dead).allSatisfy(r ->
          assertThat(header(r.headers(), IrlsTopology.HEADER_REASON)).isEqualTo("WRONG_FEATURE_COUNT"));
      assertThat(dead).extracting(r -> header(r.headers(), IrlsTopology.HEADER_SOURCE_OFFSET))
          .containsExactly("1", "2");
      assertThat(h.deadLetterCounts()).isEqualTo(Map.of("WRONG_FEATURE_COUNT", 2L));
      assertThat(h.openWindows()).extracting(OpenWindow::modelKey, OpenWindow::events, OpenWindow::features)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("m", 1L, 2), org.assertj.core.groups.Tuple.tuple("n", 1L, 3));
    }
  }

  @Test
  void shouldDeadLetterUndecodableJsonWhenTheInputIsJson() {
    try (Harness h = new Harness(settings().toBuilder().inputFormat(EventFormat.JSON).build())) {
      // Given JSON input
      // When a valid JSON event, an Avro event and a JSON object with a text label arrive
      h.send("m", event(X, 1), 1);
      h.sendRaw(utf8("m"), avro(event(X, 1)), 2, null);
      h.sendRaw(utf8("m"), "{\"features\":[1,2],\"label\":\"yes\"}".getBytes(StandardCharsets.UTF_8), 3, null);

      // Then the valid one is in the window and the other two are UNDECODABLE_JSON dead letters
      assertThat(h.openWindows()).singleElement().satisfies(w -> assertThat(w.events()).isEqualTo(1));
      assertThat(h.deadLetterCounts()).isEqualTo(Map.of("UNDECODABLE_JSON", 2L));
    }
  }

  @Test
  void shouldAcceptTheLabelBoundsAndZeroWeight() {
    try (Harness h = new Harness(settings())) {
      // Given events at the edges of validity: label 0 and 1, a proportion, weight 0
      // When they arrive
      h.send("m", event(X, 0.0), 1);
      h.send("m", event(X, 1.0, 0.0, 0.0, null), 2);
      h.send("m", event(X, 0.25, 4.0, -1.0, null), 3);

      // Then none is a dead letter
      assertThat(h.deadLetters.isEmpty()).isTrue();
      assertThat(h.drainUpdates()).singleElement().satisfies(u -> assertThat(u.getWindowWeight()).isEqualTo(1.0));
    }
  }

  private static String header(final Headers headers, final String name) {
    final Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
