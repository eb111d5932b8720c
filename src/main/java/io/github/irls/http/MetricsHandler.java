package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** {@code GET /metrics}: every metric in Prometheus text format 0.0.4. */
final class MetricsHandler implements Route {

  static final String PATH = "/metrics";
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Supplier<String> metrics;

  MetricsHandler(final Supplier<String> metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    Exchanges.requirePath(exchange, PATH);
    Exchanges.send(exchange, 200, CONTENT_TYPE, metrics.get().getBytes(StandardCharsets.UTF_8));
  }
}
