package io.github.irls.streams.internals;

import io.github.irls.registry.Framing;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.streams.WaitingRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * In front of both sources of a task whose events are framed for a schema registry: lets a record
 * through only once the writer schema its id names is settled (known, or known to be missing or
 * invalid, which makes it a dead letter downstream), and holds it back, in order, while the
 * registry cannot be asked. A registry that is down never turns a good record into a dead letter,
 * and never blocks the stream thread for longer than one first wait of {@value #FIRST_WAIT_MS} ms
 * for a schema id not seen before.
 *
 * <p>Once one record is held, every later record of the task is held behind it, model specs too,
 * so the fitting processor sees the task's records in the order it would have seen them: the same
 * windows, the same updates. Held records live in a store of the task (changelogged, so under
 * exactly-once they are committed with the input offsets that passed them: none is lost or read
 * twice across a crash), and a wall-clock punctuation lets them through, oldest first, as soon as
 * their schemas are settled, at most {@value #MAX_RELEASE} a punctuation; the registry is asked again with the {@link WriterSchemas} backoff. A
 * released record carries its source position in the {@link SourcePosition} headers, since a
 * punctuation's context has none. While records are held, {@link WaitingRecords} says so: for
 * {@code /ready}, the metrics, and the end-of-data rule, which never takes held records for a
 * caught-up input.
 */
public final class RegistryGate extends ContextualProcessor<byte[], byte[], byte[], byte[]> {

  /** The longest the stream thread waits for the registry's first answer about a new schema id. */
  public static final long FIRST_WAIT_MS = 2_000;
  /** How often held records are looked at. */
  static final Duration RELEASE_INTERVAL = Duration.ofMillis(100);
  /** Held records read from the store at a time. */
  private static final int RELEASE_BATCH = 1_000;
  /**
   * The most held records let through by one punctuation, so that a long backlog does not keep the
   * stream thread from polling (and its task from committing) for as long as it takes: the rest go
   * at the next punctuations, one {@link #RELEASE_INTERVAL} apart.
   */
  public static final int MAX_RELEASE = 10_000;

  private final String specsTopic;
  private final String storeName;
  private final String eventsChild;
  private final String specsChild;
  private final WriterSchemas schemas;
  private final WaitingRecords waiting;
  private final int maxRelease;
  private KeyValueStore<Long, byte[]> store;
  private int partition;
  private long held;
  private long nextSequence;
  private boolean knowsId;
  private int settledId;

  public RegistryGate(final String specsTopic, final String storeName, final String eventsChild,
      final String specsChild, final WriterSchemas schemas, final WaitingRecords waiting) {
    this(specsTopic, storeName, eventsChild, specsChild, schemas, waiting, MAX_RELEASE);
  }

  /** With the most held records let through by one punctuation (tests). */
  RegistryGate(final String specsTopic, final String storeName, final String eventsChild, final String specsChild,
      final WriterSchemas schemas, final WaitingRecords waiting, final int maxRelease) {
    if (maxRelease < 1) {
      throw new IllegalArgumentException("maxRelease must be at least 1, got " + maxRelease);
    }
    this.maxRelease = maxRelease;
    this.specsTopic = Objects.requireNonNull(specsTopic, "specsTopic");
    this.storeName = storeName;
    this.eventsChild = eventsChild;
    this.specsChild = specsChild;
    this.schemas = Objects.requireNonNull(schemas, "schemas");
    this.waiting = Objects.requireNonNull(waiting, "waiting");
  }

  @Override
  public void init(final ProcessorContext<byte[], byte[]> context) {
    super.init(context);
    store = context.getStateStore(storeName);
    partition = context.taskId().partition();
    held = 0;
    nextSequence = 0;
    knowsId = false;
    // records held before a restart or a move of the task wait on
    try (KeyValueIterator<Long, byte[]> all = store.all()) {
      while (all.hasNext()) {
        nextSequence = all.next().key + 1;
        held++;
      }
    }
    waiting.set(partition, held, context.currentSystemTimeMs());
    context.schedule(RELEASE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::release);
  }

  @Override
  public void process(final Record<byte[], byte[]> record) {
    final RecordMetadata source = context().recordMetadata().orElseThrow();
    final boolean spec = specsTopic.equals(source.topic());
    if (held > 0 || !(spec || settled(record.value(), true))) {
      hold(record, spec, source);
      return;
    }
    context().forward(record, spec ? specsChild : eventsChild);
  }

  /**
   * Whether {@code value} may go on: not framed (refused downstream), or its schema id settled;
   * {@code wait} allows the first wait for an id not asked about before.
   */
  private boolean settled(final byte[] value, final boolean wait) {
    if (!Framing.isFramed(value)) {
      return true;
    }
    final int id = Framing.id(value);
    if (knowsId && id == settledId) {
      return true;
    }
    final WriterSchemas.Entry entry =
        wait ? schemas.await(id, Duration.ofMillis(FIRST_WAIT_MS)) : schemas.get(id);
    if (entry.settled()) {
      knowsId = true;
      settledId = id;
      return true;
    }
    return false;
  }

  private void hold(final Record<byte[], byte[]> record, final boolean spec, final RecordMetadata source) {
    store.put(nextSequence++, new HeldRecord(spec, source.topic(), source.partition(), source.offset(),
        record.timestamp(), record.key(), record.value(), record.headers()).encode());
    held++;
    waiting.set(partition, held, context().currentSystemTimeMs());
  }

  /**
   * Lets the held records through, oldest first, up to the first whose schema is not settled and
   * at most {@code maxRelease} of them.
   */
  private void release(final long now) {
    boolean blocked = false;
    int released = 0;
    while (held > 0 && !blocked && released < maxRelease) {
      final int room = Math.min(RELEASE_BATCH, maxRelease - released);
      // collected first, released after the iterator is closed: nothing writes to a store under its own iterator
      final List<KeyValue<Long, HeldRecord>> batch = new ArrayList<>();
      try (KeyValueIterator<Long, byte[]> all = store.all()) {
        while (all.hasNext() && batch.size() < room) {
          final KeyValue<Long, byte[]> next = all.next();
          final HeldRecord r = HeldRecord.decode(next.value);
          if (!r.spec() && !settled(r.value(), false)) {
            blocked = true;
            break;
          }
          batch.add(KeyValue.pair(next.key, r));
        }
      }
      if (batch.isEmpty()) {
        break;
      }
      for (final KeyValue<Long, HeldRecord> next : batch) {
        final HeldRecord r = next.value;
        store.delete(next.key);
        held--;
        released++;
        final RecordHeaders headers = new RecordHeaders(r.headers().toArray());
        SourcePosition.stamp(headers, r.topic(), r.partition(), r.offset());
        context().forward(new Record<>(r.key(), r.value(), r.timestamp(), headers),
            r.spec() ? specsChild : eventsChild);
      }
    }
    waiting.set(partition, held, now);
  }

  @Override
  public void close() {
    waiting.forget(partition);
  }
}
