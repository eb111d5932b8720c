package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.query.HistoryEntry;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /models/{key}/history} and the dashboard's static files, over in-memory models. */
class HistoryAndDashboardRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, ModelView> models = new TreeMap<>();
  private final Map<String, List<HistoryEntry>> histories = new TreeMap<>();
  private final List<Integer> limitsAsked = new ArrayList<>();
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
        return List.copyOf(models.keySet());
      }

      @Override
      public List<HistoryEntry> history(final String key, final int limit) {
        limitsAsked.add(limit);
        final List<HistoryEntry> all = histories.getOrDefault(key, List.of());
        return all.subList(Math.max(0, all.size() - limit), all.size());
      }

      @Override
      public Health health() {
        return new Health("RUNNING", true);
      }
    });
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static ModelView model(final String key, final long version) {
    return new ModelView(key, version, List.of("intercept", "x1"), new double[] {0.5, -1}, new double[] {0.1, 0.2},
        Optional.empty(), 100 * version, 100.0 * version, 0, "OK", "", 0, -1, Map.of());
  }

  private static HistoryEntry entry(final long version, final String status) {
    return new HistoryEntry(version, 1000 + version, 100, 100 * version, List.of("intercept", "x1"),
        new double[] {0.1 * version, -version}, new double[] {0.5 / version, 1.0 / version}, status,
        "OK".equals(status) ? "" : "because");
  }

  private HttpResponse<String> get(final String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(api.address() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeTheLastUpdatesOfAKeyNewestLast() throws Exception {
    // Given a model key with a '/' and three updates, the second one flagged
    models.put("shop/7", model("shop/7", 3));
    histories.put("shop/7", List.of(entry(1, "OK"), entry(2, "SEPARATION"), entry(3, "OK")));

    // When its last two updates are requested by the URL-encoded key
    final HttpResponse<String> response = get("/models/shop%2F7/history?limit=2");

    // Then versions 2 and 3 come back in that order, with their coefficients, SEs and status
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    final JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("model").asText()).isEqualTo("shop/7");
    assertThat(body.get("limit").asInt()).isEqualTo(2);
    final JsonNode updates = body.get("updates");
    assertThat(updates).hasSize(2);
    assertThat(updates.get(0).get("version").asLong()).isEqualTo(2);
    assertThat(updates.get(0).get("status").asText()).isEqualTo("SEPARATION");
    assertThat(updates.get(0).get("status_reason").asText()).isEqualTo("because");
    assertThat(updates.get(1).get("version").asLong()).isEqualTo(3);
    assertThat(updates.get(1).get("window_end").asLong()).isEqualTo(1003);
    assertThat(updates.get(1).get("window_events").asLong()).isEqualTo(100);
    assertThat(updates.get(1).get("events_total").asLong()).isEqualTo(300);
    assertThat(updates.get(1).get("feature_names").get(1).asText()).isEqualTo("x1");
    assertThat(updates.get(1).get("coefficients").get(1).asDouble()).isEqualTo(-3.0);
    assertThat(updates.get(1).get("std_errors").get(0).asDouble()).isEqualTo(0.5 / 3);
  }

  @Test
  void shouldAskForTheDefaultLimitWhenNoneIsGiven() throws Exception {
    // Given a known model without any update yet
    models.put("fresh", model("fresh", 0));

    // When its history is requested without a limit
    final HttpResponse<String> response = get("/models/fresh/history");

    // Then the default limit is asked for and the answer is an empty list, not a 404
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(limitsAsked).containsExactly(HistoryHandler.DEFAULT_LIMIT);
    assertThat(JSON.readTree(response.body()).get("updates")).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/models/nope/history,              404",
      "/models/a/history?limit=0,         400",
      "/models/a/history?limit=x,         400",
      "/models/a/history?limit=10001,     400",
      "/models//history,                  404",
      "/models/a/b/history,               404",
  })
  void shouldAnswerBadHistoryRequestsWithJsonErrors(final String path, final int status) throws Exception {
    // Given one known model "a"
    models.put("a", model("a", 1));
    histories.put("a", List.of(entry(1, "OK")));

    // When the history is requested badly
    final HttpResponse<String> response = get(path);

    // Then the status is the expected one, with a JSON error
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(status);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "/,                        text/html; charset=utf-8,       <title>irls-streams dashboard</title>",
      "/index.html,              text/html; charset=utf-8,       static/dashboard.js",
      "/static/dashboard.js,     text/javascript; charset=utf-8, /history?limit=",
      "/static/dashboard.css,    text/css; charset=utf-8,        .chart .band",
  })
  void shouldServeTheDashboardFilesWithTheirContentTypes(final String path, final String type,
      final String excerpt) throws Exception {
    // Given the dashboard in the jar's resources
    // When a file is requested
    final HttpResponse<String> response = get(path);

    // Then it comes back with its content type and its content
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(type);
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.body()).contains(excerpt);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "/static/missing.js", "/static/", "/static/..%2Findex.html", "/static/../index.html",
      "/static/sub/dashboard.js", "/dashboard/index.html", "/index.htm", "/static/.hidden"})
  void shouldAnswerOtherStaticPathsWithJson404(final String path) throws Exception {
    // Given the dashboard's files
    // When a path outside them is requested
    final HttpResponse<String> response = get(path);

    // Then it is a JSON 404
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(404);
  }

  @Test
  void shouldNameTheContentTypeOfEachKindOfFile() {
    // Given / When / Then: known extensions get their type, anything else is plain bytes
    assertThat(DashboardHandler.contentType("a/b.svg")).isEqualTo("image/svg+xml");
    assertThat(DashboardHandler.contentType("LICENSE.txt")).isEqualTo("text/plain; charset=utf-8");
    assertThat(DashboardHandler.contentType("LICENSE")).isEqualTo("application/octet-stream");
    assertThat(DashboardHandler.contentType("x.wasm")).isEqualTo("application/octet-stream");
  }
}
