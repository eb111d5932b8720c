package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.query.HistoryEntry;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import io.github.irls.query.Quality;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The JSON shapes every route shares. */
class JsonBodiesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldWriteHealthInOneFixedOrder() {
    // Given a rebalancing application
    final ModelQueries.Health health = new ModelQueries.Health("REBALANCING", false);

    // When its health is written
    final String body = new String(JsonBodies.health(health), StandardCharsets.UTF_8);

    // Then state, live and ready come in that order, whatever the JVM
    assertThat(body).isEqualTo("{\"state\":\"REBALANCING\",\"live\":true,\"ready\":false}");
  }

  @Test
  void shouldWriteNonFiniteNumbersOfAModelAsNull() throws Exception {
    // Given a model whose second coefficient is NaN and whose covariance holds an infinity
    final ModelView m = new ModelView("k", 1, List.of("intercept", "x1"), new double[] {0.5, Double.NaN},
        new double[] {0.1, 0.2}, Optional.of(new double[] {0.01, Double.POSITIVE_INFINITY, 0.04}), 10, 10.0, 0,
        "OK", "", 0L, -1, Map.of());

    // When it is written
    final JsonNode body = JSON.readTree(JsonBodies.model(m, false));

    // Then those numbers are null and the others are written
    assertThat(body.get("coefficients").get(1).get("estimate").isNull()).isTrue();
    assertThat(body.get("coefficients").get(0).get("estimate").asDouble()).isEqualTo(0.5);
    assertThat(body.get("covariance").get(1).isNull()).isTrue();
    assertThat(body.get("covariance").get(2).asDouble()).isEqualTo(0.04);
    assertThat(body.has("stale")).isFalse();
  }

  @Test
  void shouldWriteNonFiniteNumbersOfAHistoryAsNullAndMarkItStale() throws Exception {
    // Given one update whose standard error is infinite
    final HistoryEntry entry = new HistoryEntry(3, 1003, 100, 300, List.of("intercept"), new double[] {0.3},
        new double[] {Double.POSITIVE_INFINITY}, "OK", "");

    // When the history is written as a standby copy's
    final JsonNode body =
        JSON.readTree(JsonBodies.history("k", 5, true, java.util.OptionalDouble.empty(), List.of(entry)));

    // Then the standard error is null and the answer says stale
    assertThat(body.get("updates").get(0).get("std_errors").get(0).isNull()).isTrue();
    assertThat(body.get("updates").get(0).get("coefficients").get(0).asDouble()).isEqualTo(0.3);
    assertThat(body.get("stale").asBoolean()).isTrue();
  }

  @Test
  void shouldWriteTheDriftThresholdOfAHistoryOnlyWhenItIsKnown() throws Exception {
    // Given one update flagged drift_suspected
    final HistoryEntry entry = new HistoryEntry(3, 1003, 100, 300, List.of("intercept"), new double[] {0.3},
        new double[] {0.1}, "OK", "", new Quality(Quality.of(0.9), Quality.of(0.3), Quality.of(40.0),
            Quality.of(70.0), Quality.of(0.6), Quality.of(0.01), Quality.of(9.5), true));

    // When its history is written with the threshold 4.5, and with none known
    final JsonNode known =
        JSON.readTree(JsonBodies.history("k", 5, false, java.util.OptionalDouble.of(4.5), List.of(entry)));
    final JsonNode unknown =
        JSON.readTree(JsonBodies.history("k", 5, false, java.util.OptionalDouble.empty(), List.of(entry)));

    // Then the first says 4.5 beside the update's z and flag, the second leaves the field out
    assertThat(known.get("drift_z_threshold").asDouble()).isEqualTo(4.5);
    assertThat(known.get("updates").get(0).get("logloss_z").asDouble()).isEqualTo(9.5);
    assertThat(known.get("updates").get(0).get("drift_suspected").asBoolean()).isTrue();
    assertThat(unknown.has("drift_z_threshold")).isFalse();
  }

  @Test
  void shouldWriteAModelsSummaryAsTheListingDoes() {
    // Given a model whose key holds a slash and a space
    final ModelView m = new ModelView("shop/7 eu", 4, List.of("intercept"), new double[] {0}, new double[] {1},
        Optional.empty(), 40, 40.0, 0, "OK", "", 0L, -1, Map.of());

    // When its summary is written on a page
    final String page = new String(JsonBodies.modelsPage(0, 1, OptionalInt.empty(),
        List.of(JsonBodies.summary(m)), Optional.of("/next")), StandardCharsets.UTF_8);

    // Then its fields come in order and its link is one encoded segment
    assertThat(page).isEqualTo("{\"offset\":0,\"limit\":1,\"models\":[{\"model\":\"shop/7 eu\",\"version\":4,"
        + "\"events_total\":40,\"status\":\"OK\",\"href\":\"/models/shop%2F7%20eu\",\"last_logloss_z\":null,"
        + "\"drift_suspected\":false}],\"next\":\"/next\"}");
  }

  @Test
  void shouldSayHowManyModelsMatchOnAPage() {
    // Given a model's summary
    final ModelView m = new ModelView("k", 1, List.of("intercept"), new double[] {0}, new double[] {1},
        Optional.empty(), 10, 10.0, 0, "OK", "", 0L, -1, Map.of());

    // When it is written on the last page of a listing that matched 21 models
    final String page = new String(JsonBodies.modelsPage(20, 10, OptionalInt.of(21),
        List.of(JsonBodies.summary(m)), Optional.empty()), StandardCharsets.UTF_8);

    // Then the total follows the page's bounds, and no next link follows the models
    assertThat(page).isEqualTo("{\"offset\":20,\"limit\":10,\"total\":21,\"models\":[{\"model\":\"k\",\"version\":1,"
        + "\"events_total\":10,\"status\":\"OK\",\"href\":\"/models/k\",\"last_logloss_z\":null,"
        + "\"drift_suspected\":false}]}");
  }
}
