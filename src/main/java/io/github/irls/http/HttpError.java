package io.github.irls.http;

/** An expected failure with its HTTP status; {@link RouteGuard} answers it as a JSON error. */
final class HttpError extends RuntimeException {

  final int status;

  HttpError(final int status, final String message) {
    super(message);
    this.status = status;
  }

  /** 404 for a model key that no model has. */
  static HttpError noModel(final String key) {
    return new HttpError(404, "no model with key '" + key + "'");
  }

  /** 404 for a path that no route serves. */
  static HttpError noRoute(final String path) {
    return new HttpError(404, "no route " + path);
  }
}
