package io.github.irls.streams.internals;

import io.github.irls.avro.CoefficientUpdate;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the last {@code bound} coefficient updates of every model key in the history store and
 * passes each update on unchanged. Sits between the fitting processor and the coefficients sink, so
 * it runs once per closed window, never per event.
 */
public final class HistoryProcessor extends ContextualProcessor<byte[], FitOutput, byte[], CoefficientUpdate> {

  private final String storeName;
  private final int bound;
  private final List<Bytes> expired = new ArrayList<>();
  private KeyValueStore<Bytes, byte[]> history;

  /**
   * @param storeName the history store
   * @param bound updates kept per key, at least 1
   */
  public HistoryProcessor(final String storeName, final int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound must be >= 1, got " + bound);
    }
    this.storeName = storeName;
    this.bound = bound;
  }

  @Override
  public void init(final ProcessorContext<byte[], CoefficientUpdate> context) {
    super.init(context);
    history = context.getStateStore(storeName);
  }

  @Override
  public void process(final Record<byte[], FitOutput> record) {
    // the fitting processor sends only updates this way (its dead letters go to their own processor)
    final CoefficientUpdate update = ((Published) record.value()).update();
    final byte[] modelKey = record.key();
    final long version = update.getVersion();
    history.put(HistoryRows.key(modelKey, version), HistoryRows.value(update));
    // Versions grow by one per update, so this range holds one entry; a range (not a single
    // delete) also clears what a gap in the versions would leave behind.
    if (version > bound) {
      expired.clear();
      try (KeyValueIterator<Bytes, byte[]> it =
          history.range(HistoryRows.key(modelKey, 0), HistoryRows.key(modelKey, version - bound))) {
        while (it.hasNext()) {
          expired.add(it.next().key);
        }
      }
      for (final Bytes k : expired) {
        history.delete(k);
      }
      expired.clear();
    }
    context().forward(record.withValue(update));
  }
}
