package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guard every route goes through: the route's own methods, errors as JSON. */
class RouteGuardTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = JdkHttpServers.http(new InetSocketAddress("127.0.0.1", 0));
    server.createContext("/score", RouteGuard.guarded(new Route() {
      @Override
      public List<String> methods() {
        return List.of("POST");
      }

      @Override
      public void handle(final HttpExchange exchange) throws IOException {
        Exchanges.send(exchange, 200, "text/plain", "scored".getBytes(StandardCharsets.UTF_8));
      }
    }));
    server.createContext("/teapot", RouteGuard.guarded(exchange -> {
      throw new HttpError(418, "short and stout");
    }));
    server.createContext("/broken", RouteGuard.guarded(exchange -> {
      throw new IllegalStateException("a bug");
    }));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void shouldAnswerTheMethodsTheRouteDeclares() throws Exception {
    // Given a route that answers POST only
    // When it is POSTed to
    final HttpResponse<String> response = send("POST", "/score");

    // Then it answers
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("scored");
  }

  @Test
  void shouldRefuseAnyOtherMethodWith405AndTheRoutesAllowHeader() throws Exception {
    // Given a route that answers POST only
    // When it is asked with GET
    final HttpResponse<String> response = send("GET", "/score");

    // Then the method is refused as JSON, naming the methods the route does answer
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("POST");
    final JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo("method GET not allowed");
    assertThat(body.get("status").asInt()).isEqualTo(405);
  }

  @Test
  void shouldAllowGetAndHeadByDefault() throws Exception {
    // Given a route that declares no methods
    // When it is DELETEd
    final HttpResponse<String> response = send("DELETE", "/teapot");

    // Then GET and HEAD are what it allows
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void shouldAnswerAnExpectedFailureWithItsStatusAsJson() throws Exception {
    // Given a route that fails with an HTTP error
    // When it is asked
    final HttpResponse<String> response = send("GET", "/teapot");

    // Then the error and its status are the JSON answer, in that order
    assertThat(response.statusCode()).isEqualTo(418);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(response.body()).isEqualTo("{\"error\":\"short and stout\",\"status\":418}");
  }

  @Test
  void shouldAnswerAnyOtherExceptionWithAJson500() throws Exception {
    // Given a route with a bug
    // When it is asked
    final HttpResponse<String> response = send("GET", "/broken");

    // Then the answer is a JSON 500 naming the exception's class, not its message
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"error\":\"internal error: IllegalStateException\",\"status\":500}");
  }

  private HttpResponse<String> send(final String method, final String path) throws Exception {
    final URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    return client.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
