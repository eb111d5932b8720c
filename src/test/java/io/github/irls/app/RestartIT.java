package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.config.IrlsConfig;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.EventFormat;
import io.github.irls.testing.KafkaIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
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
  private static final Duration STALL = Duration.ofSeconds(90);
  private static Path input;
  private static List<CoefficientUpdate> undisturbed;

  @TempDir static Path dirs;

  @BeforeAll
  static void runUndisturbed() throws Exception {
    input = Path.of(RestartIT.class.getResource("/golden/data/synth_p5.csv.gz").toURI());
    final IrlsConfig config = config("undisturbed", Files.createTempDirectory(dirs, "state"));
    try (Admin admin = Admin.create(config.adminProperties());
        EventCsvReader reader = EventCsvReader.open(input)) {
      produce(config, reader, ROWS);
      process(admin, config);
    }
    undisturbed = updates(config);
  }

  @Test
  void shouldGiveTheUndisturbedTrajectoryWhenRestartedWithTheSameStateDirectory() throws Exception {
    // Given a run stopped after 9,500 rows
    final Path state = Files.createTempDirectory(dirs, "state");
    final IrlsConfig config = config("same-state", state);
    try (Admin admin = Admin.create(config.adminProperties());
        EventCsvReader reader = EventCsvReader.open(input)) {
      produce(config, reader, FIRST_PART);
      process(admin, config);

      // When the rest arrives and the application restarts with the same id and state directory
      produce(config, reader, ROWS - FIRST_PART);
      process(admin, config);
    }

    // Then
    assertSameTrajectory(updates(config));
  }

  @Test
  void shouldGiveTheUndisturbedTrajectoryWhenRestartedWithAFreshStateDirectory() throws Exception {
    // Given a run stopped after 9,500 rows
    final IrlsConfig config = config("fresh-state", Files.createTempDirectory(dirs, "state"));
    try (Admin admin = Admin.create(config.adminProperties());
        EventCsvReader reader = EventCsvReader.open(input)) {
      produce(config, reader, FIRST_PART);
      process(admin, config);

      // When the rest arrives and the application restarts with the same id on an empty state directory
      produce(config, reader, ROWS - FIRST_PART);
      final IrlsConfig fresh = config.with(
          Map.of(IrlsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(dirs, "fresh").toString()));
      process(admin, fresh);
    }

    // Then
    assertSameTrajectory(updates(config));
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

  private static IrlsConfig config(final String name, final Path stateDir) {
    final String id = "restart-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, Object> props = new HashMap<>();
    props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(IrlsConfig.APPLICATION_ID_CONFIG, id);
    props.put(IrlsConfig.INPUT_TOPIC_CONFIG, id + ".events");
    props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, id + ".coefficients");
    props.put(IrlsConfig.DLQ_TOPIC_CONFIG, id + ".dlq");
    props.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, id + ".specs");
    props.put(IrlsConfig.WINDOW_EVENTS_CONFIG, 1000L);
    props.put(IrlsConfig.WINDOW_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.IDLE_CLOSE_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.STEP_MODE_CONFIG, "renewable");
    props.put(IrlsConfig.TOPIC_PARTITIONS_CONFIG, 2);
    props.put(IrlsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new IrlsConfig(props);
  }

  private static void produce(final IrlsConfig config, final EventCsvReader reader, final long rows) throws Exception {
    try (Admin admin = Admin.create(config.adminProperties())) {
      io.github.irls.kafka.Topics.ensure(admin, config);
    }
    try (Producer<String, byte[]> producer = KafkaIo.eventProducer(config.clientProperties())) {
      KafkaIo.produce(reader, producer, config.inputTopic(), EventFormat.AVRO, rows, n -> { });
    }
  }

  /** Starts the application, waits until everything produced so far is processed and committed, stops it. */
  private static void process(final Admin admin, final IrlsConfig config) throws Exception {
    try (IrlsApplication app = IrlsApplication.start(config, false)) {
      KafkaIo.awaitCommitted(admin, app, KafkaIo.endOffsets(admin, config.inputTopic()), STALL, n -> { });
    }
  }

  private static List<CoefficientUpdate> updates(final IrlsConfig config) {
    return KafkaIo.readAll(config.clientProperties(), config.outputTopic(),
            AvroSerde.of(CoefficientUpdate.class).deserializer())
        .stream()
        .map(r -> r.value())
        .sorted(Comparator.comparingLong(CoefficientUpdate::getVersion))
        .toList();
  }
}
