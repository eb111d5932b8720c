package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import io.github.irls.glm.FactoredPosterior;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ServedModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /models/{key}/score} with {@code {"features": [[x1, ..., xp], ...]}}: per vector the
 * probability, its 95% interval, the linear predictor {@code eta} and its exact standard error
 * {@code sqrt(x~' P^-1 x~)} from the model's full precision (the delta method on the logit scale;
 * {@link FactoredPosterior#score}). Answered by the instance hosting the key ({@link Forwarder}),
 * {@code "stale": true} from a standby copy. 404 for an unknown key, 400 for a vector of the wrong
 * length or a value that is not a finite number, 413 for a body above {@value
 * ServingRequests#MAX_BODY_BYTES} bytes.
 */
final class ScoreHandler implements Route {

  static final String SUFFIX = "/score";

  private final ModelQueries queries;
  private final Forwarder forwarder;

  ScoreHandler(final ModelQueries queries, final Forwarder forwarder) {
    this.queries = queries;
    this.forwarder = forwarder;
  }

  @Override
  public List<String> methods() {
    return Route.WRITE;
  }

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    final String key = ModelRoutes.key(exchange, SUFFIX);
    final byte[] body = Exchanges.body(exchange, ServingRequests.MAX_BODY_BYTES);
    final ServingRequests.Score request = ServingRequests.score(body); // a malformed body is 400 here already
    final Forwarder.Answer answer = forwarder.forward(exchange, key, body);
    if (answer == Forwarder.Answer.RELAYED) {
      return;
    }
    final boolean stale = answer == Forwarder.Answer.HERE_STALE;
    final ServedModel model = (stale ? queries.staleServed(key) : queries.served(key))
        .orElseThrow(() -> HttpError.noModel(key));
    ServingRequests.requireFeatures(request.vectors(), "features", key, model.features());
    final List<FactoredPosterior.LinearScore> scores = new ArrayList<>(request.vectors().size());
    for (int i = 0; i < request.vectors().size(); i++) {
      final FactoredPosterior.LinearScore score = model.posterior().score(request.vectors().get(i), 0.0);
      if (!Double.isFinite(score.eta()) || !Double.isFinite(score.etaSe())) {
        // finite features so large that b . x~ or its variance overflows: the scoring stream's SCORE_OVERFLOW
        throw new HttpError(400, (request.vectors().size() == 1 ? "features" : "features[" + i + "]")
            + " overflow the linear predictor of model '" + key + "' (eta or its standard error is not finite)");
      }
      scores.add(score);
    }
    Exchanges.sendJson(exchange, 200, JsonBodies.scores(model, stale, scores));
  }
}
