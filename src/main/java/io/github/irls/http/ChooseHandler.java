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
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /choose} with {@code {"context": [x1, ..., xp], "arms": [keys]}} (or {@code "prefix":
 * "bandit/"} for every model whose key starts with it): Thompson sampling. One draw from each arm's
 * posterior, the arm whose draw has the highest linear predictor at the context wins (the first
 * given on a tie); the answer has the arm, the seed, and per arm the version drawn from and the
 * draw's {@code eta} and probability. An arm is drawn by the instance hosting it with a seed made
 * from the request's seed and the arm's key alone, so that one seed gives the same choice whatever
 * the arms' order and wherever they live; without a seed one is picked and answered. 404 for an
 * unknown arm or a prefix no key has, 400 for a context of the wrong length for an arm (or not
 * finite) and a list of more than {@value ServingRequests#MAX_ARMS} arms.
 *
 * <p><b>Across instances.</b> The arms hosted elsewhere are grouped by the instance hosting them,
 * and each of those is sent one {@code POST /choose} of its arms (same context and seed, marked
 * {@value HttpApi#FORWARDED_HEADER}), all at once: a choice costs one round trip, not one per arm. A
 * forwarded choice draws its arms here and answers every arm's draw, coefficients included, or the
 * error that left the arm without one ({@link JsonBodies#armDraws}); the asking instance weighs
 * those coefficients exactly as it weighs its own. Per arm, the failures are those of {@link
 * Forwarder#ask}: an instance that does not answer leaves its arms to their standbys (this
 * instance's copy, else the other standbys, asked the same way, marked stale), 503 when nobody
 * answers; an arm the instance has no model for is 404, an answer without a draw 502, and a 401
 * there is {@link Forwarder#refused}. The error of the first arm given that has one is answered.
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

  /**
   * One arm's draw and the coefficients drawn, or the error that left the arm without one (kept
   * until the arms are weighed in their order, so that the first arm given with an error is the one
   * answered, wherever the arms were drawn).
   */
  record ArmOutcome(String key, ArmDraw draw, double[] coefficients, HttpError error) {

    static ArmOutcome drawn(final ArmDraw draw, final double[] coefficients) {
      return new ArmOutcome(draw.key(), draw, coefficients, null);
    }

    static ArmOutcome failed(final String key, final HttpError error) {
      return new ArmOutcome(key, null, null, error);
    }

    /** The draw; throws the arm's error when it has none. */
    ArmDraw orThrow() {
      if (error != null) {
        throw error;
      }
      return draw;
    }
  }

  /** An instance asked for the draws of {@code arms}, and its answer to come (empty when it does not answer). */
  private record Asked(Peers.Source way, List<String> arms, CompletableFuture<Optional<HttpResponse<byte[]>>> answer) {}

  @Override
  public List<String> methods() {
    return Route.WRITE;
  }

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    Exchanges.requirePath(exchange, PATH);
    final ServingRequests.Choose request =
        ServingRequests.choose(Exchanges.body(exchange, ServingRequests.MAX_BODY_BYTES));
    final boolean forwarded = exchange.getRequestHeaders().containsKey(HttpApi.FORWARDED_HEADER);
    final List<String> arms = request.prefix().isPresent()
        ? armsWithPrefix(request.prefix().get(), !forwarded)
        : request.arms();
    final long seed = request.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
    if (forwarded) {
      // another instance weighs the arms; it needs every arm's draw, or why there is none
      final boolean stale = "1".equals(exchange.getRequestHeaders().getFirst(HttpApi.STALE_HEADER));
      final List<ArmOutcome> outcomes = new ArrayList<>(arms.size());
      for (final String arm : arms) {
        outcomes.add(drawHere(arm, seed, request.context(), stale));
      }
      Exchanges.sendJson(exchange, 200, JsonBodies.armDraws(seed, outcomes));
      return;
    }
    final Map<String, ArmOutcome> outcomes = drawEverywhere(arms, seed, request.context());
    final List<ArmDraw> draws = new ArrayList<>(arms.size());
    ArmDraw best = null;
    for (final String arm : arms) {
      final ArmDraw draw = outcomes.get(arm).orThrow();
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

  /**
   * Every arm's draw, by key: the arms hosted here drawn here, the others asked of the instances
   * hosting them, one request per instance, all at once. The arms of an instance that does not
   * answer try their next way in another round ({@link Peers.Owner#sources}), so that each round costs one round
   * trip however many arms and instances it asks.
   */
  private Map<String, ArmOutcome> drawEverywhere(final List<String> arms, final long seed, final double[] context)
      throws IOException {
    final Map<String, ArmOutcome> outcomes = new HashMap<>();
    final Map<String, Peers.Owner> owners = new HashMap<>();
    final Map<String, Iterator<Peers.Source>> waysLeft = new LinkedHashMap<>();
    for (final String arm : arms) {
      final Peers.Owner owner = forwarder.owner(arm);
      owners.put(arm, owner);
      waysLeft.put(arm, owner.sources().iterator());
    }
    while (!waysLeft.isEmpty()) {
      final Map<Peers.Source, List<String>> round = new LinkedHashMap<>();
      for (final Iterator<Map.Entry<String, Iterator<Peers.Source>>> it = waysLeft.entrySet().iterator(); it.hasNext(); ) {
        final Map.Entry<String, Iterator<Peers.Source>> arm = it.next();
        if (arm.getValue().hasNext()) {
          round.computeIfAbsent(arm.getValue().next(), way -> new ArrayList<>()).add(arm.getKey());
        } else {
          outcomes.put(arm.getKey(), ArmOutcome.failed(arm.getKey(),
              Forwarder.nobodyAnswers(arm.getKey(), owners.get(arm.getKey()))));
          it.remove();
        }
      }
      final List<Asked> asked = new ArrayList<>();
      for (final Map.Entry<Peers.Source, List<String>> way : round.entrySet()) {
        if (!way.getKey().here()) {
          for (final Batch batch : batches(way.getValue(), seed, context)) {
            asked.add(new Asked(way.getKey(), batch.arms(),
                forwarder.callAsync(way.getKey().host(), "POST", PATH, batch.body(), way.getKey().stale())));
          }
        }
      }
      // while the other instances draw theirs
      for (final Map.Entry<Peers.Source, List<String>> way : round.entrySet()) {
        if (way.getKey().here()) {
          for (final String arm : way.getValue()) {
            outcomes.put(arm, drawHere(arm, seed, context, way.getKey().stale()));
            waysLeft.remove(arm);
          }
        }
      }
      for (final Asked instance : asked) {
        final Optional<HttpResponse<byte[]>> answer = await(instance.answer());
        if (answer.isPresent()) {
          outcomes.putAll(weighed(instance, answer.get(), context));
          instance.arms().forEach(waysLeft::remove);
        }
      }
    }
    return outcomes;
  }

  /** Arms asked of one instance in one request, and the request's body. */
  private record Batch(List<String> arms, byte[] body) {}

  /**
   * {@code arms} in requests of at most {@value ServingRequests#MAX_BODY_BYTES} bytes, the body
   * limit of the instance asked (long keys by prefix could pass it): one request unless they do.
   */
  private static List<Batch> batches(final List<String> arms, final long seed, final double[] context) {
    final byte[] body = JsonBodies.chooseRequest(context, arms, seed);
    if (arms.size() == 1 || body.length <= ServingRequests.MAX_BODY_BYTES) {
      return List.of(new Batch(arms, body));
    }
    final List<Batch> batches = new ArrayList<>(batches(arms.subList(0, arms.size() / 2), seed, context));
    batches.addAll(batches(arms.subList(arms.size() / 2, arms.size()), seed, context));
    return batches;
  }

  private static Optional<HttpResponse<byte[]>> await(final CompletableFuture<Optional<HttpResponse<byte[]>>> answer)
      throws IOException {
    try {
      return answer.get();
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (final ExecutionException e) {
      return Optional.empty(); // Forwarder#callAsync completes every failure as empty already
    }
  }

  /** One draw of {@code arm} at the context, here: from the active store, or the standby copy when {@code stale}. */
  private ArmOutcome drawHere(final String arm, final long seed, final double[] context, final boolean stale) {
    final long armSeed = armSeed(seed, arm);
    try {
      final ServedModel model = (stale ? queries.staleServed(arm) : queries.served(arm))
          .orElseThrow(() -> HttpError.noModel(arm));
      ServingRequests.requireFeatures(List.of(context), "context", arm, model.features());
      final double[] b = SampleHandler.draws(model, 1, armSeed).get(0);
      return ArmOutcome.drawn(armDraw(arm, model.version(), b, context, stale), b);
    } catch (final HttpError e) {
      return ArmOutcome.failed(arm, e);
    }
  }

  /** The draws of {@code asked}'s arms in the answer of the instance asked, or each arm's error. */
  private static Map<String, ArmOutcome> weighed(final Asked asked, final HttpResponse<byte[]> response,
      final double[] context) {
    final int status = response.statusCode();
    final Optional<Map<String, JsonNode>> entries = status == 200 ? entries(response.body()) : Optional.of(Map.of());
    final Map<String, ArmOutcome> outcomes = new HashMap<>();
    for (final String arm : asked.arms()) {
      final ArmOutcome outcome;
      if (status == 401) {
        outcome = ArmOutcome.failed(arm, Forwarder.refused(asked.way().host()));
      } else if (status != 200) {
        outcome = ArmOutcome.failed(arm, answered(arm, status));
      } else if (entries.isEmpty()) {
        outcome = ArmOutcome.failed(arm, badDraw(arm, "is not JSON"));
      } else {
        outcome = weighed(arm, entries.get().get(arm), context, asked.way().stale());
      }
      outcomes.put(arm, outcome);
    }
    return outcomes;
  }

  /** The arms of a forwarded choice's answer by key; empty when the answer is not JSON. */
  private static Optional<Map<String, JsonNode>> entries(final byte[] body) {
    final JsonNode answer;
    try {
      answer = JsonBodies.parse(body);
    } catch (final IOException e) {
      return Optional.empty();
    }
    final Map<String, JsonNode> entries = new HashMap<>();
    for (final JsonNode entry : answer.path("arms")) {
      entries.putIfAbsent(entry.path("arm").asText(), entry);
    }
    return Optional.of(entries);
  }

  /** {@code arm}'s draw in {@code entry} of another instance's answer, weighed as a draw made here. */
  private static ArmOutcome weighed(final String arm, final JsonNode entry, final double[] context,
      final boolean stale) {
    try {
      if (entry == null) {
        throw badDraw(arm, "has no draw and version");
      }
      if (entry.has("status")) {
        final int status = entry.path("status").asInt();
        if (status == 404) {
          throw HttpError.noModel(arm);
        }
        if (status == 400) {
          throw new HttpError(400, entry.path("error").asText()); // the context against the arm's features
        }
        throw answered(arm, status);
      }
      final JsonNode drawn = entry.path("draw");
      if (!drawn.isArray() || drawn.isEmpty() || !entry.path("version").canConvertToLong()) {
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
      return ArmOutcome.drawn(
          armDraw(arm, entry.path("version").asLong(), b, context, stale || entry.path("stale").asBoolean()), b);
    } catch (final HttpError e) {
      return ArmOutcome.failed(arm, e);
    }
  }

  /** 502: the instance hosting {@code arm} answered its draw with an error. */
  private static HttpError answered(final String arm, final int status) {
    return new HttpError(502, "the instance hosting arm '" + arm + "' answered " + status + " to its draw");
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

  /**
   * The keys of every model, here or elsewhere (unless not {@code everywhere}: a forwarded request),
   * that start with {@code prefix}, sorted; 404 when none.
   */
  private List<String> armsWithPrefix(final String prefix, final boolean everywhere) throws IOException {
    final TreeSet<String> arms = new TreeSet<>();
    arms.addAll(queries.keysWithPrefix(prefix));
    for (final String key : everywhere ? list.elsewhere(prefix).keySet() : List.<String>of()) {
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
