package io.github.irls.streams.internals;

import java.nio.charset.StandardCharsets;
import io.github.irls.streams.DeadLetterReason;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts each rejected record under its reason and forwards it, with its original key, value,
 * timestamp and headers, plus headers naming the error and the source record, to the dead-letter
 * sink. The only writer of the dead-letter counts stores: the totals by reason, and, for a record
 * whose key names a known model (one that has had a valid event or has a model spec), that model's
 * counts by reason. Unknown keys are not counted per key, so that garbage keys cannot grow the store.
 */
public final class DeadLetterProcessor extends ContextualProcessor<byte[], Rejection, byte[], byte[]> {

  /** Messages longer than this are cut, so that one bad record cannot make a huge header. */
  static final int MAX_MESSAGE_CHARS = 1000;

  private final String countsStoreName;
  private final String keyCountsStoreName;
  private final String windowsStoreName;
  private final String specsStoreName;
  private final String reasonHeader;
  private final String messageHeader;
  private KeyValueStore<String, Long> counts;
  private KeyValueStore<String, byte[]> keyCounts;
  private WindowStore windows;
  private KeyValueStore<String, byte[]> specs;

  public DeadLetterProcessor(
      final String countsStoreName,
      final String keyCountsStoreName,
      final String windowsStoreName,
      final String specsStoreName,
      final String reasonHeader,
      final String messageHeader) {
    this.countsStoreName = countsStoreName;
    this.keyCountsStoreName = keyCountsStoreName;
    this.windowsStoreName = windowsStoreName;
    this.specsStoreName = specsStoreName;
    this.reasonHeader = reasonHeader;
    this.messageHeader = messageHeader;
  }

  @Override
  public void init(final ProcessorContext<byte[], byte[]> context) {
    super.init(context);
    counts = context.getStateStore(countsStoreName);
    keyCounts = context.getStateStore(keyCountsStoreName);
    windows = context.getStateStore(windowsStoreName);
    specs = context.getStateStore(specsStoreName);
  }

  @Override
  public void process(final Record<byte[], Rejection> record) {
    final Rejection rejection = record.value();
    final String reason = rejection.reason().name();
    final Long seen = counts.get(reason);
    counts.put(reason, seen == null ? 1L : seen + 1);
    final byte[] key = record.key();
    if (key != null && key.length <= DeadLetterReason.MAX_KEY_BYTES && Utf8.isValid(key)) {
      final String modelKey = new String(key, StandardCharsets.UTF_8);
      if (windows.get(key) != null || specs.get(modelKey) != null) {
        keyCounts.put(modelKey, KeyDeadLetters.increment(keyCounts.get(modelKey), reason));
      }
    }

    final Headers headers = new RecordHeaders(record.headers().toArray());
    // a source position the record carries is replaced by the one found below, or dropped when none is
    headers.remove(reasonHeader).remove(messageHeader).remove(SourcePosition.TOPIC_HEADER)
        .remove(SourcePosition.PARTITION_HEADER).remove(SourcePosition.OFFSET_HEADER);
    headers.add(reasonHeader, utf8(reason));
    final String message = rejection.message() == null ? "" : rejection.message();
    headers.add(messageHeader,
        utf8(message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message));
    final Optional<SourcePosition.Position> source = SourcePosition.of(context(), record.headers());
    source.ifPresent(p -> SourcePosition.stamp(headers, p.topic(), p.partition(), p.offset()));
    context().forward(new Record<>(record.key(), rejection.rawValue(), record.timestamp(), headers));
  }

  private static byte[] utf8(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
