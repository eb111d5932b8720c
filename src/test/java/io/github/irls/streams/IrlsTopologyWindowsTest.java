package io.github.irls.streams;

import static io.github.irls.streams.Harness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When windows close, and what a closed window publishes. */
class IrlsTopologyWindowsTest {

  private static final double[][] X = {
    {0.5, -1.0}, {1.5, 0.2}, {-0.3, 0.8}, {0.1, 0.1}, {2.0, -0.5}, {-1.2, 1.1}, {0.7, 0.3}
  };
  private static final double[] Y = {1, 0, 1, 0, 1, 0, 1};

  /** Windows of 3 events need a real prior: 3 events of 2 features are often separable. */
  private static TopologySettings settings() {
    return TopologySettings.builder().windowEvents(3).windowMs(10_000).idleCloseMs(5_000)
        .lambdaIntercept(1.0).lambda(1.0).build();
  }

  @Test
  void shouldCloseAWindowAfterWindowEventsEvents() {
    try (Harness h = new Harness(settings())) {
      // Given windows of 3 events
      // When 7 events arrive for one key
      for (int i = 0; i < 7; i++) {
        h.send("a", event(X[i], Y[i]), 1000 + i);
      }

      // Then two windows of 3 closed, with versions 1 and 2, and one event is still open
      final List<CoefficientUpdate> updates = h.drainUpdates();
      assertThat(updates).extracting(CoefficientUpdate::getVersion).containsExactly(1L, 2L);
      assertThat(updates).extracting(CoefficientUpdate::getWindowEvents).containsExactly(3L, 3L);
      assertThat(updates).extracting(CoefficientUpdate::getEventsTotal).containsExactly(3L, 6L);
      assertThat(updates.get(0).getWindowStart()).isEqualTo(1000L);
      assertThat(updates.get(0).getWindowEnd()).isEqualTo(1002L);
      assertThat(updates.get(1).getWindowStart()).isEqualTo(1003L);
      assertThat(updates.get(1).getFeatureNames()).containsExactly("intercept", "x1", "x2");
      assertThat(updates.get(1).getStepMode()).isEqualTo("renewable");
      assertThat(updates.get(1).getStatus()).isEqualTo("OK");
      assertThat(h.openWindows()).singleElement().satisfies(w -> {
        assertThat(w.modelKey()).isEqualTo("a");
        assertThat(w.events()).isEqualTo(1);
        assertThat(w.start()).isEqualTo(1006L);
      });
      assertThat(h.storedEvents()).isEqualTo(1);
      assertThat(h.model("a").version()).isEqualTo(2);
      assertThat(h.model("a").eventsTotal()).isEqualTo(6);
    }
  }

  @Test
  void shouldCloseAWindowWhenAnEventReachesItsStartPlusWindowMs() {
    try (Harness h = new Harness(settings().toBuilder().windowEvents(100).build())) {
      // Given windows of 10 s of event time, and three events in the first 5 s
      h.send("a", event(X[0], Y[0]), 0);
      h.send("a", event(X[1], Y[1]), 2_000);
      h.send("a", event(X[2], Y[2]), 5_000);
      assertThat(h.drainUpdates()).isEmpty();

      // When an event arrives at the window's start plus 10 s
      h.send("a", event(X[3], Y[3]), 10_000);

      // Then the first window closed with its three events, and the event opened the next window
      final List<CoefficientUpdate> updates = h.drainUpdates();
      assertThat(updates).singleElement().satisfies(u -> {
        assertThat(u.getWindowEvents()).isEqualTo(3);
        assertThat(u.getWindowStart()).isEqualTo(0L);
        assertThat(u.getWindowEnd()).isEqualTo(5_000L);
      });
      assertThat(h.openWindows()).singleElement().satisfies(w -> {
        assertThat(w.events()).isEqualTo(1);
        assertThat(w.start()).isEqualTo(10_000L);
      });
    }
  }

