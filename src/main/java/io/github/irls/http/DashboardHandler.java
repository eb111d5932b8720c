package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The dashboard's static files from the jar ({@code dashboard/} on the class path): {@code /} and
 * {@code /index.html} serve the page, {@code /static/NAME} its scripts, styles and licences. Any
 * other path, or a file that is not there, is a JSON 404 like every unknown route.
 */
final class DashboardHandler implements Route {

  static final String RESOURCES = "dashboard/";
  static final String STATIC_PREFIX = "/static/";

  /** One file name, no directories: nothing outside {@code dashboard/static/} can be named. */
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "json", "application/json; charset=utf-8",
      "txt", "text/plain; charset=utf-8");

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    final String path = exchange.getRequestURI().getRawPath();
    final String resource;
    if ("/".equals(path) || "/index.html".equals(path)) {
      resource = RESOURCES + "index.html";
    } else if (path.startsWith(STATIC_PREFIX) && FILE_NAME.matcher(path.substring(STATIC_PREFIX.length())).matches()
        && !path.contains("..")) {
      resource = RESOURCES + "static/" + path.substring(STATIC_PREFIX.length());
    } else {
      throw HttpError.noRoute(exchange.getRequestURI().getPath());
    }
    final byte[] body;
    try (InputStream in = DashboardHandler.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw HttpError.noRoute(exchange.getRequestURI().getPath());
      }
      body = in.readAllBytes();
    }
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    // the files change only with the jar; revalidating each load keeps an upgraded page consistent
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    Exchanges.send(exchange, 200, contentType(resource), body);
  }

  static String contentType(final String name) {
    final int dot = name.lastIndexOf('.');
    final String extension = dot < 0 ? "" : name.substring(dot + 1);
    return TYPES.getOrDefault(extension, "application/octet-stream");
  }
}
