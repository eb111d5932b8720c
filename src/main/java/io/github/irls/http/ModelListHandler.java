package io.github.irls.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.github.irls.query.ModelQueries;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /models[?q=&sort=&order=&offset=&limit=&local=]}: a page of model summaries, with the
 * {@code total} of models that match and a {@code next} link (keeping q, sort and order) while more
 * follow. {@code q} keeps the keys that contain it, ignoring case; {@code sort} and {@code order}
 * are read by {@link ModelOrder} (by key, ascending, by default).
 *
 * <p>With other instances ({@link Peers}), this instance's models are merged with theirs ({@code GET
 * /models?local=true&q=} on each, so that they filter before sending; without duplicates, this
 * instance's summary winning) before sorting and paging; an instance that does not answer is left
 * out. {@code local=true}, or a forwarded request, lists this instance's models only.
 *
 * <p>Every request is linear in the models that match: sorting by key orders the keys alone and
 * reads this instance's models of the page only; any other sort reads the summary of every
 * matching model held here.
 */
final class ModelListHandler implements Route {

  private static final Logger LOG = LoggerFactory.getLogger(ModelListHandler.class);
  private static final int DEFAULT_PAGE = 100;
  private static final int MAX_PAGE = 10_000;

  private final ModelQueries queries;
  private final Peers peers;
  private final Forwarder forwarder;

  ModelListHandler(final ModelQueries queries, final Peers peers, final Forwarder forwarder) {
    this.queries = queries;
    this.peers = peers;
    this.forwarder = forwarder;
  }

  /** What a request asks for: the search, the order, the page, and whether this instance's models only. */
  private record Listing(String query, ModelOrder order, int offset, int limit, boolean local) {

    /** Whether {@code key} contains the search, ignoring case (every key does when there is none). */
    boolean matches(final String key) {
      return ModelListHandler.matches(query, key);
    }

    /** The link to this listing's page at {@code at}. */
    String link(final int at) {
      return ModelRoutes.PATH + "?offset=" + at + "&limit=" + limit + queryParameter(query)
          + order.linkParameters() + (local ? "&local=true" : "");
    }
  }

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    final Map<String, String> params = Exchanges.queryParameters(exchange);
    final boolean local = "true".equalsIgnoreCase(params.get("local"))
        || exchange.getRequestHeaders().containsKey(HttpApi.FORWARDED_HEADER);
    final Listing listing = new Listing(
        params.getOrDefault("q", ""),
        ModelOrder.of(params),
        Exchanges.intParameter(params, "offset", 0, 0, Integer.MAX_VALUE),
        Exchanges.intParameter(params, "limit", DEFAULT_PAGE, 1, MAX_PAGE),
        local);
    final List<String> others = local ? List.of() : peers.others();
    Exchanges.sendJson(exchange, 200, page(listing, summariesOf(others, listing.query())));
  }

  /**
   * The summaries of the models the other instances hold whose keys contain {@code query} (ignoring
   * case), by key; an instance that does not answer is left out.
   */
  Map<String, JsonNode> elsewhere(final String query) throws IOException {
    return summariesOf(peers.others(), query);
  }

  /** Whether {@code key} contains {@code query}, ignoring case (every key does when it is empty). */
  private static boolean matches(final String query, final String key) {
    return query.isEmpty() || key.toLowerCase(Locale.ROOT).contains(query.toLowerCase(Locale.ROOT));
  }

  /**
   * The page of {@code listing} over this instance's matching models and the summaries that other
   * instances sent ({@code elsewhere}).
   */
  private byte[] page(final Listing listing, final Map<String, JsonNode> elsewhere) {
    final List<String> keys = new ArrayList<>();
    for (final String key : queries.keys(0, Integer.MAX_VALUE)) {
      if (listing.matches(key)) {
        keys.add(key);
      }
    }
    final Set<String> here = new HashSet<>(keys);
    for (final String key : elsewhere.keySet()) {
      if (!here.contains(key)) {
        keys.add(key);
      }
    }
    final int total;
    final List<JsonNode> page;
    if (listing.order().byKeyOnly()) {
      keys.sort(listing.order().keys());
      total = keys.size();
      page = summaries(window(keys, listing), here, elsewhere);
    } else {
      final List<JsonNode> all = summaries(keys, here, elsewhere);
      all.sort(listing.order().summaries());
      total = all.size();
      page = window(all, listing);
    }
    final long end = (long) listing.offset() + listing.limit();
    final Optional<String> next = end < total ? Optional.of(listing.link((int) end)) : Optional.empty();
    return JsonBodies.modelsPage(listing.offset(), listing.limit(), OptionalInt.of(total), page, next);
  }

  /** The part of {@code all} that the listing's page shows. */
  private static <T> List<T> window(final List<T> all, final Listing listing) {
    final int from = Math.min(listing.offset(), all.size());
    final int to = (int) Math.min(all.size(), (long) listing.offset() + listing.limit());
    return all.subList(from, to);
  }

  /**
   * The summaries of {@code keys}, in their order: read here for the keys held {@code here}, else as
   * another instance sent them; a model reset since its key was listed is left out.
   */
  private List<JsonNode> summaries(final List<String> keys, final Set<String> here,
      final Map<String, JsonNode> elsewhere) {
    final List<JsonNode> summaries = new ArrayList<>(keys.size());
    for (final String key : keys) {
      final Optional<JsonNode> summary =
          here.contains(key) ? queries.model(key).map(JsonBodies::summary) : Optional.empty();
      summary.or(() -> Optional.ofNullable(elsewhere.get(key))).ifPresent(summaries::add);
    }
    return summaries;
  }

  /**
   * The summaries of the models that {@code others} hold and that match the listing, by key. They
   * are asked to filter, and their answers are filtered again in case one does not know {@code q}.
   */
  private Map<String, JsonNode> summariesOf(final List<String> others, final String query) throws IOException {
    final Map<String, JsonNode> summaries = new LinkedHashMap<>();
    for (final String host : others) {
      String next = ModelRoutes.PATH + "?local=true&offset=0&limit=" + MAX_PAGE + queryParameter(query);
      while (next != null) {
        final HttpResponse<byte[]> response;
        try {
          response = forwarder.get(host, next);
        } catch (final IOException e) {
          LOG.debug("listing the models of {} failed: {}", host, e.toString());
          break;
        }
        if (response.statusCode() != 200) {
          break;
        }
        final JsonNode page = JsonBodies.parse(response.body());
        for (final JsonNode summary : page.path("models")) {
          final String key = summary.path("model").asText();
          if (matches(query, key)) {
            summaries.putIfAbsent(key, summary);
          }
        }
        next = page.hasNonNull("next") ? page.get("next").asText() : null;
      }
    }
    return summaries;
  }

  /** {@code &q=...} for a link that keeps the search; empty without one. */
  private static String queryParameter(final String query) {
    return query.isEmpty() ? "" : "&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
  }
}
