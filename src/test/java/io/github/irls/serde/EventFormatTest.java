package io.github.irls.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventFormatTest {

  @Test
  void shouldParseConfiguredNamesIgnoringCase() {
    // Given / When / Then
    assertThat(EventFormat.parse("avro")).isEqualTo(EventFormat.AVRO);
    assertThat(EventFormat.parse(" JSON ")).isEqualTo(EventFormat.JSON);
    assertThat(EventFormat.JSON.configName()).isEqualTo("json");
    assertThat(EventFormat.parse("Registry-Avro")).isEqualTo(EventFormat.REGISTRY_AVRO);
    assertThat(EventFormat.REGISTRY_AVRO.configName()).isEqualTo("registry-avro");
  }

  @Test
  void shouldNameTheAcceptedValuesWhenTheFormatIsUnknown() {
    // Given / When / Then
    assertThatThrownBy(() -> EventFormat.parse("protobuf"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("protobuf")
        .hasMessageContaining("[avro, json, registry-avro]");
  }
}
