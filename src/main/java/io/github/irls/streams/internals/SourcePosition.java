package io.github.irls.streams.internals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Where the record being processed was read: from the task's record context, or, for a record the
 * {@link RegistryGate} held back and releases from a punctuation (whose context has no topic and
 * offset -1), from the headers the gate wrote on it — the same headers a dead letter carries.
 */
public final class SourcePosition {

  /** Header: the topic the record was read from. */
  public static final String TOPIC_HEADER = "irls.source.topic";
  /** Header: its partition, in decimal. */
  public static final String PARTITION_HEADER = "irls.source.partition";
  /** Header: its offset, in decimal. */
  public static final String OFFSET_HEADER = "irls.source.offset";

  private SourcePosition() {}

  /** The position of a record: topic, partition and offset. */
  public record Position(String topic, int partition, long offset) {}

  /** The position of the record being processed, if known. */
  public static Optional<Position> of(final ProcessingContext context, final Headers headers) {
    final Optional<RecordMetadata> metadata = context.recordMetadata();
    if (metadata.isPresent() && metadata.get().topic() != null) {
      return Optional.of(new Position(metadata.get().topic(), metadata.get().partition(), metadata.get().offset()));
    }
    final Header topic = headers.lastHeader(TOPIC_HEADER);
    final Header partition = headers.lastHeader(PARTITION_HEADER);
    final Header offset = headers.lastHeader(OFFSET_HEADER);
    if (topic == null || partition == null || offset == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Position(utf8(topic), Integer.parseInt(utf8(partition)), Long.parseLong(utf8(offset))));
    } catch (final NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The offset of the record being processed in its partition, -1 when unknown. Reads no header
   * when the record context has the offset (every record but a released one): the per-event path.
   */
  public static long offset(final ProcessingContext context, final Headers headers) {
    final Optional<RecordMetadata> metadata = context.recordMetadata();
    if (metadata.isPresent() && metadata.get().offset() >= 0) {
      return metadata.get().offset();
    }
    return of(context, headers).map(Position::offset).orElse(-1L);
  }

  /** {@code headers} with the position headers set to {@code position} (any earlier ones removed). */
  static Headers stamp(final Headers headers, final String topic, final int partition, final long offset) {
    headers.remove(TOPIC_HEADER).remove(PARTITION_HEADER).remove(OFFSET_HEADER);
    headers.add(TOPIC_HEADER, topic.getBytes(StandardCharsets.UTF_8));
    headers.add(PARTITION_HEADER, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
    headers.add(OFFSET_HEADER, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private static String utf8(final Header h) {
    return h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }
}
