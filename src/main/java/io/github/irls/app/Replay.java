package io.github.irls.app;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.config.IrlsConfig;
import io.github.irls.csv.CsvFormatException;
import io.github.irls.kafka.RunCluster;
import io.github.irls.kafka.Topics;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.EventFormat;
import io.github.irls.streams.IrlsStores;
import io.github.irls.streams.StepMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-in-one check behind {@code replay}: produces a CSV file in row order to fresh topics,
 * runs the IRLS topology until every row is processed and every key's last, partial window is
 * closed, and returns every {@link CoefficientUpdate}, ordered by key and version.
 *
 * <p>How the last windows are closed without touching the others: the topology first runs with
 * windows that close only by count (no event-time or idle closing) until its consumer group has
 * committed the end of the events topic; then the application restarts (same application id, same
 * state) with {@code idle.close.ms=1}, so that the idle punctuation closes every open window, and
 * stops once no window is open. Every full window is thus exactly the file's rows, whatever the
 * pace of the broker or the machine, and a restart is exercised on every replay.
 */
public final class Replay {

  private static final Logger LOG = LoggerFactory.getLogger(Replay.class);
  private static final Duration STALL = Duration.ofSeconds(120);

  /**
   * What to replay and how.
   *
   * @param input the fixtures-format CSV (gzip allowed)
   * @param windowEvents events per step window
   * @param gamma forgetting factor
   * @param lambda prior precision of the slopes
   * @param lambdaIntercept prior precision of the intercept
   * @param stepMode renewable or newton
   * @param partitions partitions of the run's topics
   * @param bootstrapServers a cluster to use; empty starts an embedded broker for the run
   * @param extra further configuration (e.g. {@code publish.covariance}, client security settings)
   */
  public record Settings(
      Path input,
      long windowEvents,
      double gamma,
      double lambda,
      double lambdaIntercept,
      StepMode stepMode,
      int partitions,
      Optional<String> bootstrapServers,
      Map<String, String> extra) {

    public Settings {
      extra = Map.copyOf(extra);
    }
  }

  /**
   * What a replay produced.
   *
   * @param updates every update, ordered by model key then version
   * @param rowsPerKey rows sent per model key, in order of first appearance
   * @param deadLetters rows the topology dead-lettered, by reason
   */
  public record Result(List<CoefficientUpdate> updates, Map<String, Long> rowsPerKey, Map<String, Long> deadLetters) {
    public long rows() {
      return rowsPerKey.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private Replay() {}

  /**
   * Runs a replay; {@code log} receives progress lines meant for stderr.
   *
   * @throws KafkaUnavailableException if the given cluster does not answer
   * @throws CsvFormatException if the input is malformed
   * @throws IllegalStateException if the application fails or stops making progress
   */
  public static Result run(final Settings settings, final Consumer<String> log)
      throws IOException, CsvFormatException, InterruptedException {
    final String runId = "irls-replay-" + UUID.randomUUID().toString().substring(0, 8);
    final Path stateDir = IrlsConfig.scratchStateDir(runId + "-state-");
    try (RunCluster cluster = RunCluster.of(settings.bootstrapServers(), log)) {
      final IrlsConfig config = config(settings, runId, cluster.bootstrapServers(), stateDir);
      KafkaReachability.check(config.adminProperties());
      try (Admin admin = Admin.create(config.adminProperties())) {
        try {
          return replay(settings, config, admin, log);
        } finally {
          if (!cluster.embedded()) {
            deleteRunTopics(admin, config);
          }
        }
      }
    } finally {
      deleteRecursively(stateDir);
    }
  }

  static IrlsConfig config(final Settings s, final String runId, final String servers, final Path stateDir) {
    final Map<String, Object> props = new HashMap<>(s.extra());
    props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(IrlsConfig.APPLICATION_ID_CONFIG, runId);
    props.put(IrlsConfig.INPUT_TOPIC_CONFIG, runId + ".events");
    props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, runId + ".coefficients");
    props.put(IrlsConfig.DLQ_TOPIC_CONFIG, runId + ".events.dlq");
    props.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, runId + ".model-specs");
    props.put(IrlsConfig.INPUT_FORMAT_CONFIG, EventFormat.AVRO.configName());
    props.put(IrlsConfig.WINDOW_EVENTS_CONFIG, s.windowEvents());
    // windows close by count only while the file is processed: the file has no event times, and
    // wall-clock idleness depends on the machine's pace
    props.put(IrlsConfig.WINDOW_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.IDLE_CLOSE_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.STEP_MODE_CONFIG, s.stepMode().configName());
    props.put(IrlsConfig.GAMMA_CONFIG, s.gamma());
    props.put(IrlsConfig.LAMBDA_CONFIG, s.lambda());
    props.put(IrlsConfig.LAMBDA_INTERCEPT_CONFIG, s.lambdaIntercept());
    props.put(IrlsConfig.TOPIC_PARTITIONS_CONFIG, s.partitions());
    props.put(IrlsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new IrlsConfig(props);
  }

