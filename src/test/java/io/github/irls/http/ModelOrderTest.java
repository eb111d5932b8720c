package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The orders of {@code GET /models} over summaries as instances send them, fields missing or null included. */
class ModelOrderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldSortByTheLastLoglossZWithoutOneLastInEitherOrder() throws Exception {
    // Given summaries with a z-score, with a null one and without the field
    final List<JsonNode> summaries = List.of(
        summary("{\"model\":\"a\",\"last_logloss_z\":1.5}"),
        summary("{\"model\":\"b\",\"last_logloss_z\":null}"),
        summary("{\"model\":\"c\"}"),
        summary("{\"model\":\"d\",\"last_logloss_z\":-2}"),
        summary("{\"model\":\"e\",\"last_logloss_z\":3.25}"));

    // When they are sorted by it, by default and ascending
    final List<String> byDefault = sorted(summaries, Map.of("sort", "logloss_z"));
    final List<String> ascending = sorted(summaries, Map.of("sort", "logloss_z", "order", "asc"));

    // Then the largest come first by default, and those without one come last, by key, either way
    assertThat(byDefault).containsExactly("e", "a", "d", "b", "c");
    assertThat(ascending).containsExactly("d", "a", "e", "b", "c");
  }

  @Test
  void shouldNameTheOrderInALinkUnlessItIsTheDefault() {
    // Given / When / Then: the default key order adds nothing; any other is spelled out in full
    assertThat(ModelOrder.of(Map.of()).linkParameters()).isEmpty();
    assertThat(ModelOrder.of(Map.of("sort", "key", "order", "asc")).linkParameters()).isEmpty();
    assertThat(ModelOrder.of(Map.of("order", "desc")).linkParameters()).isEqualTo("&sort=key&order=desc");
    assertThat(ModelOrder.of(Map.of("sort", "version")).linkParameters()).isEqualTo("&sort=version&order=desc");
  }

  @Test
  void shouldOrderKeysAloneOnlyWhenSortingByKey() {
    // Given / When / Then: the key order needs no summary, the others do
    assertThat(ModelOrder.of(Map.of("order", "desc")).byKeyOnly()).isTrue();
    assertThat(ModelOrder.of(Map.of("sort", "status")).byKeyOnly()).isFalse();
    assertThatThrownBy(() -> ModelOrder.of(Map.of("sort", "z"))).isInstanceOf(HttpError.class);
  }

  private static JsonNode summary(final String json) throws Exception {
    return JSON.readTree(json);
  }

  private static List<String> sorted(final List<JsonNode> summaries, final Map<String, String> params) {
    final List<JsonNode> copy = new ArrayList<>(summaries);
    copy.sort(ModelOrder.of(params).summaries());
    final List<String> keys = new ArrayList<>();
    copy.forEach(s -> keys.add(s.get("model").asText()));
    return keys;
  }
}
