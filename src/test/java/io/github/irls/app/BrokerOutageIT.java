package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.streams.StepMode;
import io.github.irls.testing.EventFiles;
import io.github.irls.testing.PacedProducer;
import io.github.irls.testing.RunProcess;
import io.github.irls.testing.RunSetup;
import io.github.irls.testing.Undisturbed;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single broker killed with SIGKILL while events stream in, and restarted on its data directory
 * after longer than {@code idle.close.ms}: the producer and the application ride it out, and the
 * application closes exactly the windows an undisturbed run closes. Before windows closed by their
 * records alone, every key with an open window looked idle once processing resumed.
 */
@Tag("integration")
class BrokerOutageIT {

  private static final int KEYS = 1000;
  private static final int EVENTS_PER_KEY = 200;
  private static final long ROWS = (long) KEYS * EVENTS_PER_KEY;
  private static final long WINDOW = 50;
  private static final long IDLE_CLOSE_MS = 5_000;
  private static final Duration OUTAGE = Duration.ofSeconds(10);
  private static final int PARTITIONS = 4;
  private static final Duration BOUND = Duration.ofSeconds(240);

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void shouldCloseTheSameWindowsAsAnUndisturbedRunWhenTheBrokerIsKilledMidStreamAndRestarted() throws Exception {
    // Given a broker process, a run process on it, windows of 50 and idle.close.ms 5 s, 1,000 keys x
    // 200 events streaming in at 8,000 a second, and the same file replayed undisturbed
    final Path file = dir.resolve("events.csv");
    EventFiles.writeShuffled(file, KEYS, EVENTS_PER_KEY, 3, 7_654_321L);
    final Map<String, List<CoefficientUpdate>> expected =
        Undisturbed.replay(file, WINDOW, StepMode.RENEWABLE, PARTITIONS);
    final int port = freePort();
    final String servers = "localhost:" + port;
    final Path data = dir.resolve("broker-data");
    final List<String> brokerArgs = List.of("broker", "--port", Integer.toString(port), "--data-dir", data.toString());
    RunProcess broker = RunProcess.start("broker", dir.resolve("broker.log"), brokerArgs);
    try {
      RunSetup.await("the broker to answer", BOUND, () -> answers(servers), broker);
      final RunSetup run = new RunSetup("outage", servers, dir, WINDOW, IDLE_CLOSE_MS, StepMode.RENEWABLE,
          PARTITIONS);
      try (RunProcess app = run.start("a");
          PacedProducer producer =
              new PacedProducer(file, ROWS, run.config.clientProperties(), run.config.inputTopic(), 8_000)) {
        RunSetup.await("a third of the rows to be sent", BOUND, () -> producer.sent() >= ROWS / 3, app, broker);

        // When the broker is killed, and restarted on its data directory 10 s later
        final int killed = broker.kill(BOUND);
        final long down = System.nanoTime();
        final long sentAtKill = producer.sent();
        Thread.sleep(OUTAGE.toMillis());
        broker = RunProcess.start("broker", dir.resolve("broker.log"), brokerArgs);
        final RunProcess restarted = broker;
        RunSetup.await("the restarted broker to answer", BOUND, () -> answers(servers), restarted);
        final double outageSeconds = (System.nanoTime() - down) / 1e9;

        // and the rest of the file is sent and processed
        producer.awaitDone(BOUND);
        final Map<TopicPartition, Long> end;
        try (Admin admin = run.admin()) {
          end = KafkaIo.endOffsets(admin, run.config.inputTopic());
        }
        RunSetup.await("every row to be committed", BOUND, () -> run.committed(end) == ROWS, app, restarted);
        assertThat(app.terminate(BOUND)).as(app.tail()).isZero();
        // what the application went through: its warnings, by kind (the offset guard's among them)
        final String warnings = warningsByKind(app.log());
        System.out.println("[outage] the application's warnings and errors, by kind:\n" + warnings);

        // Then not one row was lost or duplicated, and every key has the undisturbed run's versions
        // and coefficients
        final Undisturbed.Comparison comparison =
            Undisturbed.compare(Undisturbed.published(run.config.clientProperties(), run.config.outputTopic()),
                expected);
        // (and the data itself has no gap: the events are stamped when they happen, not when sent)
        final long outOfOrder = keysOutOfFileOrder(file, run);
        final long gap = largestTimestampGap(run);
        System.out.printf("[outage] keys whose events the topic holds in another order than the file: %d; largest "
            + "gap between the timestamps of consecutive records of a partition: %d ms%n", outOfOrder, gap);
        assertThat(outOfOrder).isZero();
        assertThat(gap).isLessThan(IDLE_CLOSE_MS);
        System.out.printf("[outage] broker killed (exit %d) with %,d of %,d rows sent, down for %.1f s with "
            + "idle.close.ms %d; %s%n", killed, sentAtKill, ROWS, outageSeconds, IDLE_CLOSE_MS, comparison);
        assertThat(killed).isEqualTo(137);
        assertThat(end.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(ROWS);
        assertThat(outageSeconds).isGreaterThan(IDLE_CLOSE_MS / 1000.0);
        final String report = comparison + "\nthe application's warnings and errors:\n" + warnings;
        assertThat(comparison.keys()).as(report).isEqualTo(KEYS);
        assertThat(comparison.keysWithOtherVersions()).as(report).isZero();
        assertThat(comparison.maxRelativeDifference()).as(report).isLessThanOrEqualTo(1e-9);
      }
    } finally {
      broker.close();
    }
  }

  /** The WARN and ERROR lines of a log, counted by their first 120 characters after the time. */
  private static String warningsByKind(final String log) {
    final Map<String, Long> kinds = new java.util.TreeMap<>();
    log.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
        .map(l -> l.length() > 13 ? l.substring(13, Math.min(l.length(), 133)) : l)
        .forEach(k -> kinds.merge(k, 1L, Long::sum));
    final StringBuilder out = new StringBuilder();
    kinds.forEach((k, n) -> out.append("  ").append(n).append(" x ").append(k).append('\n'));
    return out.toString();
  }

  /** Keys whose events the topic holds in another order (or number) than the file. */
  private static long keysOutOfFileOrder(final Path file, final RunSetup run) throws Exception {
    final Map<String, List<String>> inFile = new java.util.HashMap<>();
    try (EventCsvReader reader = EventCsvReader.open(file)) {
      while (reader.next()) {
        inFile.computeIfAbsent(reader.key(), k -> new java.util.ArrayList<>()).add(reader.event().toString());
      }
    }
    final Map<String, List<String>> inTopic = new java.util.HashMap<>();
    for (final var r : KafkaIo.readAll(run.config.clientProperties(), run.config.inputTopic(),
        io.github.irls.serde.EventFormat.AVRO.serde().deserializer())) {
      inTopic.computeIfAbsent(r.key(), k -> new java.util.ArrayList<>()).add(r.value().toString());
    }
    return inFile.entrySet().stream().filter(e -> !e.getValue().equals(inTopic.get(e.getKey()))).count();
  }

  /** The largest gap between the timestamps of consecutive records of a partition of the events topic. */
  private static long largestTimestampGap(final RunSetup run) {
    long maxGap = 0;
    final Map<Integer, Long> last = new java.util.HashMap<>();
    for (final var r : KafkaIo.readAll(run.config.clientProperties(), run.config.inputTopic(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      final Long before = last.put(r.partition(), r.timestamp());
      if (before != null) {
        maxGap = Math.max(maxGap, r.timestamp() - before);
      }
    }
    return maxGap;
  }

  private static boolean answers(final String servers) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000))) {
      admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
      return true;
    } catch (final Exception e) {
      return false;
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
