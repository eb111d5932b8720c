package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import io.github.irls.query.ModelQueries;
import java.io.IOException;

/**
 * {@code GET /health} (liveness: 200 unless Kafka Streams is in ERROR or NOT_RUNNING) and {@code
 * GET /ready} (readiness: 200 only while RUNNING, so that queries can be answered); 503
 * otherwise. Both answer {@code {"state": ..., "live": ..., "ready": ...}}: they differ only in
 * which of the two decides the status.
 */
final class HealthHandler implements Route {

  private final ModelQueries queries;
  private final String path;
  private final boolean readiness;

  private HealthHandler(final ModelQueries queries, final String path, final boolean readiness) {
    this.queries = queries;
    this.path = path;
    this.readiness = readiness;
  }

  /** {@code GET /health}. */
  static HealthHandler liveness(final ModelQueries queries) {
    return new HealthHandler(queries, "/health", false);
  }

  /** {@code GET /ready}. */
  static HealthHandler readiness(final ModelQueries queries) {
    return new HealthHandler(queries, "/ready", true);
  }

  String path() {
    return path;
  }

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    Exchanges.requirePath(exchange, path);
    final ModelQueries.Health health = queries.health();
    final boolean ok = readiness ? health.ready() : health.live();
    Exchanges.sendJson(exchange, ok ? 200 : 503, JsonBodies.health(health));
  }
}
