package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;

/**
 * One route of the HTTP API: the methods it answers and how it answers them. {@link RouteGuard}
 * refuses any other method with 405 before {@link #handle} runs, so a handler only sees its own.
 */
interface Route {

  /** The methods of a route that only reads; HEAD is GET without the body. */
  List<String> READ = List.of("GET", "HEAD");

  /** The methods of a route that takes a body (which need not change anything). */
  List<String> WRITE = List.of("POST");

  /** The methods this route answers, in the order the {@code Allow} header lists them. */
  default List<String> methods() {
    return READ;
  }

  /** Answers the request; throws {@link HttpError} for an expected failure. */
  void handle(HttpExchange exchange) throws IOException;
}
