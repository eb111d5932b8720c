package io.github.irls.metrics;

import io.github.irls.config.IrlsConfig;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.streams.DeadLetterReason;
import io.github.irls.streams.IrlsStores;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.WaitingRecords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The application's metrics in Prometheus text format ({@code GET /metrics}), through Micrometer.
 *
 * <p>Everything is observed from outside the topology, so that the processors stay free of any
 * metrics library:
 *
 * <ul>
 *   <li>{@code irls_events_consumed_total}, {@code irls_events_per_second}: records the Kafka
 *       Streams consumers of this instance fetched from the events topic (Kafka's per-topic fetch
 *       metrics);
 *   <li>{@code irls_steps_total}, {@code irls_steps_per_second}: coefficient updates this instance
 *       sent to the coefficients topic; every step publishes exactly one (sends of transactions
 *       that were later aborted count too);
 *   <li>{@code irls_dead_letters_sent_total}: records this instance sent to the dead-letter topic;
 *   <li>{@code irls_dead_letters{reason}}: records dead-lettered by the tasks hosted here, by
 *       reason, read from the dead-letter count store (a gauge: the counts move with the tasks);
 *   <li>{@code irls_models}: models in the stores hosted here;
 *   <li>{@code irls_models_drift_suspected}: of those, the models whose last update was marked
 *       {@code drift_suspected} ({@code logloss_z > drift.z.threshold});
 *   <li>{@code irls_models_logloss_z{le}}: the models hosted here by the absolute value of their last
 *       update's {@code logloss_z}, cumulative as histogram buckets are: {@code le="1"}, {@code "2"},
 *       {@code "3"}, {@code "4"} count the models with {@code |z|} at most that, {@code le="+Inf"} all
 *       the models with a z (a model whose last window has none, its first or the first after a
 *       reset, is in no bucket). A model that describes its data has z about N(0, 1): about 68%, 95%
 *       and 99.7% of such models are within 1, 2 and 3. These are distributions over all models,
 *       never one series per key ({@code GET /models} lists each key's {@code last_logloss_z});
 *   <li>{@code irls_events_already_applied_total}: events this instance skipped because the state
 *       already held their effect (committed without the input offset that covers them), each one
 *       an event that would otherwise have been counted twice; 0 in a healthy run;
 *   <li>{@code irls_streams_state{state}}: 1 for the current Kafka Streams state, 0 for the others;
 *   <li>{@code irls_step_latency_seconds} (histogram): wall-clock duration of a step (fit and
 *       publication), fed by the topology's {@code StepListener} (no series before the first step);
 *   <li>every Kafka Streams client metric, via Micrometer's {@link KafkaStreamsMetrics} binder
 *       ({@code kafka_stream_*}, {@code kafka_consumer_*}, {@code kafka_producer_*}, ...), among
 *       them the consumer's per-partition {@code records_lag}.
 * </ul>
 *
 * <p>Store-derived values (models and their drift counts, dead letters by reason) are read once per
 * {@link #scrape()}, in one pass over the models store;
 * while the stores cannot be queried (rebalancing) they keep their last values.
 */
public final class IrlsMetrics implements AutoCloseable {

  /** The {@code Content-Type} of {@link #scrape()}'s text. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Duration BINDER_REFRESH = Duration.ofSeconds(10);
  private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";
  private static final String PRODUCER_TOPIC_GROUP = "producer-topic-metrics";

  private final KafkaStreams streams;
  private final PrometheusMeterRegistry registry;
  private final KafkaStreamsMetrics binder;
  private final ScheduledExecutorService binderScheduler;
  private final AtomicLong models = new AtomicLong();
  private final AtomicLong driftSuspected = new AtomicLong();
  private final AtomicLong[] loglossZAtMost = new AtomicLong[ModelQualityTally.buckets()];
  private final Counter alreadyApplied;
  private final Map<String, AtomicLong> deadLetters = new ConcurrentHashMap<>();

  private IrlsMetrics(final KafkaStreams streams, final IrlsConfig config) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final String events = config.inputTopic();
    final String coefficients = config.outputTopic();
    final String dlq = config.dlqTopic();

    FunctionCounter.builder("irls.events.consumed", streams,
            s -> kafkaSum(s.metrics(), FETCH_GROUP, "records-consumed-total", events))
        .description("Records fetched from the events topic by this instance's Kafka Streams consumers")
        .tag("topic", events)
        .register(registry);
    Gauge.builder("irls.events.per.second", streams,
            s -> kafkaSum(s.metrics(), FETCH_GROUP, "records-consumed-rate", events))
        .description("Records per second fetched from the events topic (Kafka's sliding window)")
        .tag("topic", events)
        .register(registry);
    FunctionCounter.builder("irls.steps", streams,
            s -> kafkaSum(s.metrics(), PRODUCER_TOPIC_GROUP, "record-send-total", coefficients))
        .description("Coefficient updates (one per step, i.e. per closed window) sent by this instance")
        .tag("topic", coefficients)
        .register(registry);
    Gauge.builder("irls.steps.per.second", streams,
            s -> kafkaSum(s.metrics(), PRODUCER_TOPIC_GROUP, "record-send-rate", coefficients))
        .description("Coefficient updates per second sent by this instance (Kafka's sliding window)")
        .tag("topic", coefficients)
        .register(registry);
    FunctionCounter.builder("irls.dead.letters.sent", streams,
            s -> kafkaSum(s.metrics(), PRODUCER_TOPIC_GROUP, "record-send-total", dlq))
        .description("Records sent to the dead-letter topic by this instance")
        .tag("topic", dlq)
        .register(registry);
    for (final DeadLetterReason reason : DeadLetterReason.values()) {
      final AtomicLong count = deadLetters.computeIfAbsent(reason.name(), r -> new AtomicLong());
      Gauge.builder("irls.dead.letters", count, AtomicLong::get)
          .description("Records dead-lettered by the tasks hosted on this instance, by reason")
          .tag("reason", reason.name())
          .register(registry);
    }
    this.alreadyApplied = Counter.builder("irls.events.already.applied")
        .description("Events skipped because the state already held their effect (committed without their input "
            + "offset): each would otherwise have been counted twice")
        .register(registry);
    Gauge.builder("irls.models", models, AtomicLong::get)
        .description("Models in the state stores hosted on this instance")
        .register(registry);
    Gauge.builder("irls.models.drift.suspected", driftSuspected, AtomicLong::get)
        .description("Models hosted on this instance whose last update was marked drift_suspected")
        .register(registry);
    for (int i = 0; i < loglossZAtMost.length; i++) {
      loglossZAtMost[i] = new AtomicLong();
      Gauge.builder("irls.models.logloss.z", loglossZAtMost[i], AtomicLong::get)
          .description("Models hosted on this instance whose last update's |logloss_z| is at most le "
              + "(cumulative; +Inf: every model with a z)")
          .tag("le", ModelQualityTally.bucketLabel(i))
          .register(registry);
    }
    for (final KafkaStreams.State state : KafkaStreams.State.values()) {
      Gauge.builder("irls.streams.state", streams, s -> s.state() == state ? 1 : 0)
          .description("1 for the current Kafka Streams state of this instance, 0 for the others")
          .tag("state", state.name())
          .register(registry);
    }
    // per-partition metrics (e.g. records-lag) appear after the first assignment: look for new ones
    // every 10 s rather than Micrometer's default minute
    this.binderScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      final Thread t = new Thread(r, "irls-metrics-refresh");
      t.setDaemon(true);
      return t;
    });
    this.binder = new KafkaStreamsMetrics(streams, List.of(), binderScheduler, BINDER_REFRESH);
    binder.bindTo(registry);
  }

  /**
   * Registers the metrics of {@code streams} (running the topology {@code config} describes).
   * Bind after {@link KafkaStreams#start()}, so that the stream threads' client metrics exist.
   */
  public static IrlsMetrics bind(final KafkaStreams streams, final IrlsConfig config) {
    return new IrlsMetrics(streams, config);
  }

  /**
   * Registers the schema registry's series (input format {@code registry-avro}): {@code
   * irls_schema_registry_waiting_records} (records the tasks here hold back until their writer
   * schema can be had), {@code irls_schema_registry_unavailable} (1 while the last attempt to fetch
   * a schema still needed failed), {@code irls_schema_registry_schemas} (writer schemas kept) and
   * {@code irls_schema_registry_lookups_total{outcome=found|not_found|unavailable}}.
   */
  public void bindSchemaRegistry(final WriterSchemas schemas, final WaitingRecords waiting) {
    Gauge.builder("irls.schema.registry.waiting.records", waiting, WaitingRecords::total)
        .description("Records held back by the tasks of this instance until the schema registry supplies their "
            + "writer schema (nothing is dead-lettered for an unreachable registry)")
        .register(registry);
    Gauge.builder("irls.schema.registry.unavailable", schemas, s -> s.unavailable() ? 1 : 0)
        .description("1 while the schema registry could not be asked for a schema that records still need")
        .register(registry);
    Gauge.builder("irls.schema.registry.schemas", schemas, WriterSchemas::cachedSchemas)
        .description("Writer schemas fetched from the schema registry and kept")
        .register(registry);
    final String[] outcomes = {"found", "not_found", "unavailable"};
    for (int i = 0; i < outcomes.length; i++) {
      final int outcome = i;
      FunctionCounter.builder("irls.schema.registry.lookups", schemas, s -> s.client().lookupCounts()[outcome])
          .description("Schema lookups by id at the schema registry, by outcome")
          .tag("outcome", outcomes[i])
          .register(registry);
    }
  }

  /** Counts one event skipped as already applied ({@code irls_events_already_applied_total}). */
  public void recordEventAlreadyApplied() {
    alreadyApplied.increment();
  }

  /** Records the wall-clock duration of one step into {@code irls_step_latency_seconds}. */
  public void recordStep(final Duration duration) {
    Timer.builder("irls.step.latency")
        .description("Wall-clock duration of one step: the fit of a closed window and its publication")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(duration.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Every metric in Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}). */
  public String scrape() {
    refreshFromStores();
    return registry.scrape();
  }

  /** The Micrometer registry, for further meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    binder.close();
    binderScheduler.shutdownNow();
    registry.close();
  }

  private void refreshFromStores() {
    if (streams.state() != KafkaStreams.State.RUNNING) {
      return;
    }
    try {
      final ModelQualityTally tally = new ModelQualityTally();
      try (KeyValueIterator<String, ModelState> it = IrlsStores.models(streams).all()) {
        while (it.hasNext()) {
          tally.add(it.next().value);
        }
      }
      final Map<String, Long> counts = IrlsStores.deadLetterCounts(streams);
      models.set(tally.models());
      driftSuspected.set(tally.driftSuspected());
      for (int i = 0; i < loglossZAtMost.length; i++) {
        loglossZAtMost[i].set(tally.zAtMost(i));
      }
      deadLetters.forEach((reason, count) -> count.set(counts.getOrDefault(reason, 0L)));
    } catch (final InvalidStateStoreException e) {
      // rebalancing: keep the last values until the stores answer again
    }
  }

  /**
   * Sums the Kafka metric {@code name} of {@code group} tagged with {@code topic}. Kafka's consumer
   * has long tagged topics with '.' replaced by '_' and newer versions add the exact name; the
   * exact name wins so that a topic is never counted twice.
   */
  static double kafkaSum(final Map<MetricName, ? extends Metric> metrics, final String group, final String name,
      final String topic) {
    final List<Metric> exact = new ArrayList<>();
    final List<Metric> legacy = new ArrayList<>();
    final String legacyTopic = topic.replace('.', '_');
    for (final Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      final MetricName m = e.getKey();
      if (!group.equals(m.group()) || !name.equals(m.name())) {
        continue;
      }
      final String tag = m.tags().get("topic");
      if (topic.equals(tag)) {
        exact.add(e.getValue());
      } else if (legacyTopic.equals(tag)) {
        legacy.add(e.getValue());
      }
    }
    double sum = 0;
    for (final Metric metric : exact.isEmpty() ? legacy : exact) {
      final Object v = metric.metricValue();
      if (v instanceof Number number && Double.isFinite(number.doubleValue())) {
        sum += number.doubleValue();
      }
    }
    return sum;
  }
}
