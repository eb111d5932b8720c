package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code GET /models/{key}}: one model with its estimates, z, p-values and 95% intervals, from the
 * instance hosting the key ({@link Forwarder}); {@code "stale": true} when a standby copy answered.
 * 404 when the key is unknown.
 */
final class ModelHandler implements Route {

  private final ModelQueries queries;
  private final Forwarder forwarder;

  ModelHandler(final ModelQueries queries, final Forwarder forwarder) {
    this.queries = queries;
    this.forwarder = forwarder;
  }

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    final String key = ModelRoutes.key(exchange, "");
    final Forwarder.Answer answer = forwarder.forward(exchange, key);
    if (answer == Forwarder.Answer.RELAYED) {
      return;
    }
    final boolean stale = answer == Forwarder.Answer.HERE_STALE;
    final Optional<ModelView> model = stale ? queries.staleModel(key) : queries.model(key);
    if (model.isEmpty()) {
      throw HttpError.noModel(key);
    }
    Exchanges.sendJson(exchange, 200, JsonBodies.model(model.get(), stale));
  }
}
