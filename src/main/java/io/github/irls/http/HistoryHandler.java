package io.github.irls.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.github.irls.query.HistoryEntry;
import io.github.irls.query.ModelQueries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /models/{key}/history[?limit=N]}: the last N updates of a model, oldest first (newest
 * last), each with its version, window end, window events, events total, coefficients, standard
 * errors and status. 404 when the key is unknown here; an empty list for a known model with no
 * update yet.
 */
final class HistoryHandler {

  static final String SUFFIX = "/history";
  static final int DEFAULT_LIMIT = 200;
  static final int MAX_LIMIT = 10_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ModelQueries queries;

  HistoryHandler(final ModelQueries queries) {
    this.queries = queries;
  }

  void handle(final HttpExchange exchange, final String key) throws IOException {
    handle(exchange, key, false);
  }

  /** As {@link #handle(HttpExchange, String)}; {@code stale} reads standby copies too and says so. */
  void handle(final HttpExchange exchange, final String key, final boolean stale) throws IOException {
    final Map<String, String> params = HttpApi.queryParameters(exchange);
    final int limit = HttpApi.intParameter(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    final List<HistoryEntry> entries = stale ? queries.staleHistory(key, limit) : queries.history(key, limit);
    if (entries.isEmpty() && (stale ? queries.staleModel(key) : queries.model(key)).isEmpty()) {
      throw new HttpApi.HttpError(404, "no model with key '" + key + "'");
    }
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("model", key);
      g.writeNumberField("limit", limit);
      if (stale) {
        g.writeBooleanField("stale", true);
      }
      g.writeArrayFieldStart("updates");
      for (final HistoryEntry e : entries) {
        g.writeStartObject();
        g.writeNumberField("version", e.version());
        g.writeNumberField("window_end", e.windowEnd());
        g.writeNumberField("window_events", e.windowEvents());
        g.writeNumberField("events_total", e.eventsTotal());
        g.writeStringField("status", e.status());
        g.writeStringField("status_reason", e.statusReason());
        g.writeArrayFieldStart("feature_names");
        for (final String name : e.featureNames()) {
          g.writeString(name);
        }
        g.writeEndArray();
        numbers(g, "coefficients", e.coefficients());
        numbers(g, "std_errors", e.stdErrors());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    HttpApi.send(exchange, 200, bytes.toByteArray());
  }

  /** Non-finite numbers (never published, but JSON has none) are written as null. */
  private static void numbers(final JsonGenerator g, final String name, final double[] values) throws IOException {
    g.writeArrayFieldStart(name);
    for (final double v : values) {
      if (Double.isFinite(v)) {
        g.writeNumber(v);
      } else {
        g.writeNull();
      }
    }
    g.writeEndArray();
  }
}
