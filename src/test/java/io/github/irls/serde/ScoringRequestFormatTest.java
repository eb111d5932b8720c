package io.github.irls.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.avro.ScoringRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ScoringRequestFormatTest {

  @ParameterizedTest
  @EnumSource(ScoringRequestFormat.class)
  void shouldReadBackWhatItWrites(final ScoringRequestFormat format) {
    // Given a request with every field set
    final ScoringRequest request = ScoringRequest.newBuilder()
        .setRequestId("r-1").setFeatures(List.of(0.5, -1e-300, 3e200)).setOffset(-0.25).build();

    // When it is encoded and decoded
    final ScoringRequest decoded = format.decode(format.encode(request));

    // Then nothing is lost, to the last bit of each double
    assertThat(decoded).isEqualTo(request);
  }

  @Test
  void shouldTakeAnAbsentOrNullOffsetAsZero() {
    // Given JSON requests without an offset and with a null one
    final byte[] absent = "{\"request_id\":\"a\",\"features\":[1]}".getBytes(StandardCharsets.UTF_8);
    final byte[] nullOffset = "{\"features\":[1],\"offset\":null,\"request_id\":\"a\"}".getBytes(StandardCharsets.UTF_8);

    // When / Then both are read with offset 0, the fields in any order
    assertThat(ScoringRequestFormat.JSON.decode(absent).getOffset()).isZero();
    assertThat(ScoringRequestFormat.JSON.decode(nullOffset).getOffset()).isZero();
  }

  @Test
  void shouldReadANullOrAbsentRequestIdAsAnEmptyOne() {
    // Given JSON requests with a null request id, an empty one and none at all
    final byte[] nullId = "{\"request_id\":null,\"features\":[1]}".getBytes(StandardCharsets.UTF_8);
    final byte[] emptyId = "{\"request_id\":\"\",\"features\":[1]}".getBytes(StandardCharsets.UTF_8);
    final byte[] absentId = "{\"features\":[1]}".getBytes(StandardCharsets.UTF_8);

    // When / Then all are read with an empty id (which the scoring processor refuses as MISSING_REQUEST_ID)
    assertThat(ScoringRequestFormat.JSON.decode(nullId).getRequestId()).isEmpty();
    assertThat(ScoringRequestFormat.JSON.decode(emptyId).getRequestId()).isEmpty();
    assertThat(ScoringRequestFormat.JSON.decode(absentId).getRequestId()).isEmpty();
  }

  @Test
  void shouldRefuseAnObjectWithoutFeaturesEvenWithoutARequestId() {
    // Given an empty JSON object: no request at all, not a request missing its id
    final byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);

    // When / Then it is undecodable, naming the missing features
    assertThatThrownBy(() -> ScoringRequestFormat.JSON.decode(empty))
        .isInstanceOfSatisfying(EventDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNDECODABLE_JSON))
        .hasMessageContaining("'features'");
  }

  @ParameterizedTest
  @EnumSource(ScoringRequestFormat.class)
  void shouldRefuseAMissingValueAsSuch(final ScoringRequestFormat format) {
    // Given / When / Then
    assertThatThrownBy(() -> format.decode(null))
        .isInstanceOfSatisfying(EventDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.MISSING_VALUE));
  }

  @Test
  void shouldParseItsConfigurationNamesIgnoringCase() {
    // Given / When / Then
    assertThat(ScoringRequestFormat.parse(" JSON ")).isEqualTo(ScoringRequestFormat.JSON);
    assertThat(ScoringRequestFormat.parse("avro")).isEqualTo(ScoringRequestFormat.AVRO);
    assertThatThrownBy(() -> ScoringRequestFormat.parse("registry-avro"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[avro, json]");
  }
}
