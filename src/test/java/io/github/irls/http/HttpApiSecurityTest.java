package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import io.github.irls.testing.TestTls;
import io.github.irls.tls.TlsMaterial;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API locked with TLS (a keytool-made certificate) and authentication, asked by a real
 * {@link HttpClient} over https: strangers get 401 everywhere but the probes, a client that does
 * not trust the certificate cannot even talk to it, and instances forward to each other over https
 * with their own credentials.
 */
class HttpApiSecurityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private static TestTls tls;
  private static HttpClient trusting;

  private final List<HttpApi> apis = new ArrayList<>();

  @BeforeAll
  static void makeCertificate() throws Exception {
    tls = TestTls.create(dir);
    trusting = HttpClient.newBuilder().sslContext(tls.clientContext()).connectTimeout(TIMEOUT).build();
  }

  @AfterEach
  void stop() {
    apis.forEach(HttpApi::close);
  }

  @Test
  void shouldAnswerOnlyRightCredentialsOverHttpsButLeaveTheProbesOpen() throws Exception {
    // Given an instance over https with basic authentication
    final HttpApi api = serve(models("k"), Peers.NONE,
        HttpSecurity.tls(keystoreOnly(), HttpAuth.basic(List.of("alice:wonder"), Optional.empty())));
    assertThat(api.address()).startsWith("https://");

    // When a trusting client asks without, with wrong and with the right credentials
    final HttpResponse<String> without = get(api, "/models/k", Optional.empty());
    final HttpResponse<String> wrong = get(api, "/models/k", Optional.of(basic("alice:land")));
    final HttpResponse<String> right = get(api, "/models/k", Optional.of(basic("alice:wonder")));

    // Then only the right ones are answered; the others get a JSON 401 with a basic challenge
    for (final HttpResponse<String> refused : List.of(without, wrong)) {
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"irls-streams\", charset=\"UTF-8\"");
      final JsonNode body = JSON.readTree(refused.body());
      assertThat(body.get("status").asInt()).isEqualTo(401);
      assertThat(body.get("error").asText()).isNotEmpty();
    }
    assertThat(JSON.readTree(without.body()).get("error").asText()).isEqualTo("authentication required");
    assertThat(JSON.readTree(wrong.body()).get("error").asText()).isEqualTo("credentials not accepted");
    assertThat(right.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(right.body()).get("model").asText()).isEqualTo("k");

    // And every other route (the dashboard, an unknown path) is locked too, the probes are not
    for (final String path : List.of("/models", "/metrics", "/dead-letters", "/", "/static/dashboard.js", "/nowhere")) {
      assertThat(get(api, path, Optional.empty()).statusCode()).as(path).isEqualTo(401);
    }
    assertThat(get(api, "/", Optional.of(basic("alice:wonder"))).statusCode()).isEqualTo(200);
    assertThat(get(api, "/health", Optional.empty()).statusCode()).isEqualTo(200);
    assertThat(get(api, "/ready", Optional.empty()).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswerTheBearerTokenOnly() throws Exception {
    // Given an instance over https with a bearer token
    final HttpApi api = serve(models("k"), Peers.NONE, HttpSecurity.tls(keystoreOnly(), HttpAuth.bearer("t0ken")));

    // When / Then
    final HttpResponse<String> without = get(api, "/models/k", Optional.empty());
    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(without.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"irls-streams\"");
    assertThat(get(api, "/models/k", Optional.of("Bearer t0ke")).statusCode()).isEqualTo(401);
    assertThat(get(api, "/models/k", Optional.of("Bearer t0ken")).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldRefuseAClientThatDoesNotTrustTheCertificateAndPlainHttp() throws Exception {
    // Given an instance over https, and a client with the JDK's trust only
    final HttpApi api = serve(models("k"), Peers.NONE, HttpSecurity.tls(keystoreOnly(), HttpAuth.NONE));
    final HttpClient untrusting = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    // When / Then the untrusting client fails the handshake
    assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(api.address() + "/health"))
        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
    // And plain http to the same port gets no HTTP answer (the connection fails, it does not time out)
    assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port()
        + "/health")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
    // While the trusting one is answered
    assertThat(get(api, "/health", Optional.empty()).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldForwardToAPeerOverHttpsWithThisInstancesCredentials() throws Exception {
    // Given B hosting "k" and A told that B is active for it, both over https with basic
    // authentication, A's peer user being bob (the file's first plain user is alice)
    final List<String> users = List.of("alice:wonder", "bob:builder");
    final HttpApi b = serve(models("k", "b1"), Peers.NONE,
        HttpSecurity.tls(withTrustStore(), HttpAuth.basic(users, Optional.empty())));
    final HttpApi a = serve(models("a1"), peers("127.0.0.1:" + b.port()),
        HttpSecurity.tls(withTrustStore(), HttpAuth.basic(users, Optional.of("bob:builder"))));

    // When alice asks A for the model and for every model
    final HttpResponse<String> model = get(a, "/models/k", Optional.of(basic("alice:wonder")));
    final HttpResponse<String> list = get(a, "/models", Optional.of(basic("alice:wonder")));

    // Then B answered A's forwarded request (it lets nobody in without credentials) over https
    assertThat(model.statusCode()).as(model.body()).isEqualTo(200);
    assertThat(JSON.readTree(model.body()).get("model").asText()).isEqualTo("k");
    assertThat(keys(JSON.readTree(list.body()))).containsExactly("a1", "b1", "k");
    assertThat(get(b, "/models/k", Optional.empty()).statusCode()).isEqualTo(401);
  }

  @Test
  void shouldAnswer502NamingThePeerAndTheSettingsWhenItDoesNotAcceptThisInstancesCredentials() throws Exception {
    // Given B with a token that A does not have, both trusting the key store's own certificate
    final HttpApi b = serve(models("k"), Peers.NONE, HttpSecurity.tls(keystoreOnly(), HttpAuth.bearer("b-token")));
    final HttpApi a = serve(models("a1"), peers("127.0.0.1:" + b.port()),
        HttpSecurity.tls(keystoreOnly(), HttpAuth.bearer("a-token")));

    // When a client with A's token asks A for B's model, and for a choice of an arm on B
    final HttpResponse<String> model = get(a, "/models/k", Optional.of("Bearer a-token"));
    final HttpResponse<String> choice = post(a, "/choose", "{\"context\": [1.0], \"arms\": [\"k\"]}",
        Optional.of("Bearer a-token"));

    // Then both are a 502 (not B's 401: the client's credentials were accepted by A) saying that B,
    // reached over https (else 503), refused A's credentials, and which settings to check
    for (final HttpResponse<String> refused : List.of(model, choice)) {
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).isEmpty();
      final JsonNode body = JSON.readTree(refused.body());
      assertThat(body.get("status").asInt()).isEqualTo(502);
      assertThat(body.get("error").asText())
          .startsWith("the instance at 127.0.0.1:" + b.port() + " refused this instance's credentials (401)")
          .contains("http.auth.peer.user.info", "http.auth.token");
    }
    // And B does refuse A's token, while it takes its own
    assertThat(get(b, "/models/k", Optional.of("Bearer a-token")).statusCode()).isEqualTo(401);
    assertThat(get(b, "/models/k", Optional.of("Bearer b-token")).statusCode()).isEqualTo(200);
  }

  // ---------------------------------------------------------------------------------------------

  /** The key store alone: peers are trusted by the key store's own certificate. */
  private static TlsMaterial keystoreOnly() {
    return new TlsMaterial(Optional.empty(), Optional.empty(), "JKS", Optional.of(tls.keystore().toString()),
        Optional.of(tls.password()), "PKCS12", Optional.empty());
  }

  private static TlsMaterial withTrustStore() {
    return new TlsMaterial(Optional.of(tls.truststore().toString()), Optional.of(tls.password()), "PKCS12",
        Optional.of(tls.keystore().toString()), Optional.of(tls.password()), "PKCS12", Optional.empty());
  }

  private HttpApi serve(final ModelQueries queries, final Peers peers, final HttpSecurity security) throws Exception {
    final HttpApi api = HttpApi.bind("127.0.0.1", 0, security);
    apis.add(api);
    api.serve(queries, () -> "", peers);
    return api;
  }

  private static InMemoryModels models(final String... keys) {
    final Map<String, ModelView> active = new java.util.TreeMap<>();
    for (final String key : keys) {
      active.put(key, new ModelView(key, 1, List.of("intercept", "x1"), new double[] {0.5, -1},
          new double[] {0.1, 0.2}, Optional.empty(), 100, 100.0, 0, "OK", "", 0L, -1, Map.of()));
    }
    return new InMemoryModels(active, Map.of());
  }

  /** Every key but "a1" is hosted by {@code other}, which is also listed. */
  private static Peers peers(final String other) {
    return new Peers() {
      @Override
      public Owner owner(final String key) {
        return "a1".equals(key) ? Owner.LOCAL : new Owner(other, List.of(), false);
      }

      @Override
      public List<String> others() {
        return List.of(other);
      }
    };
  }

  private static List<String> keys(final JsonNode list) {
    final List<String> keys = new ArrayList<>();
    list.get("models").forEach(m -> keys.add(m.get("model").asText()));
    return keys;
  }

  private static String basic(final String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> post(final HttpApi api, final String path, final String body,
      final Optional<String> authorization) throws Exception {
    final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.address() + path)).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    authorization.ifPresent(value -> request.header("Authorization", value));
    return trusting.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(final HttpApi api, final String path, final Optional<String> authorization)
      throws Exception {
    final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.address() + path)).timeout(TIMEOUT);
    authorization.ifPresent(value -> request.header("Authorization", value));
    return trusting.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