  @Test
  void shouldUseTheEventTimeFieldOverTheRecordTimestamp() {
    try (Harness h = new Harness(settings().toBuilder().windowEvents(100).build())) {
      // Given an event whose event_time says 0 although the record is stamped later
      h.send("a", event(X[0], Y[0], 1.0, 0.0, 0L), 50_000);

      // When an event whose event_time is 10 s later arrives, stamped earlier
      h.send("a", event(X[1], Y[1], 1.0, 0.0, 10_000L), 1);

      // Then the window closed by event time
      assertThat(h.drainUpdates()).singleElement().satisfies(u -> {
        assertThat(u.getWindowStart()).isEqualTo(0L);
        assertThat(u.getWindowEvents()).isEqualTo(1);
      });
    }
  }

  @Test
  void shouldCloseAnIdleWindowByWallClockPunctuation() {
    try (Harness h = new Harness(settings().toBuilder().windowEvents(100).build())) {
      // Given two events for key a, and an idle time of 5 s
      h.send("a", event(X[0], Y[0]), 0);
      h.send("a", event(X[1], Y[1]), 1);

      // When 4 s of wall-clock time pass
      h.advanceWallClock(4_000);

      // Then nothing closed yet
      assertThat(h.drainUpdates()).isEmpty();

      // When 1.5 s more pass without events for a
      h.advanceWallClock(1_500);

      // Then the idle window closed with both events, and nothing is left open
      assertThat(h.drainUpdates()).singleElement().satisfies(u -> {
        assertThat(u.getVersion()).isEqualTo(1);
        assertThat(u.getWindowEvents()).isEqualTo(2);
      });
      assertThat(h.openWindows()).isEmpty();
      assertThat(h.storedEvents()).isZero();
    }
  }

  @Test
  void shouldKeepAnActiveKeyOpenWhileClosingAnIdleOne() {
    try (Harness h = new Harness(settings().toBuilder().windowEvents(100).build())) {
      // Given key a idle since the start and key b active 3 s later (its record stamped then)
      h.send("a", event(X[0], Y[0]), 0);
      h.advanceWallClock(3_000);
      h.send("b", event(X[1], Y[1]), 3_000);

      // When 2.5 s more pass
      h.advanceWallClock(2_500);

      // Then only a's window closed
      assertThat(h.drainUpdates()).extracting(CoefficientUpdate::getModelKey).containsExactly("a");
      assertThat(h.openWindows()).extracting(OpenWindow::modelKey).containsExactly("b");
    }
  }

  @Test
  void shouldPublishNothingForEmptyWindows() {
    try (Harness h = new Harness(settings())) {
      // Given a key whose only window closed by count
      for (int i = 0; i < 3; i++) {
        h.send("a", event(X[i], Y[i]), i);
      }
      assertThat(h.drainUpdates()).hasSize(1);

      // When a lot of wall-clock time passes with no events
      for (int i = 0; i < 5; i++) {
        h.advanceWallClock(10_000);
      }

      // Then no further update is published
      assertThat(h.drainUpdates()).isEmpty();
    }
  }

  @Test
  void shouldFoldLateEventsInAndCountThem() {
    try (Harness h = new Harness(settings().toBuilder().windowEvents(4).graceMs(100).build())) {
      // Given a window that started at t = 1000, with a grace of 100 ms
      h.send("a", event(X[0], Y[0]), 1_000);

      // When events arrive 50 ms early (within grace), 500 ms early (late) and on time
      h.send("a", event(X[1], Y[1]), 950);
      h.send("a", event(X[2], Y[2]), 500);
      h.send("a", event(X[3], Y[3]), 1_200);

      // Then all four are in the window, and one is counted late
      assertThat(h.drainUpdates()).singleElement().satisfies(u -> {
        assertThat(u.getWindowEvents()).isEqualTo(4);
        assertThat(u.getLateEvents()).isEqualTo(1);
        assertThat(u.getWindowStart()).isEqualTo(1_000L);
        assertThat(u.getWindowEnd()).isEqualTo(1_200L);
      });
      assertThat(h.model("a").lateEventsTotal()).isEqualTo(1);
    }
  }

