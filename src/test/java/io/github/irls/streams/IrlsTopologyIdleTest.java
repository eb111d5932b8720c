package io.github.irls.streams;

import static io.github.irls.streams.Harness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * When an idle window closes: by the task's stream time (other keys' events moving on), which the
 * records alone decide; and, at the end of the data, by wall-clock quiet time, but only while the
 * input is confirmed caught up. A stalled pipeline, a broker outage or a backlog never closes a
 * window.
 */
class IrlsTopologyIdleTest {

  private static final double[][] X = {{0.5, -1.0}, {1.5, 0.2}, {-0.3, 0.8}, {0.1, 0.1}};
  private static final double[] Y = {1, 0, 1, 0};

  /** Windows of up to 100 events, never closed by event time; idle after 5 s. */
  private static TopologySettings settings() {
    return TopologySettings.builder().windowEvents(100).windowMs(Long.MAX_VALUE).idleCloseMs(5_000)
        .lambdaIntercept(1.0).lambda(1.0).build();
  }

  @Test
  void shouldCloseAnIdleKeysWindowWhenOtherKeysMoveStreamTimeOn() {
    try (Harness h = new Harness(settings())) {
      // Given key a's window open since event time 0, and no wall-clock time passing at all
      h.send("a", event(X[0], Y[0]), 0);
      h.send("a", event(X[1], Y[1]), 1_000);

      // When key b's events move the task's stream time to 5,999 and then to 6,000
      h.send("b", event(X[2], Y[2]), 5_999);
      final List<CoefficientUpdate> before = h.drainUpdates();
      h.send("b", event(X[3], Y[3]), 6_000);

      // Then a's window closes exactly when stream time reaches its last event plus 5 s; b's stays open
      assertThat(before).isEmpty();
      assertThat(h.drainUpdates()).singleElement().satisfies(u -> {
        assertThat(u.getModelKey()).isEqualTo("a");
        assertThat(u.getWindowEvents()).isEqualTo(2);
      });
      assertThat(h.openWindows()).extracting(OpenWindow::modelKey).containsExactly("b");
    }
  }

  @Test
  void shouldCloseNothingByWallClockWhileTheInputIsBehindOrUnconfirmed() {
    try (Harness h = new Harness(settings())) {
      // Given an open window, and an input that is not confirmed caught up (a backlog, a broker
      // outage, a paused process)
      h.caughtUpSince.set(OptionalLong.empty());
      h.send("a", event(X[0], Y[0]), 0);

      // When ten times the idle time passes on the wall clock
      h.advanceWallClock(50_000);

      // Then nothing closed
      assertThat(h.drainUpdates()).isEmpty();
      assertThat(h.openWindows()).hasSize(1);

      // When the input is confirmed caught up from now, and stays quiet for less than the idle time
      h.caughtUpSince.set(OptionalLong.of(Harness.WALL_CLOCK_START + 50_000));
      h.advanceWallClock(4_000);

      // Then the time before the confirmation did not count: still open
      assertThat(h.drainUpdates()).isEmpty();

      // When the quiet time reaches the idle time
      h.advanceWallClock(1_500);

      // Then the final partial window closes: the end of the data
      assertThat(h.drainUpdates()).singleElement().satisfies(u -> assertThat(u.getWindowEvents()).isEqualTo(1));
      assertThat(h.openWindows()).isEmpty();
    }
  }

  @Test
  void shouldGiveTheSameUpdatesWhateverTheWallClockDidBetweenTheRecords() {
    // Given one stream of events for 20 keys (event times 100 ms apart, gaps of up to 9 s that make
    // some keys idle by stream time), fed once without pause and once with long stalls in between
    // (the input behind meanwhile, as while a broker is down or the process is stopped)
    final Random random = new Random(11);
    final String[] keys = new String[400];
    final long[] times = new long[400];
    long t = 0;
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "k" + random.nextInt(20);
      t += random.nextInt(10) == 0 ? random.nextInt(9_000) : 100;
      times[i] = t;
    }
    final List<String> undisturbed;
    final List<String> stalled;
    try (Harness h = new Harness(settings())) {
      for (int i = 0; i < keys.length; i++) {
        h.send(keys[i], event(X[i % 4], Y[i % 4]), times[i]);
      }
      undisturbed = describe(h.drainUpdates());
    }
    try (Harness h = new Harness(settings())) {
      for (int i = 0; i < keys.length; i++) {
        if (i % 50 == 25) {
          h.caughtUpSince.set(OptionalLong.empty());
          h.advanceWallClock(60_000);
          h.caughtUpSince.set(OptionalLong.of(Long.MIN_VALUE));
        }
        h.send(keys[i], event(X[i % 4], Y[i % 4]), times[i]);
      }

      // When the updates are read
      stalled = describe(h.drainUpdates());
    }

    // Then they are the same updates: every key's windows, events and coefficients
    assertThat(undisturbed).hasSizeGreaterThan(20);
    assertThat(stalled).containsExactlyInAnyOrderElementsOf(undisturbed);
  }

  private static List<String> describe(final List<CoefficientUpdate> updates) {
    return updates.stream()
        .map(u -> u.getModelKey() + " v" + u.getVersion() + " " + u.getWindowStart() + ".." + u.getWindowEnd()
            + " n=" + u.getWindowEvents() + " b=" + u.getCoefficients())
        .toList();
  }
}
