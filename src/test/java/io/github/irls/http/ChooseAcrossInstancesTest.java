package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.irls.glm.Posterior;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /choose} over arms on several instances: one request to each other instance however
 * many arms it hosts, answers equal to the byte to those of one instance hosting every arm, and the
 * per-arm failures (a standby for an instance that does not answer, 404, 400, 502, 503) answered for
 * the first arm given that has one.
 */
class ChooseAcrossInstancesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<HttpApi> apis = new ArrayList<>();
  private final List<HttpServer> stubs = new ArrayList<>();

  @AfterEach
  void stop() {
    apis.forEach(HttpApi::close);
    stubs.forEach(s -> s.stop(0));
  }

  @Test
  void shouldAskTheOtherInstanceOnceAndChooseAsOneInstanceHoldingEveryArmDoes() throws Exception {
    // Given ten arms, the even ones on A, the odd ones on B (behind a proxy counting what it is
    // asked), and C holding all ten
    final List<String> arms = new ArrayList<>();
    final ServedModels onA = new ServedModels();
    final ServedModels onB = new ServedModels();
    final ServedModels onC = new ServedModels();
    final Map<String, Peers.Owner> owners = new TreeMap<>();
    final List<String> asked = Collections.synchronizedList(new ArrayList<>());
    final String b = proxy(serve(onB, Map.of(), List.of()), asked);
    for (int i = 0; i < 10; i++) {
      final String arm = "bandit/arm-" + i;
      final Posterior posterior = ServedModels.correlated(new double[] {0.1 * i - 0.5, 0.3, -0.2 + 0.05 * i}, 60 + i);
      arms.add(arm);
      (i % 2 == 0 ? onA : onB).put(arm, i + 1, posterior);
      onC.put(arm, i + 1, posterior);
      if (i % 2 == 1) {
        owners.put(arm, new Peers.Owner(b, List.of(), false));
      }
    }
    final HttpApi a = serve(onA, owners, List.of(b));
    final HttpApi c = serve(onC, Map.of(), List.of());
    final List<String> reversed = new ArrayList<>(arms);
    Collections.reverse(reversed);

    for (int seed = 0; seed < 10; seed++) {
      // When A and C make the same choice (the arms given in reverse, so that the answer's order is
      // the order given, not the instances')
      asked.clear();
      final String choose = "{\"context\": [0.5, -1.25], \"arms\": " + JSON.writeValueAsString(reversed)
          + ", \"seed\": " + seed + "}";
      final HttpResponse<String> viaA = send(a, "/choose", choose);
      final HttpResponse<String> allHere = send(c, "/choose", choose);

      // Then A asked B once, for B's five arms in the order given, as a forwarded choice
      assertThat(asked).containsExactly("POST /choose forwarded stale=false arms=[bandit/arm-9, bandit/arm-7, "
          + "bandit/arm-5, bandit/arm-3, bandit/arm-1]");
      // And its answer is C's to the byte: the same choice, versions, eta and probabilities
      assertThat(viaA.statusCode()).as(viaA.body()).isEqualTo(200);
      assertThat(viaA.body()).isEqualTo(allHere.body());
      assertThat(armsOf(JSON.readTree(viaA.body()))).isEqualTo(reversed);
    }
  }

  @Test
  void shouldDrawTheArmsOfAnInstanceThatDoesNotAnswerFromTheStandbysMarkedStale() throws Exception {
    // Given arm x on A; y and z active on an instance that is gone, y with a standby copy on B (one
    // proxy counting what it is asked), z with one on A itself; and C holding all three
    final Posterior x = ServedModels.correlated(new double[] {0.1, 0.3, -0.2}, 71);
    final Posterior y = ServedModels.correlated(new double[] {0.0, -0.1, 0.4}, 72);
    final Posterior z = ServedModels.correlated(new double[] {0.2, 0.2, 0.0}, 73);
    final List<String> asked = Collections.synchronizedList(new ArrayList<>());
    final String b = proxy(serve(new ServedModels().putStandby("y", 2, y), Map.of(), List.of()), asked);
    final String gone = HttpApiForwardingTest.deadEndpoint();
    final HttpApi a = serve(new ServedModels().put("x", 1, x).putStandby("z", 3, z), Map.of(
        "y", new Peers.Owner(gone, List.of(b), false),
        "z", new Peers.Owner(gone, List.of(b), true)), List.of(gone, b));
    final HttpApi c = serve(new ServedModels().put("x", 1, x).put("y", 2, y).put("z", 3, z), Map.of(), List.of());

    // When A and C choose among them with one seed
    final String choose = "{\"context\": [1.5, 0.5], \"arms\": [\"x\", \"y\", \"z\"], \"seed\": 11}";
    final HttpResponse<String> viaA = send(a, "/choose", choose);
    final JsonNode allHere = JSON.readTree(send(c, "/choose", choose).body());

    // Then y was drawn by B's standby copy, asked once, and z by A's own, both marked stale
    assertThat(viaA.statusCode()).as(viaA.body()).isEqualTo(200);
    assertThat(asked).containsExactly("POST /choose forwarded stale=true arms=[y]");
    final JsonNode choice = JSON.readTree(viaA.body());
    assertThat(choice.get("arms").get(0).has("stale")).isFalse();
    assertThat(choice.get("arms").get(1).get("stale").asBoolean()).isTrue();
    assertThat(choice.get("arms").get(2).get("stale").asBoolean()).isTrue();
    // And the draws are those of the active copies (the same versions here), so the choice is C's
    for (int i = 0; i < 3; i++) {
      assertThat(choice.get("arms").get(i).get("eta")).isEqualTo(allHere.get("arms").get(i).get("eta"));
    }
    assertThat(choice.get("arm")).isEqualTo(allHere.get("arm"));
  }

  @Test
  void shouldAnswerTheErrorOfTheFirstArmGivenWhereverItWasDrawn() throws Exception {
    // Given A hosting "here" (2 features) and knowing nothing of "lost"; B hosting "there" (3
    // features) and told by A to host "missing", which B has no model for
    final HttpApi b = serve(new ServedModels().put("there", 1, ServedModels.correlated(new double[] {0, 1, 2, 3}, 81)),
        Map.of(), List.of());
    final Peers.Owner onB = new Peers.Owner(HttpApiForwardingTest.endpoint(b), List.of(), false);
    final HttpApi a = serve(new ServedModels().put("here", 1, ServedModels.correlated(new double[] {0, 1, 2}, 82)),
        Map.of("there", onB, "missing", onB), List.of(HttpApiForwardingTest.endpoint(b)));

    // When A is asked to choose with an arm B does not have, or a context too short for B's arm,
    // given before or after an arm A does not have
    final HttpResponse<String> missingFirst = send(a, "/choose",
        "{\"context\": [1, 2], \"arms\": [\"here\", \"missing\", \"lost\"]}");
    final HttpResponse<String> lostFirst = send(a, "/choose",
        "{\"context\": [1, 2], \"arms\": [\"lost\", \"missing\", \"here\"]}");
    final HttpResponse<String> shortFirst = send(a, "/choose",
        "{\"context\": [1, 2], \"arms\": [\"there\", \"lost\"]}");

    // Then the error answered is the first arm's given that has one, each naming its arm
    assertThat(missingFirst.statusCode()).isEqualTo(404);
    assertThat(error(missingFirst)).isEqualTo("no model with key 'missing'");
    assertThat(lostFirst.statusCode()).isEqualTo(404);
    assertThat(error(lostFirst)).isEqualTo("no model with key 'lost'");
    assertThat(shortFirst.statusCode()).isEqualTo(400);
    assertThat(error(shortFirst)).isEqualTo("context has 2 values; model 'there' has 3 features");
  }

  @Test
  void shouldAnswer502NamingTheArmForABadAnswerAnd503WhenNobodyAnswers() throws Exception {
    // Given arms on instances answering garbage, a coefficient that is no number, an error, or
    // nothing at all (gone, no standby)
    final Map<String, Peers.Owner> owners = Map.of(
        "garbage", owned(stub(200, "this is not JSON")),
        "word", owned(stub(200, "{\"seed\":1,\"arms\":[{\"arm\":\"word\",\"version\":1,\"draw\":[0.5,\"x\"]}]}")),
        "empty", owned(stub(200, "{\"seed\":1,\"arms\":[]}")),
        "failing", owned(stub(500, "{\"error\":\"boom\",\"status\":500}")),
        "gone", owned(HttpApiForwardingTest.deadEndpoint()));
    final HttpApi a = serve(new ServedModels(), owners, List.of());

    // When / Then each is refused naming its arm
    assertThat(choose(a, "garbage")).containsExactly("502", "the answer of the instance hosting arm 'garbage' to its draw is not JSON");
    assertThat(choose(a, "word")).containsExactly("502",
        "the answer of the instance hosting arm 'word' to its draw has a coefficient that is not a number");
    assertThat(choose(a, "empty")).containsExactly("502",
        "the answer of the instance hosting arm 'empty' to its draw has no draw and version");
    assertThat(choose(a, "failing")).containsExactly("502", "the instance hosting arm 'failing' answered 500 to its draw");
    assertThat(choose(a, "gone")).element(0).isEqualTo("503");
    assertThat(choose(a, "gone")).element(1).asString().startsWith("the instance hosting 'gone' (")
        .endsWith(") does not answer and no standby does");
  }

  // ---------------------------------------------------------------------------------------------

  private HttpApi serve(final ServedModels models, final Map<String, Peers.Owner> owners, final List<String> others)
      throws Exception {
    final HttpApi api = HttpApi.bind("127.0.0.1", 0);
    api.serve(models, () -> "", new MapPeers(owners, others));
    apis.add(api);
    return api;
  }

  /**
   * A stand-in for {@code target} at another address that relays every request to it and records
   * it in {@code asked} (method, path, marks and the arms in its body): {@code host:port}.
   */
  private String proxy(final HttpApi target, final List<String> asked) throws Exception {
    final HttpServer proxy = JdkHttpServers.http(new InetSocketAddress("127.0.0.1", 0));
    proxy.createContext("/", exchange -> {
      try (exchange) {
        final byte[] body = exchange.getRequestBody().readAllBytes();
        final boolean stale = "1".equals(exchange.getRequestHeaders().getFirst(HttpApi.STALE_HEADER));
        asked.add(exchange.getRequestMethod() + " " + exchange.getRequestURI()
            + (exchange.getRequestHeaders().containsKey(HttpApi.FORWARDED_HEADER) ? " forwarded" : "")
            + " stale=" + stale + " arms=" + (body.length == 0 ? "" : armsOf(JSON.readTree(body))));
        final HttpRequest.Builder relayed = HttpRequest.newBuilder(URI.create(target.address() + exchange.getRequestURI()))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (final String header : List.of(HttpApi.FORWARDED_HEADER, HttpApi.STALE_HEADER, "Content-Type")) {
          final String value = exchange.getRequestHeaders().getFirst(header);
          if (value != null) {
            relayed.header(header, value);
          }
        }
        final HttpResponse<byte[]> answer = client.send(relayed.build(), HttpResponse.BodyHandlers.ofByteArray());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
        exchange.getResponseBody().write(answer.body());
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    proxy.start();
    stubs.add(proxy);
    return "127.0.0.1:" + proxy.getAddress().getPort();
  }

  /** An instance answering every request with {@code status} and {@code body}: {@code host:port}. */
  private String stub(final int status, final String body) throws Exception {
    final HttpServer stub = JdkHttpServers.http(new InetSocketAddress("127.0.0.1", 0));
    stub.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
      }
    });
    stub.start();
    stubs.add(stub);
    return "127.0.0.1:" + stub.getAddress().getPort();
  }

  private static Peers.Owner owned(final String host) {
    return new Peers.Owner(host, List.of(), false);
  }

  /** The status and error of a choice of {@code arm} alone. */
  private List<String> choose(final HttpApi api, final String arm) throws Exception {
    final HttpResponse<String> response = send(api, "/choose", "{\"context\": [1.0], \"arms\": [\"" + arm + "\"]}");
    return List.of(String.valueOf(response.statusCode()), error(response));
  }

  private static List<String> armsOf(final JsonNode body) {
    final List<String> arms = new ArrayList<>();
    body.get("arms").forEach(arm -> arms.add(arm.isTextual() ? arm.asText() : arm.get("arm").asText()));
    return arms;
  }

  private static String error(final HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body()).path("error").asText();
  }

  private HttpResponse<String> send(final HttpApi api, final String path, final String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(api.address() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
