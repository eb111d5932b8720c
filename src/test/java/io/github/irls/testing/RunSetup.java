package io.github.irls.testing;

import io.github.irls.app.KafkaIo;
import io.github.irls.config.IrlsConfig;
import io.github.irls.kafka.Topics;
import io.github.irls.streams.StepMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The {@code run} command as users start it, for tests that disturb it from outside (a killed or
 * paused process, a killed broker): one application id, its own topics, windows that close by
 * count (and, as configured, by idleness), its processes' logs and state kept under one directory.
 */
public final class RunSetup {

  public final String id;
  public final IrlsConfig config;
  private final Map<String, String> options = new LinkedHashMap<>();
  private final String bootstrapServers;
  private final Path dir;

  /**
   * @param name prefix of the application id
   * @param bootstrapServers the broker
   * @param dir where logs and state directories go
   * @param windowEvents window size
   * @param idleCloseMs {@code idle.close.ms}
   * @param mode the step mode
   * @param partitions partitions of the topics
   */
  public RunSetup(final String name, final String bootstrapServers, final Path dir, final long windowEvents,
      final long idleCloseMs, final StepMode mode, final int partitions) throws Exception {
    this.id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.bootstrapServers = bootstrapServers;
    this.dir = dir;
    options.put(IrlsConfig.APPLICATION_ID_CONFIG, id);
    options.put(IrlsConfig.INPUT_TOPIC_CONFIG, id + ".events");
    options.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, id + ".coefficients");
    options.put(IrlsConfig.DLQ_TOPIC_CONFIG, id + ".dlq");
    options.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, id + ".specs");
    options.put(IrlsConfig.TOPIC_PARTITIONS_CONFIG, Integer.toString(partitions));
    options.put(IrlsConfig.WINDOW_EVENTS_CONFIG, Long.toString(windowEvents));
    options.put(IrlsConfig.WINDOW_MS_CONFIG, Long.toString(Long.MAX_VALUE));
    options.put(IrlsConfig.IDLE_CLOSE_MS_CONFIG, Long.toString(idleCloseMs));
    options.put(IrlsConfig.STEP_MODE_CONFIG, mode.configName());
    options.put(IrlsConfig.GAMMA_CONFIG, "1.0");
    options.put(IrlsConfig.LAMBDA_CONFIG, "1e-6");
    options.put(IrlsConfig.LAMBDA_INTERCEPT_CONFIG, "1e-6");
    // the broker's minimum: a killed member is noticed after 6 s instead of the default 45 s
    options.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    options.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    // a restarted instance gets its tasks back at once (restoring them from the changelogs) rather
    // than warming them up until the next probing rebalance, 10 minutes later by default
    options.put("acceptable.recovery.lag", Long.toString(Long.MAX_VALUE));
    final Map<String, Object> props = new HashMap<>(options);
    props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config = new IrlsConfig(props);
    try (Admin admin = admin()) {
      Topics.ensure(admin, config);
    }
  }

  public Admin admin() {
    return Admin.create(config.adminProperties());
  }

  /** {@code run} as instance {@code instance}: its own state directory and log, kept across restarts. */
  public RunProcess start(final String instance) throws Exception {
    final Path state = Files.createDirectories(dir.resolve(id + "-" + instance + "-state"));
    final List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrapServers,
        "--http-port", "0"));
    options.forEach((k, v) -> args.addAll(List.of("-D", k + "=" + v)));
    args.addAll(List.of("-D", IrlsConfig.STATE_DIR_CONFIG + "=" + state, "-D", "client.id=" + instance));
    return RunProcess.start(instance, dir.resolve(id + "-" + instance + ".log"), args);
  }

  /** Rows of the events topic the application has committed as processed, out of {@code end}. */
  public long committed(final Map<TopicPartition, Long> end) {
    try (Admin admin = admin()) {
      return KafkaIo.committedTowards(admin, id, end);
    } catch (final RuntimeException e) {
      return -1; // the broker is away: not known now
    }
  }

  /** Waits for {@code condition}; on timeout fails with the logs of {@code processes}. */
  public static void await(final String what, final Duration bound, final BooleanSupplier condition,
      final RunProcess... processes) throws InterruptedException {
    final long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        final StringBuilder logs = new StringBuilder();
        for (final RunProcess p : processes) {
          logs.append("\n--- ").append(p.name()).append(" ---\n").append(p.tail());
        }
        throw new AssertionError("no " + what + " within " + bound.toSeconds() + " s" + logs);
      }
      Thread.sleep(250);
    }
  }
}
