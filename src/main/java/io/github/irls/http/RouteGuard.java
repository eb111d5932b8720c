package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place every request goes through: one without accepted credentials is 401 when the API
 * is locked ({@link #authenticated}), a method the route does not answer is 405 with an
 * {@code Allow} header, an {@link HttpError} becomes its JSON error, any other exception a JSON 500,
 * and the exchange is always closed, so that nothing escapes to the JDK server (which would drop
 * the connection without an answer).
 */
final class RouteGuard {

  private static final Logger LOG = LoggerFactory.getLogger(RouteGuard.class);

  private RouteGuard() {}

  /** A context served by one route. */
  static HttpHandler guarded(final Route route) {
    return dispatched(exchange -> route);
  }

  /** A context whose paths {@code dispatch} hands to several routes (see {@link ModelRoutes}). */
  static HttpHandler dispatched(final Function<HttpExchange, Route> dispatch) {
    return exchange -> {
      try {
        final Route route = dispatch.apply(exchange);
        if (!route.methods().contains(exchange.getRequestMethod())) {
          exchange.getResponseHeaders().add("Allow", String.join(", ", route.methods()));
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

  /**
   * {@code handler} behind {@code auth}: a request whose credentials are missing or not accepted
   * is a JSON 401 with {@code WWW-Authenticate} (a browser then prompts for basic credentials),
   * whatever its path, so that nothing of the API shows to a stranger. Credentials are never logged.
   */
  static HttpHandler authenticated(final HttpAuth auth, final HttpHandler handler) {
    if (!auth.required()) {
      return handler;
    }
    return exchange -> {
      final String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth.accepts(authorization)) {
        handler.handle(exchange);
        return;
      }
      try {
        exchange.getResponseHeaders().set("WWW-Authenticate", auth.challenge());
        sendError(exchange, 401, authorization == null ? "authentication required" : "credentials not accepted");
      } finally {
        exchange.close();
      }
    };
  }

  private static void sendError(final HttpExchange exchange, final int status, final String message) {
    try {
      Exchanges.sendJson(exchange, status, JsonBodies.error(status, message));
    } catch (IOException | RuntimeException ignored) {
      // the client went away, or the answer had begun already; nothing more to tell it
    }
  }
}
