package io.github.irls.client;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.config.IrlsConfig;
import io.github.irls.registry.RegistrySettings;
import io.github.irls.registry.SchemaRegistryClient;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.serde.RegistryAvroDeserializer;
import io.github.irls.serde.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local table of the latest coefficients of every model, following the coefficients topic.
 *
 * <p>A background thread reads every partition of the topic from the beginning with a plain
 * {@link KafkaConsumer} ({@code isolation.level=read_committed}, no consumer group, nothing
 * committed) and keeps, per model key, the update with the highest version. Reads ({@link #model},
 * {@link #score}, {@link #keys}) are thread-safe and never block; they see each key's latest update
 * read so far. Partitions added to the topic later are picked up within half a minute.
 *
 * <pre>{@code
 * try (CoefficientTable table = CoefficientTable.start(
 *     Map.of("bootstrap.servers", "localhost:9092"), "irls.coefficients")) {
 *   table.awaitCaughtUp(Duration.ofSeconds(10));
 *   Optional<Prediction> p = table.score("campaign-7", new double[] {0.3, 1.0, -2.0});
 * }
 * }</pre>
 *
 * <p>The consumer settings may carry any Kafka client property ({@code security.protocol}, {@code
 * sasl.*}, {@code ssl.*}); the table sets the deserializers, the isolation level and disables
 * auto-commit. Updates framed for a schema registry ({@code output.format=registry-avro}) are read
 * when the settings name the registry ({@code schema.registry.url} and, as the application takes
 * them, {@code schema.registry.*}), plain ones always. A record that is neither is skipped and
 * counted ({@link #skipped()}); a record whose schema the registry cannot supply yet is read again
 * until it can, never skipped.
 */
public final class CoefficientTable implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CoefficientTable.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long PARTITION_REFRESH_MS = 30_000;
  private static final String SCHEMA_REGISTRY_PREFIX = "schema.registry.";
  /** How long one poll may wait for the registry before the record is read again. */
  private static final Duration REGISTRY_WAIT = Duration.ofSeconds(5);

  private final String topic;
  private final KafkaConsumer<String, CoefficientUpdate> consumer;
  private final ConcurrentHashMap<String, ModelCoefficients> models = new ConcurrentHashMap<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong skipped = new AtomicLong();
  private final Object changed = new Object();
  private final Thread thread;
  private final Optional<SchemaRegistryClient> registryClient;
  private volatile boolean closed;

  private CoefficientTable(final Map<String, ?> clientProperties, final String topic,
      final Optional<RegistrySettings> registry) {
    this.topic = topic;
    this.registryClient = registry.map(SchemaRegistryClient::create);
    final Map<String, Object> props = new HashMap<>(clientProperties);
    props.keySet().removeIf(name -> name.startsWith(SCHEMA_REGISTRY_PREFIX));
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "irls-coefficient-table");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new RegistryAvroDeserializer<>(
        CoefficientUpdate.class, registryClient.map(WriterSchemas::new), REGISTRY_WAIT));
    this.thread = new Thread(this::run, "irls-coefficient-table");
    thread.setDaemon(true);
  }

  /**
   * Starts following {@code topic}.
   *
   * @param clientProperties Kafka consumer settings: {@code bootstrap.servers} and any security
   *     settings
   * @param topic the coefficients topic, e.g. {@code irls.coefficients}
   * @throws org.apache.kafka.common.KafkaException if the consumer cannot be created (bad settings)
   */
  public static CoefficientTable start(final Map<String, ?> clientProperties, final String topic) {
    final boolean registry = clientProperties.keySet().stream().anyMatch(k -> k.startsWith(SCHEMA_REGISTRY_PREFIX));
    return start(clientProperties, topic, registry ? new IrlsConfig(clientProperties).registrySettings()
        : Optional.empty());
  }

  /**
   * Starts following {@code topic}, reading updates framed for a schema registry
   * ({@code output.format=registry-avro}) through {@code registry} when given; plain ones either way.
   *
   * @param clientProperties Kafka consumer settings: {@code bootstrap.servers} and any security
   *     settings ({@code schema.registry.*} are left out)
   */
  public static CoefficientTable start(final Map<String, ?> clientProperties, final String topic,
      final Optional<RegistrySettings> registry) {
    final CoefficientTable table = new CoefficientTable(clientProperties, topic, registry);
    table.thread.start();
    return table;
  }

  /**
   * Waits until the table has read every update that was committed to the topic when it started.
   *
   * @return false if that did not happen within {@code timeout} (the table keeps reading)
   * @throws IllegalStateException if the table stopped because of an error
   */
  public boolean awaitCaughtUp(final Duration timeout) throws InterruptedException {
    final boolean done = caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    throwIfFailed();
    return done;
  }

  /**
   * Waits until the model {@code key} has an update of at least {@code version}.
   *
   * @return the model, or empty if it did not get there within {@code timeout}
   * @throws IllegalStateException if the table stopped because of an error
   */
  public Optional<ModelCoefficients> awaitVersion(final String key, final long version, final Duration timeout)
      throws InterruptedException {
    final long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (true) {
        throwIfFailed();
        final ModelCoefficients m = models.get(key);
        if (m != null && m.version() >= version) {
          return Optional.of(m);
        }
        final long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          return Optional.empty();
        }
        TimeUnit.NANOSECONDS.timedWait(changed, left);
      }
    }
  }

  /** The latest update of the model {@code key} read so far; empty for an unknown key. */
  public Optional<ModelCoefficients> model(final String key) {
    return Optional.ofNullable(models.get(key));
  }

  /**
   * The probability of the model {@code key} at the features {@code x}, with its 95% interval and
   * the version used (see {@link Prediction}); empty for an unknown key.
   *
   * @param x the features without the intercept; not modified
   * @throws IllegalArgumentException if {@code x} has the wrong length or a non-finite entry
   */
  public Optional<Prediction> score(final String key, final double[] x) {
    final ModelCoefficients m = models.get(key);
    return m == null ? Optional.empty() : Optional.of(Scoring.predict(m, x));
  }

  /** The model keys read so far, sorted. */
  public SortedSet<String> keys() {
    return new TreeSet<>(models.keySet());
  }

  /** The number of models read so far. */
  public int size() {
    return models.size();
  }

  /** Records skipped because they were not a valid {@code CoefficientUpdate}. */
  public long skipped() {
    return skipped.get();
  }

  /** What stopped the table, if something did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** Stops following the topic; the table keeps answering from what it read. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (changed) {
      changed.notifyAll();
    }
    registryClient.ifPresent(SchemaRegistryClient::close);
  }

  // ---------------------------------------------------------------------------------------------

  private void throwIfFailed() {
    final Throwable e = failure.get();
    if (e != null) {
      throw new IllegalStateException("The coefficient table stopped reading " + topic + ": " + e, e);
    }
  }

  private void run() {
    try (consumer) {
      final Set<TopicPartition> assigned = new HashSet<>(awaitPartitions());
      if (closed) {
        return;
      }
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      final Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(assigned));
      long nextRefresh = System.currentTimeMillis() + PARTITION_REFRESH_MS;
      while (!closed) {
        final ConsumerRecords<String, CoefficientUpdate> records;
        try {
          records = consumer.poll(POLL);
        } catch (final RecordDeserializationException e) {
          if (e.getCause() instanceof SerializationException s
              && s.getCause() instanceof SchemaRegistryUnavailableException) {
            // the record is fine: read it again once the registry answers, never skip it
            LOG.warn("Waiting for the schema registry to read {}@{} of {}: {}", e.topicPartition(), e.offset(), topic,
                s.getMessage());
            consumer.seek(e.topicPartition(), e.offset());
            continue;
          }
          skipped.incrementAndGet();
          LOG.warn("Skipping record {}@{} of {}: not a CoefficientUpdate ({})", e.topicPartition(), e.offset(),
              topic, e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        for (final ConsumerRecord<String, CoefficientUpdate> r : records) {
          apply(r);
        }
        if (!records.isEmpty()) {
          synchronized (changed) {
            changed.notifyAll();
          }
        }
        if (caughtUp.getCount() > 0 && reached(end)) {
          caughtUp.countDown();
        }
        if (System.currentTimeMillis() >= nextRefresh) {
          nextRefresh = System.currentTimeMillis() + PARTITION_REFRESH_MS;
          addNewPartitions(assigned);
        }
      }
    } catch (final WakeupException e) {
      if (!closed) {
        failure.compareAndSet(null, e);
      }
    } catch (final RuntimeException e) {
      failure.compareAndSet(null, e);
      LOG.error("The coefficient table stopped reading {}: {}", topic, e.toString(), e);
    } finally {
      caughtUp.countDown();
      synchronized (changed) {
        changed.notifyAll();
      }
    }
  }

  /** The topic's partitions, once it exists. */
  private List<TopicPartition> awaitPartitions() {
    while (!closed) {
      final List<TopicPartition> partitions = partitions();
      if (!partitions.isEmpty()) {
        return partitions;
      }
      try {
        Thread.sleep(500);
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
    return List.of();
  }

  private List<TopicPartition> partitions() {
    final List<PartitionInfo> infos = consumer.partitionsFor(topic);
    final List<TopicPartition> out = new ArrayList<>();
    if (infos != null) {
      infos.forEach(p -> out.add(new TopicPartition(topic, p.partition())));
    }
    return out;
  }

  private void addNewPartitions(final Set<TopicPartition> assigned) {
    final List<TopicPartition> added = new ArrayList<>();
    for (final TopicPartition tp : partitions()) {
      if (assigned.add(tp)) {
        added.add(tp);
      }
    }
    if (!added.isEmpty()) {
      consumer.assign(assigned);
      consumer.seekToBeginning(added);
      LOG.info("Following {} new partition(s) of {}", added.size(), topic);
    }
  }

  private boolean reached(final Map<TopicPartition, Long> end) {
    for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void apply(final ConsumerRecord<String, CoefficientUpdate> r) {
    if (r.key() == null) {
      skipped.incrementAndGet();
      return;
    }
    if (r.value() == null) {
      models.remove(r.key()); // a tombstone, should the topic ever be compacted
      return;
    }
    final ModelCoefficients next;
    try {
      next = ModelCoefficients.of(r.value());
    } catch (final IllegalArgumentException e) {
      skipped.incrementAndGet();
      LOG.warn("Skipping update {}@{} of {}: {}", r.partition(), r.offset(), topic, e.getMessage());
      return;
    }
    models.merge(r.key(), next, (old, candidate) -> candidate.version() >= old.version() ? candidate : old);
  }
}
