package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.config.IrlsConfig;
import io.github.irls.testing.AppFixture;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunningApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped midway, with a window half full, and restarted with the same application id gives
 * exactly the trajectory of an undisturbed run: with the same state directory, and with a fresh one
 * (state restored from the changelogs).
 */
class RestartIT extends KafkaIntegrationTest {

  private static final long ROWS = 20_000;
  private static final long FIRST_PART = 9_500; // stops with the 10th window half full
  private static Path input;
  private static List<CoefficientUpdate> undisturbed;

  @TempDir static Path dirs;

  @BeforeAll
  static void runUndisturbed() throws Exception {
    input = Path.of(RestartIT.class.getResource("/golden/data/synth_p5.csv.gz").toURI());
    final AppFixture app = fixture("undisturbed", Files.createTempDirectory(dirs, "state"));
    try (EventCsvReader reader = EventCsvReader.open(input)) {
      app.produce(reader, ROWS);
      process(app);
    }
    undisturbed = trajectory(app);
  }

  @Test
  void shouldGiveTheUndisturbedTrajectoryWhenRestartedWithTheSameStateDirectory() throws Exception {
    // Given a run stopped after 9,500 rows
    final AppFixture app = fixture("same-state", Files.createTempDirectory(dirs, "state"));
    try (EventCsvReader reader = EventCsvReader.open(input)) {
      app.produce(reader, FIRST_PART);
      process(app);

      // When the rest arrives and the application restarts with the same id and state directory
      app.produce(reader, ROWS - FIRST_PART);
      process(app);
    }

    // Then
    assertSameTrajectory(trajectory(app));
  }

  @Test
  void shouldGiveTheUndisturbedTrajectoryWhenRestartedWithAFreshStateDirectory() throws Exception {
    // Given a run stopped after 9,500 rows
    final AppFixture app = fixture("fresh-state", Files.createTempDirectory(dirs, "state"));
    try (EventCsvReader reader = EventCsvReader.open(input)) {
      app.produce(reader, FIRST_PART);
      process(app);

      // When the rest arrives and the application restarts with the same id on an empty state directory
      app.produce(reader, ROWS - FIRST_PART);
      process(app.withStateDirectory(Files.createTempDirectory(dirs, "fresh")));
    }

    // Then
    assertSameTrajectory(trajectory(app));
  }

  private static void assertSameTrajectory(final List<CoefficientUpdate> restarted) {
    assertThat(undisturbed).hasSize((int) (ROWS / 1000));
    assertThat(restarted).hasSize(undisturbed.size());
    for (int t = 0; t < undisturbed.size(); t++) {
      final CoefficientUpdate a = undisturbed.get(t);
      final CoefficientUpdate b = restarted.get(t);
      assertThat(b.getVersion()).isEqualTo(a.getVersion());
      assertThat(b.getEventsTotal()).isEqualTo(a.getEventsTotal());
      assertThat(b.getWindowEvents()).isEqualTo(1000);
      // the same events in the same windows: the same arithmetic, to the last bit
      assertThat(b.getCoefficients()).as("window %d", t + 1).isEqualTo(a.getCoefficients());
      assertThat(b.getStdErrors()).as("window %d", t + 1).isEqualTo(a.getStdErrors());
    }
  }

  private static AppFixture fixture(final String name, final Path stateDir) {
    return application("restart-" + name, stateDir)
        .windowEvents(1000)
        .with(IrlsConfig.STEP_MODE_CONFIG, "renewable")
        .with(IrlsConfig.TOPIC_PARTITIONS_CONFIG, 2)
        .create();
  }

  /** Starts the application, waits until everything produced so far is processed and committed, stops it. */
  private static void process(final AppFixture app) throws InterruptedException {
    try (RunningApp running = app.startWithoutHttp()) {
      running.awaitCommitted();
    }
  }

  private static List<CoefficientUpdate> trajectory(final AppFixture app) {
    return app.updates().stream().sorted(Comparator.comparingLong(CoefficientUpdate::getVersion)).toList();
  }
}