  private static Result replay(final Settings settings, final IrlsConfig config, final Admin admin,
      final Consumer<String> log) throws IOException, CsvFormatException, InterruptedException {
    Topics.ensure(admin, config);

    // 1. the file, in row order
    final Map<String, Long> rows;
    try (EventCsvReader reader = EventCsvReader.open(settings.input());
        Producer<String, byte[]> producer = KafkaIo.eventProducer(config.clientProperties())) {
      final long started = System.nanoTime();
      rows = KafkaIo.produce(reader, producer, config.inputTopic(), EventFormat.AVRO, Long.MAX_VALUE, n -> { });
      final long total = rows.values().stream().mapToLong(Long::longValue).sum();
      log.accept(String.format("Produced %,d rows for %,d keys in %.1f s", total, rows.size(),
          (System.nanoTime() - started) / 1e9));
    }
    final Map<TopicPartition, Long> end = KafkaIo.endOffsets(admin, config.inputTopic());

    // 2. every row through the topology, windows closing by count only
    final long started = System.nanoTime();
    try (IrlsApplication app = IrlsApplication.start(config, false)) {
      KafkaIo.awaitCommitted(admin, app, end, STALL, n -> { });
    }
    log.accept(String.format("Processed every row in %.1f s", (System.nanoTime() - started) / 1e9));

    // 3. restart with the idle punctuation at 1 ms: it closes every key's last, partial window
    final Map<String, Long> deadLetters;
    try (IrlsApplication app =
        IrlsApplication.start(config.with(Map.of(IrlsConfig.IDLE_CLOSE_MS_CONFIG, 1L)), false)) {
      deadLetters = awaitAllWindowsClosed(app);
    }

    // 4. every update, committed by the clean close above
    final List<CoefficientUpdate> updates = new ArrayList<>();
    for (final ConsumerRecord<String, CoefficientUpdate> r :
        KafkaIo.readAll(config.clientProperties(), config.outputTopic(),
            AvroSerde.of(CoefficientUpdate.class).deserializer())) {
      updates.add(r.value());
    }
    updates.sort(Comparator.comparing(CoefficientUpdate::getModelKey).thenComparingLong(CoefficientUpdate::getVersion));
    final Result result = new Result(List.copyOf(updates), rows, deadLetters);
    check(result, log);
    return result;
  }

  /** Polls the stores until no window is open; returns the dead-letter counts. */
  private static Map<String, Long> awaitAllWindowsClosed(final IrlsApplication app) throws InterruptedException {
    final long deadline = System.nanoTime() + STALL.toNanos();
    while (System.nanoTime() < deadline) {
      app.failure().ifPresent(e -> {
        throw new IllegalStateException("The streams application failed: " + KafkaReachability.rootMessage(e), e);
      });
      if (app.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
        try {
          if (IrlsStores.openWindows(app.streams()).isEmpty()) {
            return IrlsStores.deadLetterCounts(app.streams());
          }
        } catch (final InvalidStateStoreException e) {
          // a rebalance is under way: ask again
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("The last windows were not closed within " + STALL.toSeconds() + " s");
  }

  /** Every row is either in a model's events_total, dead-lettered, or in a refused step. */
  private static void check(final Result result, final Consumer<String> log) {
    final Map<String, Long> last = new HashMap<>();
    for (final CoefficientUpdate u : result.updates()) {
      last.put(u.getModelKey(), u.getEventsTotal());
    }
    final long folded = last.values().stream().mapToLong(Long::longValue).sum();
    final long dead = result.deadLetters().values().stream().mapToLong(Long::longValue).sum();
    log.accept(String.format("%,d updates for %,d keys; %,d of %,d rows in the models%s", result.updates().size(),
        last.size(), folded, result.rows(), dead == 0 ? "" : ", " + dead + " dead-lettered " + result.deadLetters()));
    if (folded + dead != result.rows()) {
      LOG.warn("{} rows are neither in a model nor dead-lettered (refused steps: see the updates' status)",
          result.rows() - folded - dead);
    }
  }

  private static void deleteRunTopics(final Admin admin, final IrlsConfig config) {
    try {
      final Set<String> topics = admin.listTopics().names().get().stream()
          .filter(t -> t.startsWith(config.applicationId()))
          .collect(Collectors.toSet());
      admin.deleteTopics(topics).all().get();
      admin.deleteConsumerGroups(List.of(config.applicationId())).all().get();
    } catch (final Exception e) {
      LOG.warn("Could not delete the topics of replay {}: {}", config.applicationId(), e.toString());
    }
  }

  static void deleteRecursively(final Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (final IOException e) {
          // best effort: a temporary directory
        }
      });
    } catch (final IOException e) {
      // best effort
    }
  }
}
