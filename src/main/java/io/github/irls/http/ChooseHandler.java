package io.github.irls.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.github.irls.glm.LogitLink;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ServedModel;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /choose} with {@code {"context": [x1, ..., xp], "arms": [keys]}} (or {@code "prefix":
 * "bandit/"} for every model whose key starts with it): Thompson sampling. One draw from each arm's
 * posterior, the arm whose draw has the highest linear predictor at the context wins (the first
 * given on a tie); the answer has the arm, the seed, and per arm the version drawn from and the
 * draw's {@code eta} and probability. An arm is drawn by the instance hosting it ({@code GET
 * /models/{arm}/sample?n=1&seed=}) with a seed made from the request's seed and the arm's key alone,
 * so that one seed gives the same choice whatever the arms' order and wherever they live; without a
 * seed one is picked and answered. 404 for an unknown arm or a prefix no key has, 400 for a context
 * of the wrong length for an arm (or not finite) and a list of more than {@value
 * ServingRequests#MAX_ARMS} arms.
 */
final class ChooseHandler implements Route {

  static final String PATH = "/choose";

  private final ModelQueries queries;
  private final Forwarder forwarder;
  private final ModelListHandler list;

  ChooseHandler(final ModelQueries queries, final Forwarder forwarder, final ModelListHandler list) {
    this.queries = queries;
    this.forwarder = forwarder;
    this.list = list;
  }

  @Override
  public List<String> methods() {
    return Route.WRITE;
  }

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    Exchanges.requirePath(exchange, PATH);
    final ServingRequests.Choose request =
        ServingRequests.choose(Exchanges.body(exchange, ServingRequests.MAX_BODY_BYTES));
    final List<String> arms = request.prefix().isPresent() ? armsWithPrefix(request.prefix().get()) : request.arms();
    final long seed = request.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
    final List<ArmDraw> draws = new ArrayList<>(arms.size());
    ArmDraw best = null;
    for (final String arm : arms) {
      final ArmDraw draw = draw(arm, armSeed(seed, arm), request.context());
      draws.add(draw);
      if (best == null || draw.eta() > best.eta()) {
        best = draw;
      }
    }
    Exchanges.sendJson(exchange, 200, JsonBodies.choice(best.key(), seed, draws));
  }

  /**
   * The seed of {@code arm}'s draw: a function of the request's seed and the key alone (FNV-1a of
   * the key's UTF-8, mixed with SplitMix64's finalizer), so that arms draw independently.
   */
  static long armSeed(final long seed, final String arm) {
    long hash = 0xcbf29ce484222325L;
    for (final byte b : arm.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    long z = seed ^ hash;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** One draw of {@code arm} at the context, here or by the instance hosting it. */
  private ArmDraw draw(final String arm, final long armSeed, final double[] context) throws IOException {
    final String path = ModelRoutes.path(arm) + SampleHandler.SUFFIX + "?n=1&seed=" + armSeed;
    final Forwarder.Reply reply = forwarder.ask(arm, "GET", path, null, false, false);
    if (reply.here()) {
      final ServedModel model = (reply.stale() ? queries.staleServed(arm) : queries.served(arm))
          .orElseThrow(() -> HttpError.noModel(arm));
      ServingRequests.requireFeatures(List.of(context), "context", arm, model.features());
      final double[] b = SampleHandler.draws(model, 1, armSeed).get(0);
      return armDraw(arm, model.version(), b, context, reply.stale());
    }
    final HttpResponse<byte[]> response = reply.remote();
    if (response.statusCode() == 404) {
      throw HttpError.noModel(arm);
    }
    if (response.statusCode() != 200) {
      throw new HttpError(502, "the instance hosting arm '" + arm + "' answered " + response.statusCode()
          + " to its draw");
    }
    final JsonNode body;
    try {
      body = JsonBodies.parse(response.body());
    } catch (final IOException e) {
      throw badDraw(arm, "is not JSON");
    }
    final JsonNode drawn = body.path("draws").path(0);
    if (!drawn.isArray() || drawn.isEmpty() || !body.path("version").canConvertToLong()) {
      throw badDraw(arm, "has no draw and version");
    }
    final double[] b = new double[drawn.size()];
    for (int j = 0; j < b.length; j++) {
      if (!drawn.get(j).isNumber()) {
        throw badDraw(arm, "has a coefficient that is not a number");
      }
      b[j] = drawn.get(j).asDouble();
    }
    ServingRequests.requireFeatures(List.of(context), "context", arm, b.length - 1);
    return armDraw(arm, body.path("version").asLong(), b, context, reply.stale() || body.path("stale").asBoolean());
  }

  /** 502: the instance hosting {@code arm} answered its draw with something else. */
  private static HttpError badDraw(final String arm, final String what) {
    return new HttpError(502, "the answer of the instance hosting arm '" + arm + "' to its draw " + what);
  }

  private static ArmDraw armDraw(final String arm, final long version, final double[] b, final double[] x,
      final boolean stale) {
    double eta = b[0];
    for (int j = 1; j < b.length; j++) {
      eta += b[j] * x[j - 1];
    }
    return new ArmDraw(arm, version, eta, LogitLink.INSTANCE.linkInverse(eta), stale);
  }

  /** The keys of every model, here or elsewhere, that start with {@code prefix}, sorted; 404 when none. */
  private List<String> armsWithPrefix(final String prefix) throws IOException {
    final TreeSet<String> arms = new TreeSet<>();
    arms.addAll(queries.keysWithPrefix(prefix));
    for (final String key : list.elsewhere(prefix).keySet()) {
      if (key.startsWith(prefix)) {
        arms.add(key);
      }
    }
    if (arms.isEmpty()) {
      throw new HttpError(404, "no model key starts with '" + prefix + "'");
    }
    if (arms.size() > ServingRequests.MAX_ARMS) {
      throw new HttpError(400, "prefix '" + prefix + "' names " + arms.size() + " models; at most "
          + ServingRequests.MAX_ARMS + " arms");
    }
    return List.copyOf(arms);
  }
}
