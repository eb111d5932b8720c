package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import io.github.irls.query.ModelQueries;
import java.io.IOException;

/** {@code GET /dead-letters}: records dead-lettered so far, in total and by reason code. */
final class DeadLettersHandler implements Route {

  static final String PATH = "/dead-letters";

  private final ModelQueries queries;

  DeadLettersHandler(final ModelQueries queries) {
    this.queries = queries;
  }

  @Override
  public void handle(final HttpExchange exchange) throws IOException {
    Exchanges.requirePath(exchange, PATH);
    Exchanges.sendJson(exchange, 200, JsonBodies.deadLetters(queries.deadLetterCounts()));
  }
}
