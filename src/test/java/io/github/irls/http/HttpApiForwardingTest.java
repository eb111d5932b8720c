package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Forwarding between instances: to the active one, to a standby when it is gone, never twice. */
class HttpApiForwardingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<HttpApi> apis = new ArrayList<>();

  @AfterEach
  void stop() {
    apis.forEach(HttpApi::close);
  }

  @Test
  void shouldForwardToTheActiveInstanceAndReturnItsAnswerUnchanged() throws Exception {
    // Given instance B hosting "shop/7" and instance A told that B is active for it
    final HttpApi b = serve(new InMemoryModels(Map.of("shop/7", view("shop/7", 3)), Map.of()), Peers.NONE);
    final HttpApi a = serve(new InMemoryModels(Map.of(), Map.of()), owner(endpoint(b), List.of(), false, List.of()));

    // When A is asked for the model and its history
    final HttpResponse<String> viaA = get(a, "/models/shop%2F7", false);
    final HttpResponse<String> direct = get(b, "/models/shop%2F7", false);
    final HttpResponse<String> history = get(a, "/models/shop%2F7/history", false);

    // Then A returns B's answer unchanged
    assertThat(viaA.statusCode()).isEqualTo(200);
    assertThat(viaA.body()).isEqualTo(direct.body());
    assertThat(JSON.readTree(viaA.body()).get("version").asLong()).isEqualTo(3);
    assertThat(history.statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAskTheStandbyWhenTheActiveIsUnreachable() throws Exception {
    // Given an active instance that is gone and a standby B holding a stale copy of "k"
    final HttpApi b = serve(new InMemoryModels(Map.of(), Map.of("k", view("k", 2))), Peers.NONE);
    final HttpApi a = serve(new InMemoryModels(Map.of(), Map.of()), owner(deadEndpoint(), List.of(endpoint(b)), false, List.of()));

    // When A is asked for "k"
    final HttpResponse<String> response = get(a, "/models/k", false);

    // Then the standby answers from its standby store, marked stale
    assertThat(response.statusCode()).isEqualTo(200);
    final JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("version").asLong()).isEqualTo(2);
    assertThat(body.get("stale").asBoolean()).isTrue();
  }

  @Test
  void shouldAnswerFromItsOwnStandbyCopyWhenTheActiveIsUnreachable() throws Exception {
    // Given an active instance that is gone and this instance holding a standby copy of "k"
    final HttpApi a = serve(new InMemoryModels(Map.of(), Map.of("k", view("k", 4))), owner(deadEndpoint(), List.of(), true, List.of()));

    // When it is asked for "k"
    final HttpResponse<String> response = get(a, "/models/k", false);

    // Then it answers from the standby copy, marked stale
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("stale").asBoolean()).isTrue();
  }

  @Test
  void shouldNeverForwardAForwardedRequest() throws Exception {
    // Given A told that B is active for "k", B knowing nothing of it
    final HttpApi b = serve(new InMemoryModels(Map.of(), Map.of()), Peers.NONE);
    final HttpApi a = serve(new InMemoryModels(Map.of("k", view("k", 1)), Map.of()), owner(endpoint(b), List.of(), false, List.of()));

    // When A receives a request already forwarded
    final HttpResponse<String> response = get(a, "/models/k", true);

    // Then A answers it itself
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("model").asText()).isEqualTo("k");
  }

  @Test
  void shouldListTheKeysOfEveryInstanceSortedAndPaged() throws Exception {
    // Given A hosting a1 and a3 and B hosting b2 and a3 (a duplicate)
    final HttpApi b = serve(new InMemoryModels(Map.of("b2", view("b2", 1), "a3", view("a3", 1)), Map.of()), Peers.NONE);
    final HttpApi a = serve(new InMemoryModels(Map.of("a1", view("a1", 1), "a3", view("a3", 1)), Map.of()),
        owner(null, List.of(), false, List.of(endpoint(b))));

    // When A lists the models, all of them, a page, and its own only
    final JsonNode all = JSON.readTree(get(a, "/models", false).body());
    final JsonNode page = JSON.readTree(get(a, "/models?offset=1&limit=1", false).body());
    final JsonNode local = JSON.readTree(get(a, "/models?local=true", false).body());

    // Then the keys are merged, sorted and deduplicated before paging
    assertThat(keys(all)).containsExactly("a1", "a3", "b2");
    assertThat(keys(page)).containsExactly("a3");
    assertThat(page.get("next").asText()).isEqualTo("/models?offset=2&limit=1");
    assertThat(keys(local)).containsExactly("a1", "a3");
  }

  @Test
  void shouldSearchSortAndPageTheModelsOfEveryInstanceTogether() throws Exception {
    // Given A hosting a1 and a3, B hosting b2, a3 (a duplicate) and ba5, versions as in their names
    final HttpApi b = serve(new InMemoryModels(Map.of("b2", view("b2", 2), "a3", view("a3", 3), "ba5", view("ba5", 5)),
        Map.of()), Peers.NONE);
    final HttpApi a = serve(new InMemoryModels(Map.of("a1", view("a1", 1), "a3", view("a3", 3)), Map.of()),
        owner(null, List.of(), false, List.of(endpoint(b))));

    // When A is asked for the keys holding "A", newest version first, two at a time
    final JsonNode first = JSON.readTree(get(a, "/models?q=A&sort=version&limit=2", false).body());
    final JsonNode second = JSON.readTree(get(a, first.get("next").asText(), false).body());

    // Then the matches of both instances are counted once, ordered across them, then paged
    assertThat(first.get("total").asInt()).isEqualTo(3);
    assertThat(keys(first)).containsExactly("ba5", "a3");
    assertThat(first.get("next").asText()).isEqualTo("/models?offset=2&limit=2&q=A&sort=version&order=desc");
    assertThat(keys(second)).containsExactly("a1");
    assertThat(second.get("total").asInt()).isEqualTo(3);
    assertThat(second.has("next")).isFalse();
  }

  @Test
  void shouldAskOtherInstancesForTheirMatchesOnlyAndSortByTheirFields() throws Exception {
    // Given A hosting "ap9" and another instance that sends summaries with a last z-score (one null)
    final List<String> asked = new ArrayList<>();
    final HttpServer other = JdkHttpServers.http(new InetSocketAddress("127.0.0.1", 0));
    other.createContext("/", exchange -> {
      asked.add(exchange.getRequestURI().toString() + " forwarded=" + exchange.getRequestHeaders().containsKey(
          HttpApi.FORWARDED_HEADER));
      final byte[] page = ("{\"offset\":0,\"limit\":10000,\"total\":4,\"models\":["
          + "{\"model\":\"p1\",\"version\":1,\"events_total\":1,\"status\":\"OK\",\"last_logloss_z\":2.5},"
          + "{\"model\":\"p2\",\"version\":1,\"events_total\":1,\"status\":\"OK\",\"last_logloss_z\":null},"
          + "{\"model\":\"p3\",\"version\":1,\"events_total\":1,\"status\":\"OK\",\"last_logloss_z\":-1},"
          + "{\"model\":\"q4\",\"version\":1,\"events_total\":1,\"status\":\"OK\",\"last_logloss_z\":9}]}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    other.start();
    try {
      final HttpApi a = serve(new InMemoryModels(Map.of("ap9", view("ap9", 1)), Map.of()),
          owner(null, List.of(), false, List.of("127.0.0.1:" + other.getAddress().getPort())));

      // When A is asked for the keys holding "P" by last z-score, largest first and smallest first
      final JsonNode byDefault = JSON.readTree(get(a, "/models?q=P&sort=logloss_z", false).body());
      final JsonNode ascending = JSON.readTree(get(a, "/models?q=P&sort=logloss_z&order=asc", false).body());

      // Then the other instance was asked for its own matches, as a forwarded request
      assertThat(asked).containsOnly("/models?local=true&offset=0&limit=10000&q=P forwarded=true");
      // And a model without a z-score, here or there, comes last in either order; one not matching
      // the search is left out even when sent
      assertThat(keys(byDefault)).containsExactly("p1", "p3", "ap9", "p2");
      assertThat(keys(ascending)).containsExactly("p3", "p1", "ap9", "p2");
      assertThat(byDefault.get("total").asInt()).isEqualTo(4);
    } finally {
      other.stop(0);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private HttpApi serve(final ModelQueries queries, final Peers peers) throws Exception {
    final HttpApi api = HttpApi.bind("127.0.0.1", 0);
    apis.add(api);
    api.serve(queries, () -> "", peers);
    return api;
  }

  private static Peers owner(final String active, final List<String> standbys, final boolean here,
      final List<String> others) {
    return new Peers() {
      @Override
      public Owner owner(final String key) {
        return active == null ? Owner.LOCAL : new Owner(active, standbys, here);
      }

      @Override
      public List<String> others() {
        return others;
      }
    };
  }

  static String endpoint(final HttpApi api) {
    return "127.0.0.1:" + api.port();
  }

  /** A port nobody listens on. */
  static String deadEndpoint() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  private static List<String> keys(final JsonNode list) {
    final List<String> keys = new ArrayList<>();
    list.get("models").forEach(m -> keys.add(m.get("model").asText()));
    return keys;
  }

  private static ModelView view(final String key, final long version) {
    return new ModelView(key, version, List.of("intercept", "x1"), new double[] {0.5, -1}, new double[] {0.1, 0.2},
        Optional.empty(), 100 * version, 100.0 * version, 0, "OK", "", 0L, -1, Map.of());
  }

  private HttpResponse<String> get(final HttpApi api, final String path, final boolean forwarded) throws Exception {
    final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.address() + path)).GET();
    if (forwarded) {
      request.header(HttpApi.FORWARDED_HEADER, "1");
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
