package io.github.irls.app;

import io.github.irls.glm.ProgressiveValidation;
import io.github.irls.glm.StepStatus;
import io.github.irls.query.ServedModel;
import io.github.irls.query.Quality;
import java.util.OptionalDouble;
import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.query.HistoryEntry;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import io.github.irls.streams.IrlsStores;
import io.github.irls.streams.IrlsTopology;
import io.github.irls.streams.internals.FactorCache;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.OpenWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * {@link ModelQueries} over the state stores of this instance (interactive queries).
 *
 * <p>Only the models whose partitions this instance hosts are visible: a key owned by another
 * instance of the same application answers as unknown here; the HTTP API forwards such requests to
 * the owner ({@link StreamsPeers}). {@link #staleModel} and {@link #staleHistory} also read the
 * standby copies hosted here. While the
 * application is rebalancing or restoring, the stores cannot be queried and every key answers as
 * unknown; {@code /health} says why.
 */
final class StoreModelQueries implements ModelQueries {

  private final KafkaStreams streams;
  private final boolean withCovariance;
  private final double driftZThreshold;
  private final Supplier<Optional<String>> notReady;
  private final FactorCache factors = new FactorCache(IrlsTopology.SCORING_FACTOR_CACHE_BYTES);

  StoreModelQueries(final KafkaStreams streams, final boolean withCovariance, final double driftZThreshold) {
    this(streams, withCovariance, driftZThreshold, Optional::empty);
  }

  /** With {@code notReady}: why a running application is not ready anyway (e.g. waiting for the schema registry). */
  StoreModelQueries(final KafkaStreams streams, final boolean withCovariance, final double driftZThreshold,
      final Supplier<Optional<String>> notReady) {
    this.streams = streams;
    this.withCovariance = withCovariance;
    this.driftZThreshold = driftZThreshold;
    this.notReady = notReady;
  }

  @Override
  public Optional<ModelView> model(final String key) {
    return model(key, false);
  }

  @Override
  public Optional<ModelView> staleModel(final String key) {
    return model(key, true);
  }

  private Optional<ModelView> model(final String key, final boolean stale) {
    try {
      final ModelState state = IrlsStores.models(streams, stale).get(key);
      if (state == null) {
        return Optional.empty();
      }
      return Optional.of(view(key, state, openWindowEvents(key, stale))
          .withDeadLetters(IrlsStores.modelDeadLetterCounts(streams, key, stale)));
    } catch (final InvalidStateStoreException e) {
      return Optional.empty(); // rebalancing or not running: /health reports it
    }
  }

  @Override
  public Optional<ServedModel> served(final String key) {
    return served(key, false);
  }

  @Override
  public Optional<ServedModel> staleServed(final String key) {
    return served(key, true);
  }

  private Optional<ServedModel> served(final String key, final boolean stale) {
    try {
      final ModelState state = IrlsStores.models(streams, stale).get(key);
      // a model reset by a spec tombstone is only its prior until a window closes: nothing to serve,
      // as the scoring stream answers NO_MODEL for it
      if (state == null || state.status() == StepStatus.RESET) {
        return Optional.empty();
      }
      // factored once per model version (O(d^3)), not once per request; a stored precision is finite
      // and positive-definite up to the ridge the step itself added
      return factors.factor(key, state)
          .map(posterior -> new ServedModel(key, state.version(), state.coefficientNames(), posterior));
    } catch (final InvalidStateStoreException e) {
      return Optional.empty(); // rebalancing or not running: /health reports it
    }
  }

  @Override
  public List<String> keys(final int offset, final int limit) {
    final TreeSet<String> keys = new TreeSet<>();
    try (KeyValueIterator<String, ModelState> it = IrlsStores.models(streams).all()) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    } catch (final InvalidStateStoreException e) {
      return List.of();
    }
    final List<String> sorted = new ArrayList<>(keys);
    if (offset >= sorted.size()) {
      return List.of();
    }
    return List.copyOf(sorted.subList(offset, (int) Math.min(sorted.size(), (long) offset + limit)));
  }

  /** The keys of the store's prefix scan alone, not of every model (a bandit's arms among many models). */
  @Override
  public List<String> keysWithPrefix(final String prefix) {
    final TreeSet<String> keys = new TreeSet<>();
    try (KeyValueIterator<String, ModelState> it = IrlsStores.models(streams).prefixScan(prefix, new StringSerializer())) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    } catch (final InvalidStateStoreException e) {
      return List.of();
    }
    return List.copyOf(keys);
  }

  @Override
  public Health health() {
    final KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      return new Health(state.name(), false);
    }
    final Optional<String> reason = notReady.get();
    return new Health(state.name(), reason.isEmpty(), reason);
  }

  @Override
  public Map<String, Long> deadLetterCounts() {
    try {
      return IrlsStores.deadLetterCounts(streams);
    } catch (final InvalidStateStoreException e) {
      return Map.of(); // rebalancing or not running: /health reports it
    }
  }

  @Override
  public List<HistoryEntry> history(final String key, final int limit) {
    return history(key, limit, false);
  }

  @Override
  public OptionalDouble driftZThreshold() {
    return OptionalDouble.of(driftZThreshold);
  }

  @Override
  public List<HistoryEntry> staleHistory(final String key, final int limit) {
    return history(key, limit, true);
  }

  private List<HistoryEntry> history(final String key, final int limit, final boolean stale) {
    try {
      final List<HistoryEntry> entries = new ArrayList<>();
      for (final CoefficientUpdate u : IrlsStores.history(streams, key, limit, stale)) {
        entries.add(new HistoryEntry(u.getVersion(), u.getWindowEnd(), u.getWindowEvents(), u.getEventsTotal(),
            u.getFeatureNames(), unboxed(u.getCoefficients()), unboxed(u.getStdErrors()), u.getStatus(),
            u.getStatusReason(), quality(u)));
      }
      return entries;
    } catch (final InvalidStateStoreException e) {
      return List.of(); // rebalancing or not running: /health reports it
    }
  }

  private static double[] unboxed(final List<Double> values) {
    final double[] v = new double[values.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = values.get(i);
    }
    return v;
  }

  private long openWindowEvents(final String key, final boolean stale) {
    return IrlsStores.windows(streams, stale).window(key).map(OpenWindow::events).orElse(0L);
  }

  /** The view of {@code state}: field for field what its last published update said. */
  ModelView view(final String key, final ModelState state, final long openEvents) {
    return new ModelView(
        key,
        state.version(),
        state.coefficientNames(),
        state.coefficients().clone(),
        state.stdErrors().clone(),
        withCovariance ? Optional.of(state.posterior().covariance()) : Optional.empty(),
        state.eventsTotal(),
        state.weightTotal(),
        openEvents,
        state.lastStatus(),
        state.statusReason(),
        state.updatedAtMs(),
        state.lastWindowEnd(),
        Map.of(),
        quality(state));
  }

  /** What the last update said of its window's quality. */
  static Quality quality(final ModelState state) {
    if (state.validation().isEmpty()) {
      return Quality.NONE; // no scored event, so no z and no flag
    }
    final ProgressiveValidation v = state.validation().get();
    return new Quality(OptionalDouble.of(v.logLoss()), OptionalDouble.of(v.brier()),
        OptionalDouble.of(v.expectedPositives()), OptionalDouble.of(v.observedPositives()), v.auc(), v.aucErrorBound(),
        v.logLossZ(), state.driftSuspected());
  }

  /** What an update said of its window's quality. */
  static Quality quality(final CoefficientUpdate u) {
    return new Quality(Quality.of(u.getProgressiveLogloss()), Quality.of(u.getProgressiveBrier()),
        Quality.of(u.getExpectedPositives()), Quality.of(u.getObservedPositives()), Quality.of(u.getProgressiveAuc()),
        Quality.of(u.getProgressiveAucErrorBound()), Quality.of(u.getLoglossZ()), u.getDriftSuspected());
  }
}
