package io.github.irls.streams;

import static io.github.irls.streams.Harness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Out-of-order events older than a window that already closed are folded in and counted, never dropped. */
class IrlsTopologyLateEventsTest {

  private static final double[][] X = {{0.5, -1.0}, {1.5, 0.3}, {-0.7, 0.9}, {0.1, 0.2}, {2.0, -0.4}, {-1.2, -0.8}};

  @Test
  void shouldFoldEventsOlderThanAClosedWindowIntoTheOpenOneAsLate() {
    try (Harness h = new Harness(
        TopologySettings.builder().windowEvents(100).windowMs(1_000).graceMs(50).lambdaIntercept(1).lambda(1)
            .build())) {
      // Given a window [0, 1000) closed by time when an event at t = 1500 opened the next one
      h.send("a", event(X[0], 1), 0);
      h.send("a", event(X[1], 0), 400);
      h.send("a", event(X[2], 1), 1_500);
      assertThat(h.drainUpdates()).singleElement().satisfies(u -> assertThat(u.getWindowEvents()).isEqualTo(2));

      // When events arrive out of order: one from the closed window's time, one just within grace
      h.send("a", event(X[3], 0), 100);
      h.send("a", event(X[4], 1), 1_460);
      h.send("a", event(X[5], 0), 1_700);
      h.advanceWallClock(120_000);

      // Then the open window took all four, counts the old one as late, and the totals add up
      final List<CoefficientUpdate> updates = h.drainUpdates();
      assertThat(updates).singleElement().satisfies(u -> {
        assertThat(u.getWindowEvents()).isEqualTo(4);
        assertThat(u.getLateEvents()).isEqualTo(1);
        assertThat(u.getWindowStart()).isEqualTo(1_500L);
        assertThat(u.getWindowEnd()).isEqualTo(1_700L);
        assertThat(u.getEventsTotal()).isEqualTo(6);
        assertThat(u.getVersion()).isEqualTo(2);
      });
      assertThat(h.model("a").lateEventsTotal()).isEqualTo(1);
      assertThat(h.deadLetters.isEmpty()).isTrue();
    }
  }
}
