package io.github.irls.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.github.irls.glm.CoefficientNames;
import io.github.irls.glm.Normal;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP server of a running application: {@code GET /health}, {@code GET /ready}, {@code
 * GET /metrics} (Prometheus text), {@code GET /models}, {@code
 * GET /models/{key}}, {@code GET /models/{key}/history} and {@code GET /dead-letters}, answering JSON
 * from the state stores, and the dashboard at {@code /} ({@link DashboardHandler}). One handler per route; every
 * error (404, 405, 400, 500) is a JSON object {@code {"error": ..., "status": ...}}.
 *
 * <p><b>Across instances.</b> With {@link Peers} (several instances of one application, each
 * advertising its HTTP {@code host:port} as Kafka Streams' {@code application.server}):
 *
 * <ul>
 *   <li>{@code GET /models/{key}} and {@code GET /models/{key}/history} are forwarded, unchanged,
 *       to the instance holding the key's active store when that is another instance, and its
 *       answer (status and body) is returned as is. The forwarded request carries {@value
 *       #FORWARDED_HEADER}{@code : 1} and is never forwarded again. When the active instance cannot
 *       be reached (connect or read timeout of a few seconds), the standbys are asked in turn, with
 *       {@value #STALE_HEADER}{@code : 1}: a standby answers from its standby copy and marks the
 *       JSON {@code "stale": true} (it may lag the active store). This instance answers from its own
 *       standby copy when it holds one. If nobody answers: 503.
 *   <li>{@code GET /models} merges this instance's keys with the other instances' {@code GET
 *       /models?local=true} (sorted, without duplicates) before paging; an instance that does not
 *       answer is left out. {@code local=true} lists this instance's keys only.
 * </ul>
 */
public final class HttpApi implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEFAULT_PAGE = 100;
  private static final int MAX_PAGE = 10_000;

  /** Header marking a request forwarded by another instance; such a request is answered here. */
  public static final String FORWARDED_HEADER = "X-Irls-Forwarded";

  /** Header asking a standby to answer from its standby (possibly stale) store. */
  public static final String STALE_HEADER = "X-Irls-Stale";

  private static final Duration FORWARD_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);

  private final HttpServer server;
  private final ExecutorService executor;

  private HttpApi(final HttpServer server, final ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code host:port} (port 0 picks a free one) and starts serving; {@code /metrics} is empty. */
  public static HttpApi start(final String host, final int port, final ModelQueries queries)
      throws IOException {
    return start(host, port, queries, () -> "");
  }

  /**
   * Binds {@code host:port} (port 0 picks a free one) and starts serving; {@code GET /metrics}
   * answers {@code metrics}' text (Prometheus text format 0.0.4).
   */
  public static HttpApi start(final String host, final int port, final ModelQueries queries,
      final Supplier<String> metrics) throws IOException {
    final HttpApi api = bind(host, port);
    api.serve(queries, metrics, Peers.NONE);
    return api;
  }

  /**
   * Binds {@code host:port} (port 0 picks a free one) without serving yet, so that the bound
   * {@link #port()} can be advertised before {@link #serve} starts answering.
   */
  public static HttpApi bind(final String host, final int port) throws IOException {
    final HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    final AtomicInteger threads = new AtomicInteger();
    final ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              final Thread t = new Thread(r, "irls-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    return new HttpApi(server, executor);
  }

  /**
   * Starts answering on the bound address: {@code GET /metrics} answers {@code metrics}' text,
   * model requests for keys hosted by {@code peers} are forwarded (see the class comment).
   */
  public void serve(final ModelQueries queries, final Supplier<String> metrics, final Peers peers) {
    server.createContext("/health", guarded(new HealthHandler(queries, "/health", false)));
    server.createContext("/ready", guarded(new HealthHandler(queries, "/ready", true)));
    server.createContext("/metrics", guarded(new MetricsHandler(metrics)));
    server.createContext("/models", guarded(new ModelsHandler(queries, peers)));
    server.createContext("/dead-letters", guarded(new DeadLettersHandler(queries)));
    // the dashboard's files; every other path is a JSON 404
    server.createContext("/", guarded(new DashboardHandler()));
    server.start();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port}. */
  public String address() {
    return "http://" + server.getAddress().getHostString() + ":" + port();
  }

  @Override
  public void close() {
    try {
      server.stop(0);
    } catch (final RuntimeException e) {
      LOG.debug("stopping the HTTP server: {}", e.toString()); // bound but never started
    }
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------------------------------------

  /** An expected failure with its HTTP status. */
  static final class HttpError extends RuntimeException {
    final int status;

    HttpError(final int status, final String message) {
      super(message);
      this.status = status;
    }
  }

  @FunctionalInterface
  interface Route {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** Every route goes through here: GET only, errors as JSON, nothing escapes. */
  private static HttpHandler guarded(final Route route) {
    return exchange -> {
      try {
        if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
          exchange.getResponseHeaders().add("Allow", "GET, HEAD");
          throw new HttpError(405, "method " + exchange.getRequestMethod() + " not allowed");
        }
        route.handle(exchange);
      } catch (HttpError e) {
        sendError(exchange, e.status, e.getMessage());
      } catch (RuntimeException | IOException e) {
        LOG.warn("request {} failed", exchange.getRequestURI(), e);
        sendError(exchange, 500, "internal error: " + e.getClass().getSimpleName());
      } finally {
        exchange.close();
      }
    };
  }

  private static void sendError(final HttpExchange exchange, final int status, final String message) {
    try {
      final Map<String, Object> body = new HashMap<>();
      body.put("error", message);
      body.put("status", status);
      send(exchange, status, JSON.writeValueAsBytes(body));
    } catch (IOException | RuntimeException ignored) {
      // the client went away; nothing more to tell it
    }
  }

  static void send(final HttpExchange exchange, final int status, final byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    final boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static Map<String, String> queryParameters(final HttpExchange exchange) {
    final Map<String, String> params = new HashMap<>();
    final String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (final String pair : raw.split("&")) {
      final int eq = pair.indexOf('=');
      final String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      final String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(name, value);
    }
    return params;
  }

  static int intParameter(final Map<String, String> params, final String name, final int fallback,
      final int min, final int max) {
    final String v = params.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      final int parsed = Integer.parseInt(v);
      if (parsed < min || parsed > max) {
        throw new HttpError(400, name + " must be between " + min + " and " + max + ", got " + v);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new HttpError(400, name + " must be an integer, got '" + v + "'");
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * {@code GET /health} (liveness: 200 unless Kafka Streams is in ERROR or NOT_RUNNING) and {@code
   * GET /ready} (readiness: 200 only while RUNNING, so that queries can be answered); 503
   * otherwise. Both answer {@code {"state": ..., "live": ..., "ready": ...}}.
   */
  private static final class HealthHandler implements Route {
    private final ModelQueries queries;
    private final String route;
    private final boolean readiness;

    HealthHandler(final ModelQueries queries, final String route, final boolean readiness) {
      this.queries = queries;
      this.route = route;
      this.readiness = readiness;
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
      if (!route.equals(exchange.getRequestURI().getPath())) {
        throw new HttpError(404, "no route " + exchange.getRequestURI().getPath());
      }
      final ModelQueries.Health health = queries.health();
      final Map<String, Object> body =
          Map.of("state", health.state(), "live", health.live(), "ready", health.ready());
      final boolean ok = readiness ? health.ready() : health.live();
      send(exchange, ok ? 200 : 503, JSON.writeValueAsBytes(body));
    }
  }

  /** {@code GET /metrics}: every metric in Prometheus text format 0.0.4. */
  private static final class MetricsHandler implements Route {
    private final Supplier<String> metrics;

    MetricsHandler(final Supplier<String> metrics) {
      this.metrics = metrics;
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
      if (!"/metrics".equals(exchange.getRequestURI().getPath())) {
        throw new HttpError(404, "no route " + exchange.getRequestURI().getPath());
      }
      final byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      final boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** {@code GET /dead-letters}: records dead-lettered so far, in total and by reason code. */
  private static final class DeadLettersHandler implements Route {
    private final ModelQueries queries;

    DeadLettersHandler(final ModelQueries queries) {
      this.queries = queries;
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
      if (!"/dead-letters".equals(exchange.getRequestURI().getPath())) {
        throw new HttpError(404, "no route " + exchange.getRequestURI().getPath());
      }
      final Map<String, Long> counts = new java.util.TreeMap<>(queries.deadLetterCounts());
      final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
        g.writeStartObject();
        g.writeNumberField("total", counts.values().stream().mapToLong(Long::longValue).sum());
        writeCounts(g, "by_reason", counts);
        g.writeEndObject();
      }
      send(exchange, 200, bytes.toByteArray());
    }
  }

  private static void writeCounts(final JsonGenerator g, final String name, final Map<String, Long> counts)
      throws IOException {
    g.writeObjectFieldStart(name);
    for (final Map.Entry<String, Long> e : new java.util.TreeMap<>(counts).entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  /** How a model request is answered. */
  private enum Answer {
    /** Another instance answered; its answer was sent. */
    RELAYED,
    /** From this instance's active stores. */
    HERE,
    /** From this instance's stores, standby copies included, marked stale. */
    HERE_STALE
  }

  /** {@code GET /models[?offset=&limit=]}, {@code GET /models/{key}} and {@code GET /models/{key}/history}. */
  private static final class ModelsHandler implements Route {
    private final ModelQueries queries;
    private final HistoryHandler history;
    private final Peers peers;
    private final HttpClient client;

    ModelsHandler(final ModelQueries queries, final Peers peers) {
      this.queries = queries;
      this.history = new HistoryHandler(queries);
      this.peers = peers;
      this.client = HttpClient.newBuilder().connectTimeout(FORWARD_CONNECT_TIMEOUT).build();
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException {
      final String path = exchange.getRequestURI().getRawPath();
      if ("/models".equals(path) || "/models/".equals(path)) {
        list(exchange);
        return;
      }
      final String rawKey = path.substring("/models/".length());
      if (rawKey.endsWith(HistoryHandler.SUFFIX)) {
        final String rawHistoryKey = rawKey.substring(0, rawKey.length() - HistoryHandler.SUFFIX.length());
        if (rawHistoryKey.isEmpty() || rawHistoryKey.contains("/")) {
          throw new HttpError(404, "no route " + path);
        }
        final String historyKey = URLDecoder.decode(rawHistoryKey, StandardCharsets.UTF_8);
        final Answer answer = forward(exchange, historyKey);
        if (answer != Answer.RELAYED) {
          history.handle(exchange, historyKey, answer == Answer.HERE_STALE);
        }
        return;
      }
      if (rawKey.isEmpty() || rawKey.contains("/")) {
        throw new HttpError(404, "no route " + path);
      }
      // Keys may contain '/', sent URL-encoded as %2F.
      final String key = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
      final Answer answer = forward(exchange, key);
      if (answer == Answer.RELAYED) {
        return;
      }
      final boolean stale = answer == Answer.HERE_STALE;
      final Optional<ModelView> model = stale ? queries.staleModel(key) : queries.model(key);
      if (model.isEmpty()) {
        throw new HttpError(404, "no model with key '" + key + "'");
      }
      send(exchange, 200, render(model.get(), stale));
    }

    /**
     * Answers a request for {@code key} from another instance when that one hosts it: the active
     * one, else a standby (stale). Otherwise says how this instance must answer: from its active
     * stores (it is active, or the request was forwarded already) or from its standby copy (asked to
     * by {@link #STALE_HEADER}, or the only copy left that answers).
     */
    private Answer forward(final HttpExchange exchange, final String key) throws IOException {
      if (exchange.getRequestHeaders().containsKey(FORWARDED_HEADER)) {
        return staleRequested(exchange) ? Answer.HERE_STALE : Answer.HERE;
      }
      final Peers.Owner owner = peers.owner(key);
      if (owner.local()) {
        return Answer.HERE;
      }
      final String pathAndQuery = exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
      if (relay(exchange, owner.active(), pathAndQuery, false)) {
        return Answer.RELAYED;
      }
      if (owner.standbyHere()) {
        return Answer.HERE_STALE;
      }
      for (final String standby : owner.standbys()) {
        if (relay(exchange, standby, pathAndQuery, true)) {
          return Answer.RELAYED;
        }
      }
      throw new HttpError(503, "the instance hosting '" + key + "' (" + owner.active()
          + ") does not answer and no standby does");
    }

    /** Forwards the GET to {@code host}; true when it answered (any status), relayed as is. */
    private boolean relay(final HttpExchange exchange, final String host, final String pathAndQuery,
        final boolean stale) throws IOException {
      final HttpResponse<byte[]> response;
      try {
        response = get(host, pathAndQuery, stale);
      } catch (final IOException e) {
        LOG.debug("forwarding {} to {} failed: {}", pathAndQuery, host, e.toString());
        return false;
      }
      exchange.getResponseHeaders().set("Content-Type",
          response.headers().firstValue("Content-Type").orElse("application/json; charset=utf-8"));
      final boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(response.statusCode(), head ? -1 : response.body().length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(response.body());
        }
      }
      return true;
    }

    private HttpResponse<byte[]> get(final String host, final String pathAndQuery, final boolean stale)
        throws IOException {
      final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + pathAndQuery))
          .timeout(FORWARD_TIMEOUT)
          .header(FORWARDED_HEADER, "1")
          .GET();
      if (stale) {
        request.header(STALE_HEADER, "1");
      }
      try {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } catch (final IllegalArgumentException e) {
        throw new IOException("bad address " + host, e);
      }
    }

    private static boolean staleRequested(final HttpExchange exchange) {
      return "1".equals(exchange.getRequestHeaders().getFirst(STALE_HEADER));
    }

    private void list(final HttpExchange exchange) throws IOException {
      final Map<String, String> params = queryParameters(exchange);
      final int offset = intParameter(params, "offset", 0, 0, Integer.MAX_VALUE);
      final int limit = intParameter(params, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
      final boolean local = "true".equalsIgnoreCase(params.get("local"))
          || exchange.getRequestHeaders().containsKey(FORWARDED_HEADER);
      if (!local) {
        final List<String> others = peers.others();
        if (!others.isEmpty()) {
          listAcross(exchange, others, offset, limit);
          return;
        }
      }
      final List<String> keys = queries.keys(offset, limit + 1);
      final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
        g.writeStartObject();
        g.writeNumberField("offset", offset);
        g.writeNumberField("limit", limit);
        g.writeArrayFieldStart("models");
        for (final String key : keys.subList(0, Math.min(limit, keys.size()))) {
          final Optional<ModelView> m = queries.model(key);
          if (m.isPresent()) {
            writeSummary(g, m.get());
          }
        }
        g.writeEndArray();
        if (keys.size() > limit) {
          g.writeStringField("next", "/models?offset=" + (offset + limit) + "&limit=" + limit
              + (local ? "&local=true" : ""));
        }
        g.writeEndObject();
      }
      send(exchange, 200, bytes.toByteArray());
    }

    /** {@code GET /models} over this instance's keys and those of {@code others}, then paged. */
    private void listAcross(final HttpExchange exchange, final List<String> others, final int offset,
        final int limit) throws IOException {
      final java.util.TreeMap<String, JsonNode> summaries = new java.util.TreeMap<>();
      for (final String key : queries.keys(0, Integer.MAX_VALUE)) {
        final Optional<ModelView> m = queries.model(key);
        if (m.isPresent()) {
          final ByteArrayOutputStream one = new ByteArrayOutputStream();
          try (JsonGenerator g = JSON.getFactory().createGenerator(one)) {
            writeSummary(g, m.get());
          }
          summaries.put(key, JSON.readTree(one.toByteArray()));
        }
      }
      for (final String host : others) {
        String next = "/models?local=true&offset=0&limit=" + MAX_PAGE;
        while (next != null) {
          final HttpResponse<byte[]> response;
          try {
            response = get(host, next, false);
          } catch (final IOException e) {
            LOG.debug("listing the models of {} failed: {}", host, e.toString());
            break;
          }
          if (response.statusCode() != 200) {
            break;
          }
          final JsonNode page = JSON.readTree(response.body());
          for (final JsonNode summary : page.path("models")) {
            summaries.putIfAbsent(summary.path("model").asText(), summary);
          }
          next = page.hasNonNull("next") ? page.get("next").asText() : null;
        }
      }
      final List<JsonNode> all = new ArrayList<>(summaries.values());
      final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
        g.writeStartObject();
        g.writeNumberField("offset", offset);
        g.writeNumberField("limit", limit);
        g.writeArrayFieldStart("models");
        final int from = Math.min(offset, all.size());
        final int to = (int) Math.min(all.size(), (long) offset + limit);
        for (final JsonNode summary : all.subList(from, to)) {
          g.writeTree(summary);
        }
        g.writeEndArray();
        if (to < all.size()) {
          g.writeStringField("next", "/models?offset=" + (offset + limit) + "&limit=" + limit);
        }
        g.writeEndObject();
      }
      send(exchange, 200, bytes.toByteArray());
    }
  }

  private static void writeSummary(final JsonGenerator g, final ModelView m) throws IOException {
    g.writeStartObject();
    g.writeStringField("model", m.key());
    g.writeNumberField("version", m.version());
    g.writeNumberField("events_total", m.eventsTotal());
    g.writeStringField("status", m.status());
    // Keys may hold '/' or spaces: the link must be one path segment, as the route decodes it.
    g.writeStringField("href", "/models/" + URLEncoder.encode(m.key(), StandardCharsets.UTF_8).replace("+", "%20"));
    g.writeEndObject();
  }

  /** One model with z, p-values and 95% intervals derived from the published coefficients and SEs. */
  static byte[] render(final ModelView m) {
    return render(m, false);
  }

  /** As {@link #render(ModelView)}; a {@code stale} answer (from a standby) says {@code "stale": true}. */
  static byte[] render(final ModelView m, final boolean stale) {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
      final int d = m.coefficients().length;
      final List<String> names =
          m.featureNames().size() == d ? m.featureNames() : CoefficientNames.defaults(d - 1);
      g.writeStartObject();
      g.writeStringField("model", m.key());
      g.writeNumberField("version", m.version());
      g.writeNumberField("events_total", m.eventsTotal());
      g.writeNumberField("weight_total", m.weightTotal());
      g.writeNumberField("open_window_events", m.openWindowEvents());
      g.writeStringField("status", m.status());
      g.writeStringField("status_reason", m.statusReason());
      g.writeNumberField("updated_at_ms", m.updatedAtMs());
      g.writeNumberField("window_end", m.windowEnd());
      if (stale) {
        g.writeBooleanField("stale", true);
      }
      g.writeArrayFieldStart("coefficients");
      for (int j = 0; j < d; j++) {
        final double b = m.coefficients()[j];
        final double se = m.stdErrors()[j];
        final double z = b / se;
        g.writeStartObject();
        g.writeStringField("name", names.get(j));
        number(g, "estimate", b);
        number(g, "std_error", se);
        number(g, "z_value", z);
        number(g, "p_value", Normal.twoSidedP(z));
        number(g, "ci95_low", b - Normal.Z_975 * se);
        number(g, "ci95_high", b + Normal.Z_975 * se);
        g.writeEndObject();
      }
      g.writeEndArray();
      writeCounts(g, "dead_letters", m.deadLetters());
      if (m.covariance().isPresent()) {
        g.writeArrayFieldStart("covariance");
        for (final double v : m.covariance().get()) {
          number(g, null, v);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void number(final JsonGenerator g, final String name, final double v) throws IOException {
    if (name != null) {
      g.writeFieldName(name);
    }
    if (Double.isFinite(v)) {
      g.writeNumber(v);
    } else {
      g.writeNull();
    }
  }
}
