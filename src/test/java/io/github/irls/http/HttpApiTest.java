package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP routes over an in-memory set of models (the store-backed queries are tested with Kafka). */
class HttpApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, ModelView> models = new TreeMap<>();
  private boolean ready = true;
  private final Map<String, Long> deadLetters = new TreeMap<>();
  private HttpApi api;

  @BeforeEach
  void start() throws Exception {
    api = HttpApi.start("127.0.0.1", 0, new ModelQueries() {
      @Override
      public Optional<ModelView> model(final String key) {
        return Optional.ofNullable(models.get(key));
      }

      @Override
      public List<String> keys(final int offset, final int limit) {
        return InMemoryModels.page(models.keySet(), offset, limit);
      }

      @Override
      public Health health() {
        return new Health(ready ? "RUNNING" : "REBALANCING", ready);
      }

      @Override
      public Map<String, Long> deadLetterCounts() {
        return deadLetters;
      }
    });
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void shouldServeOneModelWithZPAndIntervals() throws Exception {
    // Given a model with coefficients (1, -2) and SEs (0.5, 1)
    models.put("shop/7", view("shop/7", new double[] {1, -2}, new double[] {0.5, 1}));

    // When it is requested by its (URL-encoded) key
    final HttpResponse<String> response = get("/models/shop%2F7");

    // Then the answer has the estimates with z, two-sided p and 95% intervals
    assertThat(response.statusCode()).isEqualTo(200);
    final JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("model").asText()).isEqualTo("shop/7");
    final JsonNode first = body.get("coefficients").get(0);
    assertThat(first.get("name").asText()).isEqualTo("intercept");
    assertThat(first.get("z_value").asDouble()).isEqualTo(2.0);
    assertThat(first.get("p_value").asDouble()).isCloseTo(0.04550026389635842, within(1e-15));
    assertThat(first.get("ci95_low").asDouble()).isCloseTo(1 - 1.959963984540054 * 0.5, within(1e-15));
  }

  @Test
  void shouldSummariseDeadLettersByReason() throws Exception {
    // Given 3 undecodable records and 2 with a label out of range
    deadLetters.put("UNDECODABLE_AVRO", 3L);
    deadLetters.put("LABEL_OUT_OF_RANGE", 2L);

    // When the summary is requested
    final HttpResponse<String> response = get("/dead-letters");

    // Then it has the total and the count of each reason
    assertThat(response.statusCode()).isEqualTo(200);
    final JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("total").asLong()).isEqualTo(5L);
    assertThat(body.get("by_reason").get("UNDECODABLE_AVRO").asLong()).isEqualTo(3L);
    assertThat(body.get("by_reason").get("LABEL_OUT_OF_RANGE").asLong()).isEqualTo(2L);
  }

  @Test
  void shouldShowAModelsDeadLettersByReason() throws Exception {
    // Given a model with one record of a wrong feature count dead-lettered
    models.put("m", view("m", new double[] {1}, new double[] {1})
        .withDeadLetters(Map.of("WRONG_FEATURE_COUNT", 1L)));

    // When the model is requested
    final JsonNode body = JSON.readTree(get("/models/m").body());

    // Then its dead_letters object names the reason
    assertThat(body.get("dead_letters").get("WRONG_FEATURE_COUNT").asLong()).isEqualTo(1L);
    assertThat(body.get("dead_letters").size()).isEqualTo(1);
  }

  @Test
  void shouldLinkEachListedModelToItsOwnRouteEvenWithSlashesInTheKey() throws Exception {
    // Given a model whose key holds a slash and a space
    models.put("shop/7 eu", view("shop/7 eu", new double[] {0}, new double[] {1}));

    // When the list is followed to the model
    final String href = JSON.readTree(get("/models").body()).get("models").get(0).get("href").asText();

    // Then the link is one encoded segment that answers with that model
    assertThat(href).isEqualTo("/models/shop%2F7%20eu");
    assertThat(JSON.readTree(get(href).body()).get("model").asText()).isEqualTo("shop/7 eu");
  }

  @Test
  void shouldAnswerUnknownKeysAndRoutesWithJson404() throws Exception {
    // Given no models
    // When an unknown key and an unknown route are requested
    final HttpResponse<String> unknownKey = get("/models/nope");
    final HttpResponse<String> unknownRoute = get("/nothing-here");

    // Then both are 404 with a JSON error
    assertThat(unknownKey.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknownKey.body()).get("error").asText()).contains("nope");
    assertThat(unknownRoute.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknownRoute.body()).get("status").asInt()).isEqualTo(404);
  }

  @Test
  void shouldRefuseOtherMethodsWith405() throws Exception {
    // When a model is POSTed to
    final HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create(api.address() + "/models/x")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());

    // Then the method is refused, as JSON
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(JSON.readTree(response.body()).get("error").asText()).contains("POST");
  }

  @Test
  void shouldPageThroughModels() throws Exception {
    // Given three models
    for (final String k : List.of("a", "b", "c")) {
      models.put(k, view(k, new double[] {0}, new double[] {1}));
    }

    // When the first page of two is requested
    final JsonNode page = JSON.readTree(get("/models?limit=2").body());

    // Then it lists two and links to the next page
    assertThat(page.get("models")).hasSize(2);
    assertThat(page.get("models").get(0).get("href").asText()).isEqualTo("/models/a");
    assertThat(page.get("next").asText()).isEqualTo("/models?offset=2&limit=2");
    assertThat(get("/models?limit=zero").statusCode()).isEqualTo(400);
  }

  @Test
  void shouldReportNotReadyAs503() throws Exception {
    // Given an application that is rebalancing
    ready = false;

    // When readiness is asked
    final HttpResponse<String> response = get("/ready");

    // Then it is unavailable and says why
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(response.body()).get("state").asText()).isEqualTo("REBALANCING");
  }

  private HttpResponse<String> get(final String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(api.address() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static ModelView view(final String key, final double[] b, final double[] se) {
    final List<String> names = new ArrayList<>();
    names.add("intercept");
    for (int j = 1; j < b.length; j++) {
      names.add("x" + j);
    }
    return new ModelView(key, 3, names, b, se, Optional.empty(), 100, 100.0, 5, "OK", "", 0L, -1, Map.of());
  }
}
