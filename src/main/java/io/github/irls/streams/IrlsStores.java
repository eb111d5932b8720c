package io.github.irls.streams;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.streams.internals.HistoryRows;
import io.github.irls.streams.internals.KeyDeadLetters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.StateStoreProvider;

/**
 * Interactive queries of the topology's stores on this instance (the tasks it hosts). The
 * application must be RUNNING; for keys hosted elsewhere use {@code queryMetadataForKey} with
 * {@link IrlsTopology#MODELS_STORE} and a String key serializer.
 */
public final class IrlsStores {

  private IrlsStores() {}

  /** The models hosted here, by model key. */
  public static ReadOnlyKeyValueStore<String, ModelState> models(final KafkaStreams streams) {
    return models(streams, false);
  }

  /** As {@link #models(KafkaStreams)}; with {@code stale} also the standby copies hosted here. */
  public static ReadOnlyKeyValueStore<String, ModelState> models(final KafkaStreams streams, final boolean stale) {
    return streams.store(
        stale(StoreQueryParameters.fromNameAndType(IrlsTopology.MODELS_STORE, QueryableStoreTypes.keyValueStore()),
            stale));
  }

  /** {@code parameters}, allowing standby (stale) stores when {@code stale}. */
  public static <T> StoreQueryParameters<T> stale(final StoreQueryParameters<T> parameters, final boolean stale) {
    return stale ? parameters.enableStaleStores() : parameters;
  }

  /**
   * The keys hosted here whose window holds events not yet folded into the model. Empty once every
   * partial window has been closed (by count, by time, or by the idle punctuation). As of the last
   * commit (see {@link ReadOnlyWindows}).
   */
  public static List<OpenWindow> openWindows(final KafkaStreams streams) {
    return windows(streams, false).all().stream().filter(OpenWindow::isOpen).toList();
  }

  /**
   * The open windows of the tasks hosted here, as of their last commit; {@code stale} also reads
   * standby copies.
   */
  public static ReadOnlyWindows windows(final KafkaStreams streams, final boolean stale) {
    return streams.store(stale(StoreQueryParameters.fromNameAndType(IrlsTopology.WINDOWS_STORE, WINDOWS), stale));
  }

  /** The query type of {@link IrlsTopology#WINDOWS_STORE}: every task's windows, read as one. */
  private static final QueryableStoreType<ReadOnlyWindows> WINDOWS = new QueryableStoreType<>() {
    @Override
    public boolean accepts(final StateStore store) {
      return store instanceof ReadOnlyWindows;
    }

    @Override
    public ReadOnlyWindows create(final StateStoreProvider provider, final String storeName) {
      return new ReadOnlyWindows() {
        @Override
        public Optional<OpenWindow> window(final String modelKey) {
          for (final ReadOnlyWindows task : provider.stores(storeName, WINDOWS)) {
            final Optional<OpenWindow> w = task.window(modelKey);
            if (w.isPresent()) {
              return w;
            }
          }
          return Optional.empty();
        }

        @Override
        public List<OpenWindow> all() {
          final List<OpenWindow> out = new ArrayList<>();
          for (final ReadOnlyWindows task : provider.stores(storeName, WINDOWS)) {
            out.addAll(task.all());
          }
          out.sort(Comparator.comparing(OpenWindow::modelKey));
          return out;
        }

        @Override
        public long storedEvents() {
          long n = 0;
          for (final ReadOnlyWindows task : provider.stores(storeName, WINDOWS)) {
            n += task.storedEvents();
          }
          return n;
        }

        @Override
        public long storedBytes() {
          long n = 0;
          for (final ReadOnlyWindows task : provider.stores(storeName, WINDOWS)) {
            n += task.storedBytes();
          }
          return n;
        }
      };
    }
  };

  /** Bytes of the history records hosted here, keys and values. */
  public static long historyBytes(final KafkaStreams streams) {
    final ReadOnlyKeyValueStore<Bytes, byte[]> store =
        streams.store(StoreQueryParameters.fromNameAndType(IrlsTopology.HISTORY_STORE, QueryableStoreTypes.keyValueStore()));
    long bytes = 0;
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        final KeyValue<Bytes, byte[]> kv = it.next();
        bytes += kv.key.get().length + kv.value.length;
      }
    }
    return bytes;
  }

  /** Records dead-lettered by the tasks hosted here, by {@link DeadLetterReason} name. */
  public static Map<String, Long> deadLetterCounts(final KafkaStreams streams) {
    final ReadOnlyKeyValueStore<String, Long> store =
        streams.store(
            StoreQueryParameters.fromNameAndType(
                IrlsTopology.DEAD_LETTER_COUNTS_STORE, QueryableStoreTypes.keyValueStore()));
    final Map<String, Long> counts = new TreeMap<>();
    try (KeyValueIterator<String, Long> it = store.all()) {
      // each task counts on its own, so a reason appears once per task: sum them
      while (it.hasNext()) {
        final KeyValue<String, Long> kv = it.next();
        counts.merge(kv.key, kv.value, Long::sum);
      }
    }
    return counts;
  }

  /**
   * Records of the model {@code key} dead-lettered by the task hosting it, by {@link
   * DeadLetterReason} name; empty when there were none (or the key is hosted elsewhere).
   */
  public static Map<String, Long> modelDeadLetterCounts(final KafkaStreams streams, final String key) {
    return modelDeadLetterCounts(streams, key, false);
  }

  /** As {@link #modelDeadLetterCounts(KafkaStreams, String)}; {@code stale} allows standby copies. */
  public static Map<String, Long> modelDeadLetterCounts(
      final KafkaStreams streams, final String key, final boolean stale) {
    final ReadOnlyKeyValueStore<String, byte[]> store =
        streams.store(
            stale(StoreQueryParameters.fromNameAndType(
                IrlsTopology.MODEL_DEAD_LETTERS_STORE, QueryableStoreTypes.keyValueStore()), stale));
    return decodeModelDeadLetters(store.get(key));
  }

  /** Decodes one value of {@link IrlsTopology#MODEL_DEAD_LETTERS_STORE}; empty for null. */
  public static Map<String, Long> decodeModelDeadLetters(final byte[] value) {
    return KeyDeadLetters.decode(value);
  }

  /**
   * The last {@code limit} updates of the model {@code key} (without covariance), oldest first, from
   * {@link IrlsTopology#HISTORY_STORE}; empty when it has none (or the key is hosted elsewhere).
   */
  public static List<CoefficientUpdate> history(final KafkaStreams streams, final String key, final int limit) {
    return history(streams, key, limit, false);
  }

  /** As {@link #history(KafkaStreams, String, int)}; {@code stale} allows standby copies. */
  public static List<CoefficientUpdate> history(
      final KafkaStreams streams, final String key, final int limit, final boolean stale) {
    final ReadOnlyKeyValueStore<Bytes, byte[]> store =
        streams.store(
            stale(StoreQueryParameters.fromNameAndType(IrlsTopology.HISTORY_STORE, QueryableStoreTypes.keyValueStore()),
                stale));
    return HistoryRows.last(store, key, limit);
  }

}
