package io.github.irls.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.avro.LabeledEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabeledEventJsonSerdeTest {

  private static byte[] utf8(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static EventDecodingException rejected(final String json) {
    try {
      LabeledEventJsonSerde.decode(utf8(json));
    } catch (final EventDecodingException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void shouldReadTheDocumentedObject() {
    // Given
    final String json =
        "{\"features\":[0.5,-1.2,3],\"label\":1,\"weight\":2.0,\"offset\":0.25,\"event_time\":123}";

    // When
    final LabeledEvent event = LabeledEventJsonSerde.decode(utf8(json));

    // Then
    assertThat(event.getFeatures()).containsExactly(0.5, -1.2, 3.0);
    assertThat(event.getLabel()).isEqualTo(1.0);
    assertThat(event.getWeight()).isEqualTo(2.0);
    assertThat(event.getOffset()).isEqualTo(0.25);
    assertThat(event.getEventTime()).isEqualTo(Instant.ofEpochMilli(123));
  }

  @Test
  void shouldDefaultTheOptionalFields() {
    // Given
    final String json = "{\"label\":0,\"features\":[]}";

    // When
    final LabeledEvent event = LabeledEventJsonSerde.decode(utf8(json));

    // Then
    assertThat(event.getFeatures()).isEmpty();
    assertThat(event.getWeight()).isEqualTo(1.0);
    assertThat(event.getOffset()).isEqualTo(0.0);
    assertThat(event.getEventTime()).isNull();
  }

  @Test
  void shouldTreatExplicitNullOptionalFieldsAsAbsent() {
    // Given
    final String json = "{\"features\":[1],\"label\":1,\"weight\":null,\"event_time\":null}";

    // When
    final LabeledEvent event = LabeledEventJsonSerde.decode(utf8(json));

    // Then
    assertThat(event.getWeight()).isEqualTo(1.0);
    assertThat(event.getEventTime()).isNull();
  }

  @Test
  void shouldRoundTripThroughTheSerde() {
    // Given
    final Serde<LabeledEvent> serde = EventFormat.JSON.serde();
    final LabeledEvent original =
        LabeledEvent.newBuilder()
            .setFeatures(List.of(1e-300, -0.1, 12345.678))
            .setLabel(0.3)
            .setWeight(10.0)
            .setOffset(-1.0)
            .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
            .build();

    // When
    final byte[] bytes = serde.serializer().serialize("irls.events", original);
    final LabeledEvent decoded = serde.deserializer().deserialize("irls.events", bytes);

    // Then
    assertThat(decoded).isEqualTo(original);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"label\":1}                                       | missing required field 'features'",
        "{\"features\":[1]}                                  | missing required field 'label'",
        "{\"features\":[1],\"label\":null}                   | missing required field 'label'",
        "{\"features\":[1],\"label\":1,\"colour\":\"red\"}   | unknown field 'colour'",
        "{\"features\":[1],\"label\":\"1\"}                  | field 'label' must be a number",
        "{\"features\":[1],\"label\":true}                   | field 'label' must be a number",
        "{\"features\":[1,\"x\"],\"label\":1}                | field 'features[1]' must be a number",
        "{\"features\":\"1,2\",\"label\":1}                  | field 'features' must be an array",
        "{\"features\":[1],\"label\":1,\"weight\":\"2\"}     | field 'weight' must be a number",
        "{\"features\":[1],\"label\":1,\"event_time\":1.5}   | field 'event_time' must be an integer",
        "{\"features\":[1e400],\"label\":1}                  | out of the range of a double",
        "{\"features\":[NaN],\"label\":1}                    | not valid JSON",
        "{\"features\":[1],\"label\":1,\"label\":0}          | not valid JSON",
        "{\"features\":[1],\"label\":1} {}                   | not valid JSON",
        "{\"features\":[1],\"label\":1                       | not valid JSON",
        "[1,2,3]                                             | not a JSON object",
        "garbage                                             | not valid JSON",
      })
  void shouldRejectMalformedEventsNamingTheProblem(final String json, final String expected) {
    // Given / When
    final EventDecodingException e = rejected(json);

    // Then
    assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNDECODABLE_JSON);
    assertThat(e.getMessage()).contains(expected).contains("expected {\"features\"");
  }

  @Test
  void shouldRejectEmptyInput() {
    // Given / When
    final EventDecodingException e = rejected("");

    // Then
    assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNDECODABLE_JSON);
  }

  @Test
  void shouldRejectARecordWithoutAValue() {
    // Given
    final Serde<LabeledEvent> serde = EventFormat.JSON.serde();

    // When / Then
    assertThatThrownBy(() -> serde.deserializer().deserialize("irls.events", null))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.MISSING_VALUE));
  }
}
