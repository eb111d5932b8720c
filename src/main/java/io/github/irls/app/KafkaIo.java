package io.github.irls.app;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.config.IrlsConfig;
import io.github.irls.csv.CsvFormatException;
import io.github.irls.registry.RegistrySettings;
import io.github.irls.registry.SchemaRegistryClient;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.EventFormat;
import io.github.irls.serde.RegistryFramedSerializer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing event files, waiting for a consumer group and reading topics back: the CLI's plumbing. */
public final class KafkaIo {

  private KafkaIo() {}

  /** A producer for events: idempotent, acks=all, batched, failing after 30 s without a broker. */
  public static Producer<String, byte[]> eventProducer(final Map<String, Object> clientProperties) {
    final Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 10);
    props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Sends the rows of {@code reader} in file order (model = record key) to {@code topic}, at most
   * {@code maxRows} of them, then flushes.
   *
   * @param progress called now and then with the number of rows sent so far
   * @return rows sent per model key, in order of first appearance
   * @throws IllegalStateException if the broker refused a record (the first error)
   */
  public static Map<String, Long> produce(
      final EventCsvReader reader,
      final Producer<String, byte[]> producer,
      final String topic,
      final EventFormat format,
      final long maxRows,
      final LongConsumer progress) throws IOException, CsvFormatException {
    return produce(reader, producer, topic, format.serde().serializer(), maxRows, progress);
  }

  /** As {@link #produce(EventCsvReader, Producer, String, EventFormat, long, LongConsumer)} with {@code serializer}. */
  public static Map<String, Long> produce(
      final EventCsvReader reader,
      final Producer<String, byte[]> producer,
      final String topic,
      final Serializer<LabeledEvent> serializer,
      final long maxRows,
      final LongConsumer progress) throws IOException, CsvFormatException {
    final AtomicReference<Exception> failed = new AtomicReference<>();
    final Map<String, Long> rows = new LinkedHashMap<>();
    long sent = 0;
    while (sent < maxRows && reader.next()) {
      if (failed.get() != null) {
        break;
      }
      final String key = reader.key();
      producer.send(
          new ProducerRecord<>(topic, key, serializer.serialize(topic, reader.event())),
          (metadata, e) -> {
            if (e != null) {
              failed.compareAndSet(null, e);
            }
          });
      rows.merge(key, 1L, Long::sum);
      sent++;
      if ((sent & 1023) == 0) {
        progress.accept(sent);
      }
    }
    producer.flush();
    progress.accept(sent);
    if (failed.get() != null) {
      throw new IllegalStateException(
          "Kafka refused an event for topic " + topic + ": " + KafkaReachability.rootMessage(failed.get()),
          failed.get());
    }
    return rows;
  }

  /**
   * A serializer of events for {@code topic} in {@code format}: for {@code registry-avro}, {@code
   * LabeledEvent} is found or registered under the subject {@code <topic>-value} at the schema
   * registry of {@code config} and every event is framed with its id, as a registry-aware producer
   * writes them.
   *
   * @throws IllegalStateException if the registry cannot be reached or refuses the schema
   */
  public static Serializer<LabeledEvent> eventSerializer(final IrlsConfig config, final EventFormat format,
      final String topic) {
    if (!format.needsRegistry()) {
      return format.serde().serializer();
    }
    final RegistrySettings settings = config.registrySettings().orElseThrow(
        () -> new IllegalStateException("registry-avro needs " + IrlsConfig.SCHEMA_REGISTRY_URL_CONFIG));
    final String subject = topic + "-value";
    try (SchemaRegistryClient client = SchemaRegistryClient.create(settings)) {
      return RegistryFramedSerializer.of(client.idOf(subject, LabeledEvent.getClassSchema()),
          AvroSerde.of(LabeledEvent.class).serializer());
    } catch (final SchemaRegistryClient.RegistryException | IllegalArgumentException e) {
      throw new IllegalStateException("Cannot register LabeledEvent under " + subject + " at the schema registry: "
          + e.getMessage(), e);
    }
  }

  /** The end offset of every partition of {@code topic} (the last stable offset under transactions). */
  public static Map<TopicPartition, Long> endOffsets(final Admin admin, final String topic) {
    try {
      final List<TopicPartition> partitions = new ArrayList<>();
      admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
      final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
          admin.listOffsets(request).all().get();
      final Map<TopicPartition, Long> out = new HashMap<>();
      result.forEach((tp, info) -> out.put(tp, info.offset()));
      return out;
    } catch (final ExecutionException e) {
      throw new KafkaUnavailableException(
          "Cannot read the offsets of topic " + topic + ": " + KafkaReachability.rootMessage(e), e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted reading the offsets of " + topic, e);
    }
  }

  /** Offsets the consumer group {@code groupId} has committed, by partition (absent: none). */
  public static Map<TopicPartition, Long> committedOffsets(final Admin admin, final String groupId) {
    try {
      final Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      final Map<TopicPartition, Long> out = new HashMap<>();
      committed.forEach((tp, om) -> {
        if (om != null) {
          out.put(tp, om.offset());
        }
      });
      return out;
    } catch (final ExecutionException e) {
      throw new KafkaUnavailableException(
          "Cannot read the offsets of group " + groupId + ": " + KafkaReachability.rootMessage(e), e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted reading the offsets of group " + groupId, e);
    }
  }

  /** Records committed so far by {@code groupId} towards {@code end}, summed over partitions. */
  public static long committedTowards(final Admin admin, final String groupId, final Map<TopicPartition, Long> end) {
    final Map<TopicPartition, Long> committed = committedOffsets(admin, groupId);
    long total = 0;
    for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      total += Math.min(e.getValue(), committed.getOrDefault(e.getKey(), 0L));
    }
    return total;
  }

  /**
   * Waits until the application {@code app} (whose group id is its application id) has committed
   * every offset in {@code end}: every record before them is processed and its output committed.
   *
   * @throws IllegalStateException if the application fails, or commits nothing new for {@code stall}
   */
  public static void awaitCommitted(
      final Admin admin, final IrlsApplication app, final Map<TopicPartition, Long> end,
      final Duration stall, final LongConsumer progress) throws InterruptedException {
    final long target = end.values().stream().mapToLong(Long::longValue).sum();
    long last = -1;
    long lastChange = System.nanoTime();
    while (true) {
      app.failure().ifPresent(e -> {
        throw new IllegalStateException("The streams application failed: " + KafkaReachability.rootMessage(e), e);
      });
      final long done = committedTowards(admin, app.config().applicationId(), end);
      progress.accept(done);
      if (done >= target) {
        return;
      }
      if (done != last) {
        last = done;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > stall.toNanos()) {
        throw new IllegalStateException("No progress for " + stall.toSeconds() + " s: " + done + " of "
            + target + " records processed (application state " + app.state() + ")");
      }
      Thread.sleep(100);
    }
  }

  /**
   * Reads every committed record of {@code topic} from the beginning to its current end.
   *
   * @return the records in partition order, partition by partition
   */
  public static <V> List<ConsumerRecord<String, V>> readAll(
      final Map<String, Object> clientProperties, final String topic, final Deserializer<V> values) {
    final Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    final List<ConsumerRecord<String, V>> out = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
      final List<TopicPartition> partitions = new ArrayList<>();
      for (final PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      final long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Timed out reading topic " + topic);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
