package io.github.irls.testing;

import io.github.irls.app.EventCsvReader;
import io.github.irls.app.KafkaIo;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.serde.EventFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Streams the rows of an event file to a topic at a steady rate from a thread of its own, as a
 * live source would: each record stamped with the time its event happens (its place in the steady
 * stream), even when the client could not send it then (through a broker outage the client blocks
 * and buffers, and retries for up to two minutes) — the time an event happened is data, the time
 * it could be delivered is not.
 */
public final class PacedProducer implements AutoCloseable {

  private final Thread thread;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final long rows;

  /**
   * Starts sending {@code rows} rows of {@code file} to {@code topic} at {@code perSecond} rows a
   * second.
   */
  public PacedProducer(final Path file, final long rows, final Map<String, Object> clientProperties,
      final String topic, final int perSecond) {
    this.rows = rows;
    this.thread = new Thread(() -> send(file, clientProperties, topic, perSecond), "paced-producer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void send(final Path file, final Map<String, Object> clientProperties, final String topic,
      final int perSecond) {
    final Map<String, Object> props = new java.util.HashMap<>(clientProperties);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    final Serializer<LabeledEvent> serializer = EventFormat.AVRO.serde().serializer();
    final long started = System.nanoTime();
    final long startedMs = System.currentTimeMillis();
    try (EventCsvReader reader = EventCsvReader.open(file);
        Producer<String, byte[]> producer = KafkaIo.eventProducer(props)) {
      while (reader.next()) {
        final long n = sent.get();
        final long due = started + n * 1_000_000_000L / perSecond;
        final long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        final long happened = startedMs + n * 1000L / perSecond;
        producer.send(
            new ProducerRecord<>(topic, null, happened, reader.key(), serializer.serialize(topic, reader.event())),
            (metadata, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
        sent.incrementAndGet();
      }
      producer.flush();
    } catch (final Exception e) {
      failure.compareAndSet(null, e);
    }
  }

  /** Rows handed to the client so far. */
  public long sent() {
    return sent.get();
  }

  /** Waits until every row is sent and acknowledged; fails with the first error. */
  public void awaitDone(final Duration timeout) throws InterruptedException {
    thread.join(timeout.toMillis());
    if (thread.isAlive()) {
      throw new IllegalStateException("only " + sent.get() + " of " + rows + " rows sent within " + timeout);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("the producer failed: " + failure.get(), failure.get());
    }
  }

  @Override
  public void close() throws InterruptedException {
    thread.interrupt();
    thread.join(10_000);
  }
}
