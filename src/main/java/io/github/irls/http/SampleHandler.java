package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ServedModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code GET /models/{key}/sample[?n=N&seed=S]}: N draws of the coefficients from the model's
 * Gaussian posterior {@code N(b, P^-1)} (Cholesky of the precision; {@link
 * io.github.irls.glm.FactoredPosterior#draw}). The same seed and model version give the same draws
 * on every instance; without one a seed is picked and answered, so that the draws can be made
 * again. Answered by the instance hosting the key ({@link Forwarder}). 404 for an unknown key, 400
 * for {@code n} outside {@code [1, }{@value #MAX_DRAWS}{@code ]}, for more than {@value
 * #MAX_NUMBERS} numbers in all ({@code n} times the coefficients) or a seed that is not an integer.
 */
final class SampleHandler implements Route {

  static final String SUFFIX = "/sample";
  static final int MAX_DRAWS = 10_000;
  /** The most numbers one answer holds (draws times coefficients), so that an answer stays a few MB. */
  static final int MAX_NUMBERS = 1_000_000;

  private final ModelQueries queries;
  private final Forwarder forwarder;

  SampleHandler(final ModelQueries queries, final Forwarder forwarder) {
    this.queries = queries;
    this.forwarder = forwarder;
  }

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    final String key = ModelRoutes.key(exchange, SUFFIX);
    final Map<String, String> params = Exchanges.queryParameters(exchange);
    final int n = Exchanges.intParameter(params, "n", 1, 1, MAX_DRAWS);
    final long seed = Exchanges.longParameter(params, "seed").orElseGet(() -> ThreadLocalRandom.current().nextLong());
    final Forwarder.Answer answer = forwarder.forward(exchange, key);
    if (answer == Forwarder.Answer.RELAYED) {
      return;
    }
    final boolean stale = answer == Forwarder.Answer.HERE_STALE;
    final ServedModel model = (stale ? queries.staleServed(key) : queries.served(key))
        .orElseThrow(() -> HttpError.noModel(key));
    if ((long) n * model.posterior().dimension() > MAX_NUMBERS) {
      throw new HttpError(400, "n=" + n + " draws of " + model.posterior().dimension() + " coefficients are more than "
          + MAX_NUMBERS + " numbers; at most " + MAX_NUMBERS / model.posterior().dimension() + " draws of this model");
    }
    Exchanges.sendJson(exchange, 200, JsonBodies.draws(model, stale, seed, draws(model, n, seed)));
  }

  /** {@code n} draws from {@code model}'s posterior, the random numbers seeded with {@code seed}. */
  static List<double[]> draws(final ServedModel model, final int n, final long seed) {
    final SplittableRandom random = new SplittableRandom(seed);
    final List<double[]> draws = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      draws.add(model.posterior().draw(random));
    }
    return draws;
  }

}
