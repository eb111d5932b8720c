package io.github.irls.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /models[?offset=&limit=&local=]}: a page of model summaries sorted by key, with a
 * {@code next} link while more follow. With other instances ({@link Peers}), this instance's
 * summaries are merged with theirs ({@code GET /models?local=true} on each, without duplicates)
 * before paging; an instance that does not answer is left out. {@code local=true}, or a forwarded
 * request, lists this instance's models only.
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

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    final Map<String, String> params = Exchanges.queryParameters(exchange);
    final int offset = Exchanges.intParameter(params, "offset", 0, 0, Integer.MAX_VALUE);
    final int limit = Exchanges.intParameter(params, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    final boolean local = "true".equalsIgnoreCase(params.get("local"))
        || exchange.getRequestHeaders().containsKey(HttpApi.FORWARDED_HEADER);
    final List<String> others = local ? List.of() : peers.others();
    final byte[] page = others.isEmpty() ? listHere(offset, limit, local) : listAcross(others, offset, limit);
    Exchanges.sendJson(exchange, 200, page);
  }

  /** This instance's models only; one more key than the page is read to know whether more follow. */
  private byte[] listHere(final int offset, final int limit, final boolean local) {
    final List<String> keys = queries.keys(offset, limit + 1);
    final List<JsonNode> summaries = new ArrayList<>();
    for (final String key : keys.subList(0, Math.min(limit, keys.size()))) {
      final Optional<ModelView> m = queries.model(key);
      if (m.isPresent()) {
        summaries.add(JsonBodies.summary(m.get()));
      }
    }
    final Optional<String> next = keys.size() > limit
        ? Optional.of(pageLink(offset + limit, limit) + (local ? "&local=true" : ""))
        : Optional.empty();
    return JsonBodies.modelsPage(offset, limit, summaries, next);
  }

  /** This instance's models and those of {@code others}, sorted by key without duplicates, then paged. */
  private byte[] listAcross(final List<String> others, final int offset, final int limit) throws IOException {
    final TreeMap<String, JsonNode> summaries = new TreeMap<>();
    for (final String key : queries.keys(0, Integer.MAX_VALUE)) {
      final Optional<ModelView> m = queries.model(key);
      if (m.isPresent()) {
        summaries.put(key, JsonBodies.summary(m.get()));
      }
    }
    for (final String host : others) {
      String next = "/models?local=true&offset=0&limit=" + MAX_PAGE;
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
          summaries.putIfAbsent(summary.path("model").asText(), summary);
        }
        next = page.hasNonNull("next") ? page.get("next").asText() : null;
      }
    }
    final List<JsonNode> all = new ArrayList<>(summaries.values());
    final int from = Math.min(offset, all.size());
    final int to = (int) Math.min(all.size(), (long) offset + limit);
    final Optional<String> next =
        to < all.size() ? Optional.of(pageLink(offset + limit, limit)) : Optional.empty();
    return JsonBodies.modelsPage(offset, limit, all.subList(from, to), next);
  }

  /** The link to the page at {@code offset}. */
  private static String pageLink(final int offset, final int limit) {
    return ModelRoutes.PATH + "?offset=" + offset + "&limit=" + limit;
  }
}