  @Test
  void shouldIncreaseVersionsAcrossEveryKindOfClose() {
    try (Harness h = new Harness(settings())) {
      // Given one key whose windows close by count, then by event time, then by idleness
      for (int i = 0; i < 3; i++) {
        h.send("a", event(X[i], Y[i]), i);
      }
      h.send("a", event(X[3], Y[3]), 100);
      h.send("a", event(X[4], Y[4]), 20_000);
      h.advanceWallClock(6_000);

      // When the updates are read
      final List<CoefficientUpdate> updates = h.drainUpdates();

      // Then versions are 1, 2, 3 and totals add up
      assertThat(updates).extracting(CoefficientUpdate::getVersion).containsExactly(1L, 2L, 3L);
      assertThat(updates).extracting(CoefficientUpdate::getWindowEvents).containsExactly(3L, 1L, 1L);
      assertThat(updates.get(2).getEventsTotal()).isEqualTo(5);
    }
  }

  @Test
  void shouldKeepTheModelAndPublishTheStatusWhenAStepIsNotFinite() {
    try (Harness h = new Harness(settings())) {
      // Given a key with one good window
      for (int i = 0; i < 3; i++) {
        h.send("a", event(X[i], Y[i]), i);
      }
      final CoefficientUpdate good = h.drainUpdates().get(0);

      // When a window's features are so large that the information overflows
      for (int i = 0; i < 3; i++) {
        h.send("a", event(new double[] {1e200, -1e200}, Y[i]), 10 + i);
      }

      // Then the update says NON_FINITE, the previous model is kept, and the version moved on
      final CoefficientUpdate refused = h.drainUpdates().get(0);
      assertThat(refused.getStatus()).isEqualTo("NON_FINITE");
      assertThat(refused.getStatusReason()).contains("refused");
      assertThat(refused.getVersion()).isEqualTo(2);
      assertThat(refused.getCoefficients()).isEqualTo(good.getCoefficients());
      assertThat(refused.getStdErrors()).isEqualTo(good.getStdErrors());
      assertThat(refused.getEventsTotal()).isEqualTo(3);
      assertThat(refused.getWindowEvents()).isEqualTo(3);
      assertThat(h.model("a").version()).isEqualTo(2);
      assertThat(h.model("a").lastStatus()).isEqualTo("NON_FINITE");

      // And the next good window steps from the kept model
      for (int i = 3; i < 6; i++) {
        h.send("a", event(X[i], Y[i]), 20 + i);
      }
      final CoefficientUpdate next = h.drainUpdates().get(0);
      assertThat(next.getStatus()).isEqualTo("OK");
      assertThat(next.getVersion()).isEqualTo(3);
      assertThat(next.getEventsTotal()).isEqualTo(6);
    }
  }

  @Test
  void shouldPublishTheCovarianceWhenAsked() {
    try (Harness h = new Harness(settings().toBuilder().publishCovariance(true).build())) {
      // Given covariance publishing
      // When a window closes
      for (int i = 0; i < 3; i++) {
        h.send("a", event(X[i], Y[i]), i);
      }

      // Then the update carries the 3 x 3 covariance, whose diagonal is the squared SEs
      final CoefficientUpdate u = h.drainUpdates().get(0);
      assertThat(u.getCovariance()).hasSize(9);
      for (int j = 0; j < 3; j++) {
        final double se = u.getStdErrors().get(j);
        assertThat(u.getCovariance().get(4 * j)).isCloseTo(se * se, org.assertj.core.api.Assertions.offset(1e-12 * se * se));
      }
    }
  }

  @Test
  void shouldOmitTheCovarianceByDefault() {
    try (Harness h = new Harness(settings())) {
      // Given the default settings
      // When a window closes
      for (int i = 0; i < 3; i++) {
        h.send("a", event(X[i], Y[i]), i);
      }

      // Then no covariance is published
      assertThat(h.drainUpdates().get(0).getCovariance()).isNull();
    }
  }
}
