package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.glm.Posterior;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The serving routes across instances: a score (a POST, body and all) and a sample answered by the
 * instance hosting the key, a standby's answer marked stale when that one is gone, and a Thompson
 * choice whose arms live on two instances equal to the same choice made where all of them live.
 */
class ServingForwardingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Posterior K = ServedModels.correlated(new double[] {0.2, -1.0, 0.5}, 41);
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<HttpApi> apis = new ArrayList<>();

  @AfterEach
  void stop() {
    apis.forEach(HttpApi::close);
  }

  @Test
  void shouldScoreAndSampleOnTheInstanceHostingTheKey() throws Exception {
    // Given B hosting "k" and A told that B is active for it
    final HttpApi b = serve(new ServedModels().put("k", 5, K), Map.of());
    final HttpApi a = serve(new ServedModels(), Map.of("k", new Peers.Owner(HttpApiForwardingTest.endpoint(b), List.of(), false)));

    // When A is asked for scores and draws of "k"
    final String body = "{\"features\": [[1.0, 2.0], [-3.0, 0.5]]}";
    final HttpResponse<String> viaA = send(a, "POST", "/models/k/score", body);
    final HttpResponse<String> direct = send(b, "POST", "/models/k/score", body);
    final HttpResponse<String> drawsViaA = send(a, "GET", "/models/k/sample?n=4&seed=9", "");
    final HttpResponse<String> drawsDirect = send(b, "GET", "/models/k/sample?n=4&seed=9", "");

    // Then A relays B's answers unchanged
    assertThat(viaA.statusCode()).isEqualTo(200);
    assertThat(viaA.body()).isEqualTo(direct.body());
    assertThat(JSON.readTree(viaA.body()).get("version").asLong()).isEqualTo(5);
    assertThat(drawsViaA.statusCode()).isEqualTo(200);
    assertThat(drawsViaA.body()).isEqualTo(drawsDirect.body());
  }

  @Test
  void shouldScoreFromAStandbyMarkedStaleWhenTheActiveIsGone() throws Exception {
    // Given an active instance that is gone and a standby B holding a copy of "k"
    final HttpApi b = serve(new ServedModels().putStandby("k", 3, K), Map.of());
    final HttpApi a = serve(new ServedModels(), Map.of("k", new Peers.Owner(HttpApiForwardingTest.deadEndpoint(), List.of(HttpApiForwardingTest.endpoint(b)), false)));

    // When A is asked for a score of "k"
    final HttpResponse<String> response = send(a, "POST", "/models/k/score", "{\"features\": [1.0, 2.0]}");

    // Then the standby answers from its copy, marked stale
    assertThat(response.statusCode()).isEqualTo(200);
    final JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("stale").asBoolean()).isTrue();
    assertThat(answer.get("version").asLong()).isEqualTo(3);
    assertThat(answer.get("scores")).hasSize(1);
  }

  @Test
  void shouldMakeTheSameChoiceWhereverTheArmsLive() throws Exception {
    // Given arms x, y on A and z on B, and one instance C holding all three
    final Posterior x = ServedModels.correlated(new double[] {0.1, 0.3, -0.2}, 51);
    final Posterior y = ServedModels.correlated(new double[] {0.0, -0.1, 0.4}, 52);
    final Posterior z = ServedModels.correlated(new double[] {0.2, 0.2, 0.0}, 53);
    final HttpApi b = serve(new ServedModels().put("bandit/z", 7, z), Map.of());
    final HttpApi a = serve(new ServedModels().put("bandit/x", 5, x).put("bandit/y", 6, y),
        Map.of("bandit/z", new Peers.Owner(HttpApiForwardingTest.endpoint(b), List.of(), false)), List.of(HttpApiForwardingTest.endpoint(b)));
    final HttpApi c = serve(new ServedModels().put("bandit/x", 5, x).put("bandit/y", 6, y).put("bandit/z", 7, z),
        Map.of());

    // When the same seeds choose among the arms by list on A, by prefix on A, and by list on C
    for (int seed = 0; seed < 20; seed++) {
      final String byList = "{\"context\": [0.5, 1.0], \"arms\": [\"bandit/x\", \"bandit/y\", \"bandit/z\"], \"seed\": "
          + seed + "}";
      final JsonNode onA = JSON.readTree(send(a, "POST", "/choose", byList).body());
      final JsonNode byPrefix = JSON.readTree(send(a, "POST", "/choose",
          "{\"context\": [0.5, 1.0], \"prefix\": \"bandit/\", \"seed\": " + seed + "}").body());
      final JsonNode onC = JSON.readTree(send(c, "POST", "/choose", byList).body());

      // Then the arms, their versions and draws and the choice are the same
      assertThat(onA).isEqualTo(onC);
      assertThat(byPrefix).isEqualTo(onC);
      assertThat(onA.get("arms").get(2).get("version").asLong()).isEqualTo(7);
    }
  }

  private HttpApi serve(final ServedModels models, final Map<String, Peers.Owner> owners) throws Exception {
    return serve(models, owners, List.copyOf(new java.util.LinkedHashSet<>(owners.values().stream()
        .map(Peers.Owner::active).toList())));
  }

  private HttpApi serve(final ServedModels models, final Map<String, Peers.Owner> owners, final List<String> others)
      throws Exception {
    final HttpApi api = HttpApi.bind("127.0.0.1", 0);
    api.serve(models, () -> "", new MapPeers(owners, others));
    apis.add(api);
    return api;
  }

  private HttpResponse<String> send(final HttpApi api, final String method, final String path, final String body)
      throws Exception {
    final HttpRequest.BodyPublisher publisher =
        body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    return client.send(HttpRequest.newBuilder(URI.create(api.address() + path)).method(method, publisher).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
