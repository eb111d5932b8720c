package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the input counts as confirmed caught up: the streak rules, on a clock of the test's own. */
class InputWatchTest {

  private static final long SETTLE_MS = 5_000;

  private final AtomicLong clock = new AtomicLong(100_000);
  private final InputWatch watch = new InputWatch(null, "group", "events", clock::get, SETTLE_MS);

  private void checkAt(final long now, final long end, final long committed) {
    clock.set(now);
    watch.checked(now, Map.of(0, end), Map.of(0, committed));
  }

  @Test
  void shouldConfirmAPartitionCaughtUpSinceTheFirstOfAnUnbrokenStreakOfChecks() {
    // Given checks once a second that find the group's committed offset at the partition's end
    checkAt(100_000, 50, 40);
    checkAt(101_000, 50, 50);
    checkAt(102_000, 50, 50);
    checkAt(103_000, 50, 50);

    // Then the partition is caught up since the first check that found it so
    assertThat(watch.caughtUpSince(0)).isEqualTo(OptionalLong.of(101_000));
    assertThat(watch.caughtUpSince(1)).isEmpty();
  }

  @Test
  void shouldEndTheStreakWhenRecordsAreWaitingOrTheChecksStop() {
    // Given a partition confirmed caught up
    checkAt(100_000, 50, 50);
    checkAt(101_000, 50, 50);

    // When records arrive, then (caught up again) the checks stop for longer than three intervals
    checkAt(102_000, 60, 50);
    final OptionalLong whileWaiting = watch.caughtUpSince(0);
    checkAt(103_000, 60, 60);
    clock.set(107_000);

    // Then it was not caught up while records waited, and is no longer confirmed without checks
    assertThat(whileWaiting).isEmpty();
    assertThat(watch.caughtUpSince(0)).isEmpty();
  }

  @Test
  void shouldNotCountTheFirstSettleMsAfterTheBrokerWasUnreachableAsQuietTime() {
    // Given a partition confirmed caught up, then a broker outage of 20 s
    checkAt(100_000, 50, 50);
    clock.set(101_000);
    watch.unreachable(101_000);
    clock.set(121_000);
    watch.unreachable(121_000);
    final OptionalLong duringOutage = watch.caughtUpSince(0);

    // When the broker answers again at 122 s and the application has read all it holds (the
    // producers have not delivered their backlog yet)
    checkAt(122_000, 50, 50);
    checkAt(123_000, 50, 50);

    // Then nothing is confirmed during the outage, and the new streak counts only from 5 s after
    // the last failed check: the producers get that long to come back before quiet time counts
    assertThat(duringOutage).isEmpty();
    assertThat(watch.caughtUpSince(0)).isEqualTo(OptionalLong.of(126_000));
  }

  @Test
  void shouldStartAStreakAtOnceWhenTheOutageEndedLongerThanSettleMsAgo() {
    // Given an outage that ended long ago, and records processed since
    watch.unreachable(90_000);
    checkAt(100_000, 60, 50);

    // When the partition is caught up again
    checkAt(101_000, 60, 60);

    // Then its streak starts at once
    assertThat(watch.caughtUpSince(0)).isEqualTo(OptionalLong.of(101_000));
  }
}
