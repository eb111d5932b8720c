package io.github.irls.streams;

import static io.github.irls.streams.Harness.event;
import static io.github.irls.streams.Harness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.serde.EventFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Dead letters counted per known model key, and absurdly large input caught by name. */
class IrlsTopologyDeadLetterCountsTest {

  private static final double[] X = {0.5, -1.0};

  private static TopologySettings settings() {
    return TopologySettings.builder().windowEvents(10).lambdaIntercept(1.0).lambda(1.0).maxFeatures(50).build();
  }

  private static String reasonOf(final Harness h) {
    return new String(
        h.deadLetters.readRecordsToList().get(0).headers().lastHeader(IrlsTopology.HEADER_REASON).value(),
        StandardCharsets.UTF_8);
  }

  @Test
  void shouldCountDeadLettersOfAKnownKeyAgainstThatKey() {
    try (Harness h = new Harness(settings())) {
      // Given key a known by one valid event
      h.send("a", event(X, 1), 0);

      // When a gets a wrong feature count, an invalid label and garbage, and an unknown key gets garbage
      h.send("a", event(new double[] {1, 2, 3}, 1), 1);
      h.send("a", event(X, 2.0), 2);
      h.sendRaw(utf8("a"), new byte[] {9, 9, 9}, 3, null);
      h.sendRaw(utf8("never-seen"), new byte[] {9, 9, 9}, 4, null);

      // Then a's counts name each reason once, the unknown key has none, and the totals have all four
      assertThat(h.modelDeadLetters("a")).containsOnly(
          java.util.Map.entry("WRONG_FEATURE_COUNT", 1L),
          java.util.Map.entry("LABEL_OUT_OF_RANGE", 1L),
          java.util.Map.entry("UNDECODABLE_AVRO", 1L));
      assertThat(h.modelDeadLetters("never-seen")).isEmpty();
      assertThat(h.deadLetterCounts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4L);
    }
  }

  static Stream<Arguments> absurdRecords() {
    final double[] huge = new double[100_000];
    Arrays.fill(huge, 0.5);
    final String longString = "x".repeat(1_000_000);
    return Stream.of(
        Arguments.of("100,000 features in Avro", EventFormat.AVRO, utf8("m"),
            EventFormat.AVRO.serde().serializer().serialize("", event(huge, 1)), DeadLetterReason.TOO_MANY_FEATURES),
        Arguments.of("100,000 features in JSON", EventFormat.JSON, utf8("m"),
            EventFormat.JSON.serde().serializer().serialize("", event(huge, 1)), DeadLetterReason.TOO_MANY_FEATURES),
        Arguments.of("Avro announcing a billion features", EventFormat.AVRO, utf8("m"),
            new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}, DeadLetterReason.UNDECODABLE_AVRO),
        Arguments.of("a 1 MB key", EventFormat.AVRO, new byte[1_000_000],
            EventFormat.AVRO.serde().serializer().serialize("", event(X, 1)), DeadLetterReason.KEY_TOO_LONG),
        Arguments.of("a 1 MB string in JSON", EventFormat.JSON, utf8("m"),
            ("{\"features\": [1, 2], \"label\": \"" + longString + "\"}").getBytes(StandardCharsets.UTF_8),
            DeadLetterReason.UNDECODABLE_JSON),
        Arguments.of("a 1 MB field name in JSON", EventFormat.JSON, utf8("m"),
            ("{\"" + longString + "\": 1}").getBytes(StandardCharsets.UTF_8), DeadLetterReason.UNDECODABLE_JSON),
        Arguments.of("JSON nested 100,000 deep", EventFormat.JSON, utf8("m"),
            "[".repeat(100_000).getBytes(StandardCharsets.UTF_8), DeadLetterReason.UNDECODABLE_JSON),
        Arguments.of("a weight of 1e300", EventFormat.AVRO, utf8("m"),
            EventFormat.AVRO.serde().serializer().serialize("", event(X, 1, 1e300, 0, null)),
            DeadLetterReason.INVALID_WEIGHT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("absurdRecords")
  void shouldDeadLetterAbsurdSizesByName(
      final String kind, final EventFormat format, final byte[] key, final byte[] value, final DeadLetterReason reason) {
    try (Harness h = new Harness(settings().toBuilder().inputFormat(format).build())) {
      // Given a topology reading the format
      // When the absurd record arrives
      h.sendRaw(key, value, 0, null);

      // Then it is dead-lettered under its reason and counted
      assertThat(reasonOf(h)).isEqualTo(reason.name());
      assertThat(h.deadLetterCounts()).containsEntry(reason.name(), 1L);
      assertThat(h.openWindows()).isEmpty();
    }
  }
}
