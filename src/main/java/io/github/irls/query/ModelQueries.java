package io.github.irls.query;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** What the HTTP API asks of the running application: read-only views of the models. */
public interface ModelQueries {

  /** The model for {@code key}, if this application knows it. */
  Optional<ModelView> model(String key);

  /** Model keys in a stable order, {@code offset} and {@code limit} for paging. */
  List<String> keys(int offset, int limit);

  /** The model keys that start with {@code prefix}, in order; by default those of {@link #keys}. */
  default List<String> keysWithPrefix(final String prefix) {
    return keys(0, Integer.MAX_VALUE).stream().filter(key -> key.startsWith(prefix)).toList();
  }

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

  /**
   * As {@link #model(String)}, but may answer from a standby copy of the store (possibly behind the
   * active one); used when the instance holding the active copy cannot be reached.
   */
  default Optional<ModelView> staleModel(final String key) {
    return model(key);
  }

  /** As {@link #history(String, int)}, but may answer from a standby copy of the store. */
  default List<HistoryEntry> staleHistory(final String key, final int limit) {
    return history(key, limit);
  }

  /**
   * The model {@code key} ready to be served (scored, sampled), if this application knows it. Empty
   * by default.
   */
  default Optional<ServedModel> served(final String key) {
    return Optional.empty();
  }

  /** As {@link #served(String)}, but may answer from a standby copy of the store. */
  default Optional<ServedModel> staleServed(final String key) {
    return served(key);
  }

  /**
   * The {@code logloss_z} above which this application marks an update {@code drift_suspected}
   * ({@code drift.z.threshold}), so that a history can be drawn against it; empty when not known.
   */
  default OptionalDouble driftZThreshold() {
    return OptionalDouble.empty();
  }

  /** The Kafka Streams state, e.g. {@code RUNNING}, and whether queries can be answered. */
  Health health();

  /**
   * The application's health: {@code GET /health} answers 200 while it is {@link #live()}, {@code
   * GET /ready} while it is {@code ready}.
   *
   * @param state the Kafka Streams state, e.g. {@code RUNNING}
   * @param ready whether queries can be answered and the input is being processed
   * @param reason why it is not ready though running (e.g. {@code WAITING_FOR_SCHEMA_REGISTRY: ...}),
   *     if that is the case
   */
  record Health(String state, boolean ready, Optional<String> reason) {

    public Health {
      java.util.Objects.requireNonNull(reason, "reason");
    }

    /** Health with no reason beyond the state. */
    public Health(final String state, final boolean ready) {
      this(state, ready, Optional.empty());
    }

    /**
     * Whether the process can still do its work: false once Kafka Streams is in ERROR, PENDING_ERROR
     * or NOT_RUNNING (it never leaves these by itself); rebalancing and restoring are alive.
     */
    public boolean live() {
      return !"ERROR".equals(state) && !"PENDING_ERROR".equals(state) && !"NOT_RUNNING".equals(state);
    }
  }
}
