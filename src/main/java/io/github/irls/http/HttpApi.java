package io.github.irls.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.irls.query.ModelQueries;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP server of a running application: binds, registers the routes, starts and stops.
 * The routes, one handler class each, GET (and HEAD) unless said:
 *
 * <ul>
 *   <li>{@code /health} and {@code /ready}: liveness and readiness ({@link HealthHandler});
 *   <li>{@code /metrics}: Prometheus text ({@link MetricsHandler});
 *   <li>{@code /models[?q=&sort=&order=&offset=&limit=&local=]}: the models, searched, sorted and
 *       paged, with their total ({@link ModelListHandler}, {@link ModelOrder});
 *   <li>{@code /models/{key}}: one model with z, p-values and intervals ({@link ModelHandler});
 *   <li>{@code /models/{key}/history[?limit=]}: its last updates ({@link HistoryHandler});
 *   <li>{@code POST /models/{key}/score}: probabilities with exact 95% intervals ({@link ScoreHandler});
 *   <li>{@code /models/{key}/sample[?n=&seed=]}: draws from its posterior ({@link SampleHandler});
 *   <li>{@code POST /choose}: Thompson sampling among arms ({@link ChooseHandler});
 *   <li>{@code /dead-letters}: dead-lettered records by reason ({@link DeadLettersHandler});
 *   <li>{@code /} and {@code /static/NAME}: the dashboard ({@link DashboardHandler}).
 * </ul>
 *
 * <p>The five {@code /models} routes share one JDK context, split by {@link ModelRoutes}. Every
 * route goes through {@link RouteGuard}: a method the route does not answer is 405 with {@code
 * Allow}, and every error (400, 401, 404, 405, 413, 500, 502, 503) is {@code {"error": ..., "status": ...}}. The
 * JSON bodies are written by {@link JsonBodies}, responses by {@link Exchanges}.
 *
 * <p><b>Locked.</b> With {@link HttpSecurity} the server speaks https only, and every route but
 * {@code /health} and {@code /ready} (left open for probes) answers a JSON 401 with {@code
 * WWW-Authenticate} to a request without accepted credentials ({@link HttpAuth}: HTTP basic or a
 * bearer token). Requests forwarded to peers go over https too, with this instance's credentials;
 * a peer that refuses those (401) makes the request a 502 saying so ({@link Forwarder#refused}),
 * not a 401 that would tell the client its own credentials were wrong.
 *
 * <p><b>Across instances.</b> With {@link Peers} (several instances of one application, each
 * advertising its HTTP {@code host:port} as Kafka Streams' {@code application.server}):
 *
 * <ul>
 *   <li>{@code GET /models/{key}}, {@code GET /models/{key}/history}, {@code POST
 *       /models/{key}/score} and {@code GET /models/{key}/sample} are forwarded, unchanged (a POST
 *       with its body), to the instance holding the key's active store when that is another instance, and its
 *       answer (status and body) is returned as is, but for a 401 ({@link Forwarder}). The forwarded request
 *       carries {@value #FORWARDED_HEADER}{@code : 1} and is never forwarded again. When the active
 *       instance cannot be reached (connect or read timeout of a few seconds), the standbys are
 *       asked in turn, with {@value #STALE_HEADER}{@code : 1}: a standby answers from its standby
 *       copy and marks the JSON {@code "stale": true} (it may lag the active store). This instance
 *       answers from its own standby copy when it holds one. If nobody answers: 503.
 *   <li>{@code GET /models} merges this instance's models with the other instances' {@code GET
 *       /models?local=true&q=} (without duplicates) before sorting and paging; an instance that
 *       does not answer is left out. {@code local=true} lists this instance's models only.
 *   <li>{@code POST /choose} draws each arm on the instance hosting it, the same way, asking each
 *       other instance once for all of its arms (a forwarded {@code POST /choose}), all at once.
 * </ul>
 */
public final class HttpApi implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  /** Header marking a request forwarded by another instance; such a request is answered here. */
  public static final String FORWARDED_HEADER = "X-Irls-Forwarded";

  /** Header asking a standby to answer from its standby (possibly stale) store. */
  public static final String STALE_HEADER = "X-Irls-Stale";

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpSecurity security;

  private HttpApi(final HttpServer server, final ExecutorService executor, final HttpSecurity security) {
    this.server = server;
    this.executor = executor;
    this.security = security;
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
    return bind(host, port, HttpSecurity.NONE);
  }

  /**
   * As {@link #bind(String, int)}, locked by {@code security}: https only when it has TLS, and
   * every route but {@code /health} and {@code /ready} behind its authentication.
   */
  public static HttpApi bind(final String host, final int port, final HttpSecurity security) throws IOException {
    final InetSocketAddress address = new InetSocketAddress(host, port);
    final HttpServer server;
    if (security.serverTls().isPresent()) {
      final HttpsServer https = JdkHttpServers.https(address);
      https.setHttpsConfigurator(new HttpsConfigurator(security.serverTls().get()));
      server = https;
    } else {
      server = JdkHttpServers.http(address);
    }
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
    return new HttpApi(server, executor, security);
  }

  /**
   * Starts answering on the bound address: {@code GET /metrics} answers {@code metrics}' text,
   * model requests for keys hosted by {@code peers} are forwarded (see the class comment).
   */
  public void serve(final ModelQueries queries, final Supplier<String> metrics, final Peers peers) {
    final HealthHandler liveness = HealthHandler.liveness(queries);
    final HealthHandler readiness = HealthHandler.readiness(queries);
    // open whatever the security, for the probes of an orchestrator
    server.createContext(liveness.path(), RouteGuard.guarded(liveness));
    server.createContext(readiness.path(), RouteGuard.guarded(readiness));
    locked(MetricsHandler.PATH, RouteGuard.guarded(new MetricsHandler(metrics)));
    final Forwarder forwarder = new Forwarder(peers, security.peerTls(), security.auth().peerAuthorization());
    final ModelListHandler list = new ModelListHandler(queries, peers, forwarder);
    final ModelRoutes models = new ModelRoutes(list, new ModelHandler(queries, forwarder),
        new HistoryHandler(queries, forwarder), new ScoreHandler(queries, forwarder), new SampleHandler(queries, forwarder));
    locked(ModelRoutes.PATH, RouteGuard.dispatched(models::route));
    locked(ChooseHandler.PATH, RouteGuard.guarded(new ChooseHandler(queries, forwarder, list)));
    locked(DeadLettersHandler.PATH, RouteGuard.guarded(new DeadLettersHandler(queries)));
    // the dashboard's files; every other path is a JSON 404 (a 401 first when locked)
    locked("/", RouteGuard.guarded(new DashboardHandler()));
    server.start();
  }

  private void locked(final String path, final HttpHandler handler) {
    server.createContext(path, RouteGuard.authenticated(security.auth(), handler));
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port}, or {@code https://host:port} with TLS. */
  public String address() {
    return (security.tlsEnabled() ? "https://" : "http://") + server.getAddress().getHostString() + ":" + port();
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
}
