package io.github.irls.streams.internals;

import io.github.irls.glm.Design;
import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.streams.OpenWindow;
import io.github.irls.streams.ReadOnlyWindows;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The open windows of one task, worked on in memory and written to a changelogged key-value store
 * once per commit (write-behind): however many events a window receives between two commits, its
 * key reaches the changelog once — its header (with the statistics of a newton window) and, for a
 * window that keeps its events, one chunk of the rows added since the last commit.
 *
 * <p><b>Exactly-once.</b> Kafka Streams flushes every store's cache before it flushes the record
 * collector and commits the input offsets ({@code StreamTask.prepareCommit}: {@code
 * ProcessorStateManager.flushCache} calls {@link CachedStateStore#flushCache} on the registered
 * store, which is this one: it passes itself as the root to the inner stores). So the buffered
 * state reaches the changelog inside the same transaction as the offsets of the events it covers;
 * a crash before the commit loses both together, and the restarted task restores the store from
 * the changelog and re-reads the events. This is the same hook Kafka Streams' own record cache
 * ({@code CachingKeyValueStore}) uses.
 *
 * <p><b>Memory.</b> Written windows stay in memory, least recently used first out, while their
 * estimated size is below {@code maxResidentBytes}; a window not in memory is read back from the
 * store. Rows already written are not kept: an iterating window's step reads its chunks back.
 *
 * <p><b>Layout</b> of the inner store: byte 0 then the model key → the {@link KeyWindow} header;
 * byte 1, int key length, the model key, long sequence number → one chunk of rows.
 *
 * <p>Interactive queries ({@link ReadOnlyWindows}) read the inner store: what the last commit wrote.
 */
public final class WindowStore implements StateStore, CachedStateStore<Bytes, byte[]>, ReadOnlyWindows {

  private static final byte HEADER_KEY = 0;
  private static final byte CHUNK_KEY = 1;
  /** The key of the task's own record: its stream time and the offset of its last applied event. */
  private static final Bytes TASK_KEY = Bytes.wrap(new byte[] {2});
  /** Format byte, stream time; then (since the offset guard) the last applied event offset. */
  private static final int TASK_RECORD_BYTES = 17;
  private static final ByteArraySerializer PREFIX_SERIALIZER = new ByteArraySerializer();

  private final KeyValueStore<Bytes, byte[]> inner;
  private final long maxResidentBytes;
  /** In access order: the eldest is the least recently used. */
  private final LinkedHashMap<Bytes, KeyWindow> resident = new LinkedHashMap<>(1024, 0.75f, true);
  private final List<KeyWindow> dirty = new ArrayList<>();
  private long residentBytes;
  /** The largest event time of the task's events so far; {@code Long.MIN_VALUE} before the first. */
  private long streamTime = Long.MIN_VALUE;
  /** The offset of the last event of the task's partition whose effect is in these windows; -1 before any. */
  private long appliedOffset = -1;
  private boolean taskRecordLoaded;
  private boolean taskRecordDirty;

  WindowStore(final KeyValueStore<Bytes, byte[]> inner, final long maxResidentBytes) {
    this.inner = inner;
    this.maxResidentBytes = maxResidentBytes;
  }

  // ---------------------------------------------------------------------------------------------
  // For the fitting processor (the stream thread)

  /** The window of {@code key} (model key bytes), read back from the store if need be; null when unknown. */
  KeyWindow get(final byte[] key) {
    final Bytes k = Bytes.wrap(key);
    final KeyWindow cached = resident.get(k);
    if (cached != null) {
      return cached;
    }
    final KeyWindow stored = KeyWindow.decode(key, inner.get(headerKey(key)));
    if (stored != null) {
      remember(k, stored);
    }
    return stored;
  }

  /** A new key, its feature count not yet fixed; written at the next commit. */
  KeyWindow create(final byte[] key) {
    final KeyWindow w = new KeyWindow(key, -1);
    remember(Bytes.wrap(key), w);
    changed(w);
    return w;
  }

  /** Marks {@code w} as changed: it is written at the next commit. */
  void changed(final KeyWindow w) {
    if (!w.dirty) {
      w.dirty = true;
      dirty.add(w);
    }
  }

  /** Appends the rows of {@code w}'s open window to {@code design}: the written chunks, then the pending rows. */
  void addRowsTo(final KeyWindow w, final Design.Builder design, final double[] row) {
    if (w.nextChunk > w.firstChunk) {
      try (KeyValueIterator<Bytes, byte[]> it =
          inner.range(chunkKey(w.key, w.firstChunk), chunkKey(w.key, w.nextChunk - 1))) {
        while (it.hasNext()) {
          KeyWindow.addChunkTo(design, it.next().value, w.features, row);
        }
      }
    }
    w.addPendingTo(design);
  }

  /**
   * The task's stream time over its events: the largest event time seen so far, kept with the
   * windows so that a restarted task goes on from where the last commit left it, never from the
   * wall clock. {@code Long.MIN_VALUE} before the first event.
   */
  long streamTime() {
    loadTaskRecord();
    return streamTime;
  }

  /** Advances the stream time to {@code time} if that is later; written at the next commit. */
  void advanceStreamTime(final long time) {
    if (time > streamTime()) {
      streamTime = time;
      taskRecordDirty = true;
    }
  }

  /**
   * The offset, in the task's events partition, of the last event whose effect these windows (and
   * so the models and updates written with them) hold; -1 before the first. Written with the
   * windows, in the same transaction, so it always says exactly which events the state has seen.
   */
  long appliedOffset() {
    loadTaskRecord();
    return appliedOffset;
  }

  /** Records that the event at {@code offset} has been applied; written at the next commit. */
  void applied(final long offset) {
    if (offset > appliedOffset()) {
      appliedOffset = offset;
      taskRecordDirty = true;
    }
  }

  private void loadTaskRecord() {
    if (!taskRecordLoaded) {
      final byte[] stored = inner.get(TASK_KEY);
      // a 9-byte record is from before the offset guard: stream time only
      streamTime = stored == null || stored.length < 9 ? Long.MIN_VALUE : Bin.getLong(stored, 1);
      appliedOffset = stored == null || stored.length < TASK_RECORD_BYTES ? -1 : Bin.getLong(stored, 9);
      taskRecordLoaded = true;
    }
  }

  /** Calls {@code action} with every known key's window (at task start: read once from the store). */
  void forEach(final Consumer<KeyWindow> action) {
    final List<byte[]> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = inner.prefixScan(new byte[] {HEADER_KEY}, PREFIX_SERIALIZER)) {
      while (it.hasNext()) {
        keys.add(modelKey(it.next().key.get()));
      }
    }
    for (final KeyWindow w : resident.values()) {
      if (w.dirty) {
        keys.add(w.key); // not written yet (a new key)
      }
    }
    for (final byte[] key : keys) {
      final KeyWindow w = get(key);
      if (w != null) {
        action.accept(w);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The write-behind

  /** Writes every changed window to the store (and so to its changelog), then trims what is kept in memory. */
  @Override
  public void flushCache() {
    for (final KeyWindow w : dirty) {
      if (w.pendingRows > 0) {
        inner.put(chunkKey(w.key, w.nextChunk), w.encodePendingChunk());
        w.nextChunk++;
        w.pendingRows = 0;
      }
      for (long seq = w.deleteFrom; seq < w.deleteTo; seq++) {
        inner.put(chunkKey(w.key, seq), null);
      }
      w.deleteFrom = w.firstChunk;
      w.deleteTo = w.firstChunk;
      inner.put(headerKey(w.key), w.encode());
      w.dirty = false;
    }
    dirty.clear();
    if (taskRecordDirty) {
      final byte[] b = new byte[TASK_RECORD_BYTES];
      b[0] = KeyWindow.FORMAT;
      Bin.putLong(b, 1, streamTime);
      Bin.putLong(b, 9, appliedOffset);
      inner.put(TASK_KEY, b);
      taskRecordDirty = false;
    }
    trim();
  }

  /** Forgets what is in memory (nothing is written): the store is the truth again. */
  @Override
  public void clearCache() {
    resident.clear();
    dirty.clear();
    residentBytes = 0;
    taskRecordLoaded = false;
    taskRecordDirty = false;
  }

  @Override
  public boolean setFlushListener(final CacheFlushListener<Bytes, byte[]> listener, final boolean sendOldValues) {
    return false;
  }

  private void remember(final Bytes key, final KeyWindow w) {
    resident.put(key, w);
    residentBytes += estimatedBytes(w);
  }

  /** Evicts the least recently used written windows while memory is over its bound. */
  private void trim() {
    final Iterator<Map.Entry<Bytes, KeyWindow>> it = resident.entrySet().iterator();
    while (residentBytes > maxResidentBytes && it.hasNext()) {
      final KeyWindow w = it.next().getValue();
      if (!w.dirty) {
        residentBytes -= estimatedBytes(w);
        it.remove();
      }
    }
  }

  /** What a window costs in memory, roughly: object headers, its key, its statistics or row buffer. */
  private static long estimatedBytes(final KeyWindow w) {
    final int d = Math.max(1, w.features + 1);
    return 160L + w.key.length + 8L * w.pending.length
        + (w.statistics == null ? 0 : 8L * (PackedSymmetric.size(d) + 4L * d) + 200);
  }

  // ---------------------------------------------------------------------------------------------
  // Interactive queries: the inner store, as the last commit left it

  @Override
  public Optional<OpenWindow> window(final String modelKey) {
    final byte[] key = modelKey.getBytes(StandardCharsets.UTF_8);
    return Optional.ofNullable(KeyWindow.decode(key, inner.get(headerKey(key)))).map(KeyWindow::view);
  }

  @Override
  public List<OpenWindow> all() {
    final List<OpenWindow> out = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = inner.prefixScan(new byte[] {HEADER_KEY}, PREFIX_SERIALIZER)) {
      while (it.hasNext()) {
        final KeyValue<Bytes, byte[]> kv = it.next();
        final KeyWindow w = KeyWindow.decode(modelKey(kv.key.get()), kv.value);
        if (w != null) {
          out.add(w.view());
        }
      }
    }
    return out;
  }

  @Override
  public long storedEvents() {
    long events = 0;
    try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
      while (it.hasNext()) {
        final KeyValue<Bytes, byte[]> kv = it.next();
        final byte[] k = kv.key.get();
        if (k.length > 0 && k[0] == CHUNK_KEY && kv.value != null && kv.value.length >= 5) {
          events += Bin.getInt(kv.value, 1);
        } else if (k.length > 0 && k[0] == HEADER_KEY) {
          final KeyWindow w = KeyWindow.decode(modelKey(k), kv.value);
          if (w != null && w.kind == KeyWindow.Kind.STATISTICS) {
            events += w.count;
          }
        }
      }
    }
    return events;
  }

  @Override
  public long storedBytes() {
    long bytes = 0;
    try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
      while (it.hasNext()) {
        final KeyValue<Bytes, byte[]> kv = it.next();
        bytes += kv.key.get().length + (kv.value == null ? 0 : kv.value.length);
      }
    }
    return bytes;
  }

  // ---------------------------------------------------------------------------------------------
  // Keys

  static Bytes headerKey(final byte[] modelKey) {
    final byte[] b = new byte[1 + modelKey.length];
    b[0] = HEADER_KEY;
    System.arraycopy(modelKey, 0, b, 1, modelKey.length);
    return Bytes.wrap(b);
  }

  static Bytes chunkKey(final byte[] modelKey, final long seq) {
    final byte[] b = new byte[1 + 4 + modelKey.length + 8];
    b[0] = CHUNK_KEY;
    Bin.putInt(b, 1, modelKey.length);
    System.arraycopy(modelKey, 0, b, 5, modelKey.length);
    Bin.putLong(b, 5 + modelKey.length, seq);
    return Bytes.wrap(b);
  }

  private static byte[] modelKey(final byte[] headerKey) {
    return Arrays.copyOfRange(headerKey, 1, headerKey.length);
  }

  // ---------------------------------------------------------------------------------------------
  // StateStore: the inner store's, with the write-behind flushed as Kafka Streams' caches are

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(final StateStoreContext context, final StateStore root) {
    inner.init(context, root);
  }

  @Override
  public void commit(final Map<TopicPartition, Long> changelogOffsets) {
    inner.commit(changelogOffsets);
  }

  @Override
  @SuppressWarnings("deprecation")
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public Long committedOffset(final TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  /** As Kafka Streams' caching stores do, writes what is buffered, then closes the inner store. */
  @Override
  public void close() {
    try {
      if (inner.isOpen()) {
        flushCache();
      }
    } finally {
      clearCache();
      inner.close();
    }
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config) {
    return inner.query(query, positionBound, config);
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }
}
