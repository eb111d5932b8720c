package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.streams.StepMode;
import io.github.irls.testing.EventFiles;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.PacedProducer;
import io.github.irls.testing.RunProcess;
import io.github.irls.testing.RunSetup;
import io.github.irls.testing.Undisturbed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that stands still for longer than {@code idle.close.ms} (SIGSTOP, as a long GC pause or
 * a frozen VM would) while events stream in: when it runs again, it catches up and closes exactly
 * the windows an undisturbed run closes. Before windows closed by their records alone, the wall
 * clock of the pause made every key with an open window look idle.
 */
class ProcessPauseIT extends KafkaIntegrationTest {

  private static final int KEYS = 1000;
  private static final int EVENTS_PER_KEY = 200;
  private static final long ROWS = (long) KEYS * EVENTS_PER_KEY;
  private static final long WINDOW = 50;
  private static final long IDLE_CLOSE_MS = 5_000;
  private static final Duration PAUSE = Duration.ofSeconds(12);
  private static final int PARTITIONS = 4;
  private static final Duration BOUND = Duration.ofSeconds(180);

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void shouldCloseTheSameWindowsAsAnUndisturbedRunWhenTheProcessIsPausedMidStream() throws Exception {
    // Given 1,000 keys x 200 events streamed at 8,000 a second into a run process, windows of 50,
    // idle.close.ms 5 s, and the same file replayed undisturbed
    final Path file = dir.resolve("events.csv");
    EventFiles.writeShuffled(file, KEYS, EVENTS_PER_KEY, 3, 1_234_567L);
    final Map<String, List<CoefficientUpdate>> expected =
        Undisturbed.replay(file, WINDOW, StepMode.RENEWABLE, PARTITIONS);
    final RunSetup run = new RunSetup("pause", bootstrapServers(), dir, WINDOW, IDLE_CLOSE_MS, StepMode.RENEWABLE,
        PARTITIONS);
    try (RunProcess app = run.start("a")) {
      RunSetup.await("the application to hold its partitions", BOUND, () -> assigned(run), app);
      try (PacedProducer producer =
          new PacedProducer(file, ROWS, run.config.clientProperties(), run.config.inputTopic(), 8_000)) {
        RunSetup.await("a third of the rows to be sent", BOUND, () -> producer.sent() >= ROWS / 3, app);

        // When the process stands still for 12 s (more than twice the idle time) while the rest streams in
        app.pause();
        final long paused = System.nanoTime();
        Thread.sleep(PAUSE.toMillis());
        app.resume();
        final double pausedSeconds = (System.nanoTime() - paused) / 1e9;
        producer.awaitDone(BOUND);
        final Map<TopicPartition, Long> end;
        try (Admin admin = run.admin()) {
          end = KafkaIo.endOffsets(admin, run.config.inputTopic());
        }
        RunSetup.await("every row to be committed", BOUND, () -> run.committed(end) == ROWS, app);
        assertThat(app.terminate(BOUND)).as(app.tail()).isZero();

        // Then every key has the undisturbed run's versions and coefficients
        final Undisturbed.Comparison comparison =
            Undisturbed.compare(Undisturbed.published(run.config.clientProperties(), run.config.outputTopic()),
                expected);
        System.out.printf("[pause] process stopped for %.1f s with idle.close.ms %d; %s%n", pausedSeconds,
            IDLE_CLOSE_MS, comparison);
        assertThat(pausedSeconds).isGreaterThan(IDLE_CLOSE_MS / 1000.0);
        assertThat(comparison.keys()).isEqualTo(KEYS);
        assertThat(comparison.keysWithOtherVersions()).as(comparison.toString()).isZero();
        assertThat(comparison.maxRelativeDifference()).as(comparison.toString()).isLessThanOrEqualTo(1e-9);
      }
    }
  }

  private static boolean assigned(final RunSetup run) {
    try (Admin admin = run.admin()) {
      return admin.describeConsumerGroups(List.of(run.id)).describedGroups().get(run.id).get().members().size() == 1;
    } catch (final Exception e) {
      return false;
    }
  }
}
