package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.query.ModelView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET /models} on one instance: search, sort, order, total and paging, over in-memory models. */
class ModelListingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final InMemoryModels models = new InMemoryModels(Map.of(), Map.of());
  private HttpApi api;

  @BeforeEach
  void start() throws Exception {
    api = HttpApi.start("127.0.0.1", 0, models);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void shouldKeepTheKeysThatContainTheSearchIgnoringCase() throws Exception {
    // Given three models, two of them with "eu" in their keys in either case
    put("Shop/EU-1", 1, 10, "OK");
    put("shop/us-2", 1, 10, "OK");
    put("bank/eu-3", 1, 10, "OK");

    // When the list is searched for "eU"
    final JsonNode page = getJson("/models?q=eU");

    // Then only those two come back, by key, and the total counts them
    assertThat(keys(page)).containsExactly("Shop/EU-1", "bank/eu-3");
    assertThat(page.get("total").asInt()).isEqualTo(2);
    assertThat(page.has("next")).isFalse();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "'',                         a b c d",
      "?sort=key,                  a b c d",
      "?sort=key&order=desc,       d c b a",
      "?sort=events,               b a d c",
      "?sort=events&order=asc,     c a d b",
      "?sort=version,              a c d b",
      "?sort=version&order=asc,    b c d a",
      "?sort=status,               b d a c",
      "?sort=status&order=asc,     c a d b",
  })
  void shouldSortByEachFieldLargestFirstUnlessByKey(final String parameters, final String expected)
      throws Exception {
    // Given four models with different versions, events and statuses; a and d tie on events
    put("a", 3, 500, "OK");
    put("b", 1, 900, "SEPARATION");
    put("c", 2, 100, "NON_FINITE");
    put("d", 2, 500, "RIDGE_ADDED");

    // When the list is asked in that order
    final JsonNode page = getJson("/models" + parameters);

    // Then the models come in it, ties by key
    assertThat(keys(page)).containsExactly(expected.split(" "));
    assertThat(page.get("total").asInt()).isEqualTo(4);
  }

  @Test
  void shouldPageASortedSearchWithLinksThatKeepIt() throws Exception {
    // Given five models whose keys hold "shop", each with a different events total, and two others
    for (int i = 1; i <= 5; i++) {
      put("shop/" + i, 1, 100L * i, "OK");
    }
    put("bank/1", 1, 1000, "OK");
    put("bank/2", 1, 2000, "OK");

    // When the search for "SHOP" by events is read two at a time, following the next links
    final List<String> seen = new ArrayList<>();
    final List<String> links = new ArrayList<>();
    String path = "/models?q=SHOP&sort=events&limit=2";
    while (path != null) {
      final JsonNode page = getJson(path);
      assertThat(page.get("total").asInt()).isEqualTo(5);
      seen.addAll(keys(page));
      path = page.hasNonNull("next") ? page.get("next").asText() : null;
      if (path != null) {
        links.add(path);
      }
    }

    // Then every match came once, largest first, and each link kept the search and the order
    assertThat(seen).containsExactly("shop/5", "shop/4", "shop/3", "shop/2", "shop/1");
    assertThat(links).containsExactly(
        "/models?offset=2&limit=2&q=SHOP&sort=events&order=desc",
        "/models?offset=4&limit=2&q=SHOP&sort=events&order=desc");
  }

  @Test
  void shouldKeepASearchWithSpacesAndSlashesInTheNextLink() throws Exception {
    // Given two models whose keys hold "eu / 7"
    put("shop eu / 7a", 1, 1, "OK");
    put("shop eu / 7b", 1, 1, "OK");

    // When the first page of one is asked for that search
    final JsonNode first = getJson("/models?q=eu+%2F+7&limit=1");
    final JsonNode second = getJson(first.get("next").asText());

    // Then the next link encodes the search so that it finds the second model
    assertThat(keys(first)).containsExactly("shop eu / 7a");
    assertThat(first.get("next").asText()).isEqualTo("/models?offset=1&limit=1&q=eu+%2F+7");
    assertThat(keys(second)).containsExactly("shop eu / 7b");
    assertThat(second.get("total").asInt()).isEqualTo(2);
  }

  @Test
  void shouldReadOnlyThePagesModelsWhenSortingByKey() throws Exception {
    // Given five models
    for (final String k : List.of("a", "b", "c", "d", "e")) {
      put(k, 1, 1, "OK");
    }

    // When the second page of two is asked by key, then the first by events
    final JsonNode byKey = getJson("/models?offset=2&limit=2");
    final List<String> readByKey = models.read();
    models.forgetReads();
    getJson("/models?sort=events&limit=2");

    // Then the key order read the page's two models only, the events order all five
    assertThat(keys(byKey)).containsExactly("c", "d");
    assertThat(readByKey).containsExactly("c", "d");
    assertThat(models.read()).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
  }

  @Test
  void shouldCountTheMatchesEvenPastTheLastPage() throws Exception {
    // Given three models
    for (final String k : List.of("a", "b", "c")) {
      put(k, 1, 1, "OK");
    }

    // When a page after the last one is asked
    final JsonNode page = getJson("/models?offset=5&limit=2");

    // Then it is empty, without a next link, and still says how many there are
    assertThat(page.get("models")).isEmpty();
    assertThat(page.has("next")).isFalse();
    assertThat(page.get("offset").asInt()).isEqualTo(5);
    assertThat(page.get("total").asInt()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "?sort=size|             sort must be one of events, key, logloss_z, status, version, got 'size'",
      "?sort=|                 sort must be one of events, key, logloss_z, status, version, got ''",
      "?sort=EVENTS|           sort must be one of events, key, logloss_z, status, version, got 'EVENTS'",
      "?order=up|              order must be asc or desc, got 'up'",
      "?sort=events&order=|    order must be asc or desc, got ''",
  })
  void shouldRefuseAnUnknownSortOrOrderWith400(final String parameters, final String message) throws Exception {
    // Given a model
    put("a", 1, 1, "OK");

    // When the list is asked in an order that does not exist
    final HttpResponse<String> response = get("/models" + parameters);

    // Then it is a JSON 400 that names the choices
    assertThat(response.statusCode()).isEqualTo(400);
    final JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("status").asInt()).isEqualTo(400);
    assertThat(body.get("error").asText()).isEqualTo(message);
  }

  // ---------------------------------------------------------------------------------------------

  private void put(final String key, final long version, final long events, final String status) {
    models.put(new ModelView(key, version, List.of("intercept"), new double[] {0}, new double[] {1},
        Optional.empty(), events, events, 0, status, "", 0L, -1, Map.of()));
  }

  private HttpResponse<String> get(final String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(api.address() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode getJson(final String path) throws Exception {
    final HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static List<String> keys(final JsonNode page) {
    final List<String> keys = new ArrayList<>();
    page.get("models").forEach(m -> keys.add(m.get("model").asText()));
    return keys;
  }
}
