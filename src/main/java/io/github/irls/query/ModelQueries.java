package io.github.irls.query;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the HTTP API asks of the running application: read-only views of the models. */
public interface ModelQueries {

  /** The model for {@code key}, if this application knows it. */
  Optional<ModelView> model(String key);

  /** Model keys in a stable order, {@code offset} and {@code limit} for paging. */
  List<String> keys(int offset, int limit);

  /**
   * Records sent to the dead-letter topic by the tasks this application hosts, by reason code (the
   * {@code irls.error.reason} header). Empty by default.
   */
  default Map<String, Long> deadLetterCounts() {
    return Map.of();
  }

  /**
   * The last {@code limit} updates of the model {@code key}, oldest first (newest last); empty when
   * none are known here. Empty by default.
   */
  default List<HistoryEntry> history(final String key, final int limit) {
    return List.of();
  }

  /** The Kafka Streams state, e.g. {@code RUNNING}, and whether queries can be answered. */
  Health health();

  /** The application's health as {@code GET /health} reports it. */
  record Health(String state, boolean ready) {}
}
