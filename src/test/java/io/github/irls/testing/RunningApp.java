package io.github.irls.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.app.IrlsApplication;
import io.github.irls.app.KafkaIo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;

/** An {@link AppFixture}'s application while it runs: its HTTP API and its progress. Closing it stops it. */
public final class RunningApp implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final IrlsApplication application;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  RunningApp(final IrlsApplication application) {
    this.application = application;
  }

  public IrlsApplication application() {
    return application;
  }

  /** The path of {@code GET /models/{key}}, the key encoded as one path segment. */
  public static String modelPath(final String key) {
    return "/models/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code GET path} (e.g. {@code /health}) on this application's HTTP API. */
  public HttpResponse<String> get(final String path) throws IOException, InterruptedException {
    final String base = application.httpAddress()
        .orElseThrow(() -> new IllegalStateException("the application was started without its HTTP API"));
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code POST path} with the JSON {@code body} on this application's HTTP API. */
  public HttpResponse<String> post(final String path, final String body) throws IOException, InterruptedException {
    final String base = application.httpAddress()
        .orElseThrow(() -> new IllegalStateException("the application was started without its HTTP API"));
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The body of {@code GET path}, whatever its status, as JSON. */
  public JsonNode getJson(final String path) throws IOException, InterruptedException {
    return json(get(path));
  }

  /**
   * Asks {@code GET /models/{key}} until it shows {@code version}, for up to {@link Await#PATIENCE}.
   *
   * @return the last model served (of that version, or the one seen when time ran out); empty if none was
   */
  public Optional<JsonNode> awaitModel(final String key, final long version) throws Exception {
    final HttpResponse<String> last = Await.until(() -> get(modelPath(key)),
        r -> r.statusCode() == 200 && json(r).get("version").asLong() == version);
    return last.statusCode() == 200 ? Optional.of(json(last)) : Optional.empty();
  }

  /** The body of {@code response} as JSON. */
  public static JsonNode json(final HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (final IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  /**
   * Waits until every event produced so far is processed and its output committed.
   *
   * @throws IllegalStateException if the application fails, or commits nothing new for {@link Await#PATIENCE}
   */
  public void awaitCommitted() throws InterruptedException {
    try (Admin admin = Admin.create(application.config().adminProperties())) {
      KafkaIo.awaitCommitted(admin, application, KafkaIo.endOffsets(admin, application.config().inputTopic()),
          Await.PATIENCE, n -> { });
    }
  }

  @Override
  public void close() {
    application.close();
  }
}
