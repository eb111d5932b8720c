package io.github.irls.streams;

import static io.github.irls.streams.Harness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.streams.internals.HistoryRows;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** The per-key history store: what a closed window adds, and the bound on what is kept. */
class IrlsTopologyHistoryTest {

  private static final double[][] X = {{0.5, -1.0}, {1.5, 0.2}, {-0.3, 0.8}, {0.1, 0.1}, {2.0, -0.5}};
  private static final double[] Y = {1, 0, 1, 0, 1};

  /** One event per window, so every event is a step; a real prior keeps one-event steps finite. */
  private static TopologySettings settings() {
    return TopologySettings.builder().windowEvents(1).windowMs(Long.MAX_VALUE)
        .idleCloseMs(Long.MAX_VALUE).lambdaIntercept(1.0).lambda(1.0).build();
  }

  private static KeyValueStore<Bytes, byte[]> store(final Harness h) {
    return h.driver.getKeyValueStore(IrlsTopology.HISTORY_STORE);
  }

  private static long rows(final Harness h) {
    long n = 0;
    try (KeyValueIterator<Bytes, byte[]> it = store(h).all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  @Test
  void shouldKeepTheLastHistoryEntriesUpdatesOfEachKeyAndDeleteOlderOnes() {
    try (Harness h = new Harness(settings())) {
      // Given one key with 5 more steps than the bound, and a key whose bytes extend the first key's
      final int steps = IrlsTopology.HISTORY_ENTRIES + 5;
      for (int i = 0; i < steps; i++) {
        h.send("a", event(X[i % X.length], Y[i % Y.length]), 1000 + i);
      }
      for (int i = 0; i < 3; i++) {
        h.send("ab", event(X[i], Y[i]), 1000 + i);
      }
      final List<CoefficientUpdate> published = h.drainUpdates();

      // When the whole history of each key is read back
      final List<CoefficientUpdate> a = HistoryRows.last(store(h), "a", 10_000);
      final List<CoefficientUpdate> ab = HistoryRows.last(store(h), "ab", 10_000);

      // Then "a" keeps exactly its last HISTORY_ENTRIES versions, oldest first, and the older rows are gone
      assertThat(published).hasSize(steps + 3);
      assertThat(a).hasSize(IrlsTopology.HISTORY_ENTRIES);
      assertThat(a.get(0).getVersion()).isEqualTo(6L);
      assertThat(a.get(a.size() - 1).getVersion()).isEqualTo((long) steps);
      for (int i = 1; i < a.size(); i++) {
        assertThat(a.get(i).getVersion()).isEqualTo(a.get(i - 1).getVersion() + 1);
      }
      assertThat(ab).extracting(CoefficientUpdate::getVersion).containsExactly(1L, 2L, 3L);
      assertThat(rows(h)).isEqualTo(IrlsTopology.HISTORY_ENTRIES + 3L);
    }
  }

  @Test
  void shouldRecordEachPublishedUpdateWithoutItsCovariance() {
    try (Harness h = new Harness(settings().toBuilder().windowEvents(2).publishCovariance(true).build())) {
      // Given updates published with their covariance
      for (int i = 0; i < 5; i++) {
        h.send("m", event(X[i], Y[i]), 2000 + i);
      }
      final List<CoefficientUpdate> published = h.drainUpdates();

      // When the last two entries of the key are read
      final List<CoefficientUpdate> last = HistoryRows.last(store(h), "m", 2);

      // Then they are the two published updates, field for field, except that the covariance is dropped
      assertThat(published).hasSize(2);
      assertThat(published.get(1).getCovariance()).isNotNull();
      assertThat(last).hasSize(2);
      for (int i = 0; i < 2; i++) {
        final CoefficientUpdate expected = CoefficientUpdate.newBuilder(published.get(i)).setCovariance(null).build();
        assertThat(last.get(i)).isEqualTo(expected);
      }
      assertThat(HistoryRows.last(store(h), "m", 1)).containsExactly(last.get(1));
      assertThat(HistoryRows.last(store(h), "unknown", 5)).isEmpty();
    }
  }
}
