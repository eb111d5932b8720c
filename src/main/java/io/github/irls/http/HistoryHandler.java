package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import io.github.irls.query.HistoryEntry;
import io.github.irls.query.ModelQueries;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /models/{key}/history[?limit=N]}: the last N updates of a model, oldest first (newest
 * last), each with its version, window end, window events, events total, coefficients, standard
 * errors, status and progressive validation, and the {@code drift_z_threshold} of the instance
 * that answers, from the instance hosting the key ({@link Forwarder}). 404 when the key is unknown;
 * an empty list for a known model with no update yet.
 */
final class HistoryHandler implements Route {

  static final String SUFFIX = "/history";
  static final int DEFAULT_LIMIT = 200;
  static final int MAX_LIMIT = 10_000;

  private final ModelQueries queries;
  private final Forwarder forwarder;

  HistoryHandler(final ModelQueries queries, final Forwarder forwarder) {
    this.queries = queries;
    this.forwarder = forwarder;
  }

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    final String key = ModelRoutes.key(exchange, SUFFIX);
    final Forwarder.Answer answer = forwarder.forward(exchange, key);
    if (answer == Forwarder.Answer.RELAYED) {
      return;
    }
    // a standby copy answers when asked to, or when it is the only copy that answers
    final boolean stale = answer == Forwarder.Answer.HERE_STALE;
    final Map<String, String> params = Exchanges.queryParameters(exchange);
    final int limit = Exchanges.intParameter(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    final List<HistoryEntry> entries = stale ? queries.staleHistory(key, limit) : queries.history(key, limit);
    if (entries.isEmpty() && (stale ? queries.staleModel(key) : queries.model(key)).isEmpty()) {
      throw HttpError.noModel(key);
    }
    Exchanges.sendJson(exchange, 200, JsonBodies.history(key, limit, stale, queries.driftZThreshold(), entries));
  }
}
