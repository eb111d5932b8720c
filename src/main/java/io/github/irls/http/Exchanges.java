package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/** Reading a request's path and parameters and writing its answer, the same way for every route. */
final class Exchanges {

  static final String JSON_TYPE = "application/json; charset=utf-8";

  private Exchanges() {}

  /** Sends {@code body} as JSON with {@code status}. */
  static void sendJson(final HttpExchange exchange, final int status, final byte[] body) throws IOException {
    send(exchange, status, JSON_TYPE, body);
  }

  /** Sends {@code body} with {@code status}; a HEAD request gets the headers only. */
  static void send(final HttpExchange exchange, final int status, final String contentType, final byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    final boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * 404 unless the path is exactly {@code path}: a JDK context also receives the paths it
   * prefixes ({@code /health} gets {@code /healthz}).
   */
  static void requirePath(final HttpExchange exchange, final String path) {
    if (!path.equals(exchange.getRequestURI().getPath())) {
      throw HttpError.noRoute(exchange.getRequestURI().getPath());
    }
  }

  /**
   * The request's body, at most {@code limit} bytes: 413 when it is longer (said by its {@code
   * Content-Length} or found while reading), 400 when there is none.
   *
   * <p>A body that is refused is read to its end (up to {@link #DISCARD_LIMIT} bytes) before the
   * 413 is sent: a socket closed with unread bytes is reset, and the reset can reach the client
   * before the 413 it has not yet read, so it would see a broken connection instead of the answer.
   */
  static byte[] body(final HttpExchange exchange, final int limit) throws IOException {
    final String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      final long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (final NumberFormatException e) {
        throw new HttpError(400, "Content-Length is not a number: " + declared);
      }
      if (length > limit) {
        throw refused(exchange, limit);
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      final byte[] body = in.readNBytes(limit + 1);
      if (body.length > limit) {
        throw refused(exchange, limit);
      }
      if (body.length == 0) {
        throw new HttpError(400, "the request has no body; send JSON");
      }
      return body;
    }
  }

  /** The most bytes of a refused body that are read and thrown away; past them the connection is closed. */
  static final long DISCARD_LIMIT = 64L << 20;

  private static HttpError refused(final HttpExchange exchange, final int limit) throws IOException {
    if (!discardToEnd(exchange.getRequestBody())) {
      exchange.getResponseHeaders().set("Connection", "close");
    }
    return new HttpError(413, "the request body is larger than " + limit + " bytes");
  }

  /** Reads {@code in} to its end unless that is more than {@link #DISCARD_LIMIT} bytes; whether it got there. */
  private static boolean discardToEnd(final InputStream in) throws IOException {
    final byte[] sink = new byte[64 * 1024];
    long discarded = 0;
    while (discarded <= DISCARD_LIMIT) {
      final int read = in.read(sink);
      if (read < 0) {
        return true;
      }
      discarded += read;
    }
    return false;
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

  /** The parameter {@code name} as an integer in {@code [min, max]}, {@code fallback} when absent; else 400. */
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

  /** The parameter {@code name} as a 64-bit integer, empty when absent; else 400. */
  static OptionalLong longParameter(final Map<String, String> params, final String name) {
    final String v = params.get(name);
    if (v == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v));
    } catch (final NumberFormatException e) {
      throw new HttpError(400, name + " must be an integer (a 64-bit long), got '" + v + "'");
    }
  }
}
