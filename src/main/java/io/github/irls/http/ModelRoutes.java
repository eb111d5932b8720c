package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The routes under {@code /models}, which the JDK server gives one context: {@code GET /models}
 * ({@link ModelListHandler}), {@code GET /models/{key}/history} ({@link HistoryHandler}), {@code
 * POST /models/{key}/score} ({@link ScoreHandler}), {@code GET /models/{key}/sample} ({@link
 * SampleHandler}) and {@code GET /models/{key}} ({@link ModelHandler}). Only the path's shape is looked at here; the
 * route itself reads the key (with {@link #key}), after {@link RouteGuard} has checked the method.
 */
final class ModelRoutes {

  static final String PATH = "/models";
  private static final String KEY_PREFIX = PATH + "/";

  private final ModelListHandler list;
  private final ModelHandler model;
  private final HistoryHandler history;
  private final ScoreHandler score;
  private final SampleHandler sample;

  ModelRoutes(final ModelListHandler list, final ModelHandler model, final HistoryHandler history,
      final ScoreHandler score, final SampleHandler sample) {
    this.list = list;
    this.model = model;
    this.history = history;
    this.score = score;
    this.sample = sample;
  }

  /** The route for the request's path. */
  Route route(final HttpExchange exchange) {
    final String path = exchange.getRequestURI().getRawPath();
    if (PATH.equals(path) || KEY_PREFIX.equals(path)) {
      return list;
    }
    final String rawKey = rawKey(path);
    if (rawKey.endsWith(HistoryHandler.SUFFIX)) {
      return history;
    }
    if (rawKey.endsWith(ScoreHandler.SUFFIX)) {
      return score;
    }
    return rawKey.endsWith(SampleHandler.SUFFIX) ? sample : model;
  }

  /**
   * The path of the model {@code key}, {@code /models/{key}}: the key URL-encoded as one path segment
   * ('/' as %2F, a space as %20), as {@link #key} decodes it.
   */
  static String path(final String key) {
    return KEY_PREFIX + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * The model key of a request to {@code /models/{key}{suffix}}: one path segment, URL-decoded
   * (keys may contain '/', sent as %2F); 404 when it is empty or more than one segment.
   */
  static String key(final HttpExchange exchange, final String suffix) {
    final String path = exchange.getRequestURI().getRawPath();
    final String rawKey = rawKey(path);
    final String raw = rawKey.substring(0, rawKey.length() - suffix.length());
    if (raw.isEmpty() || raw.contains("/")) {
      throw HttpError.noRoute(path);
    }
    return URLDecoder.decode(raw, StandardCharsets.UTF_8);
  }

  private static String rawKey(final String path) {
    return path.substring(Math.min(KEY_PREFIX.length(), path.length()));
  }
}
