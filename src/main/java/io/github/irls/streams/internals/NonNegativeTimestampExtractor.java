package io.github.irls.streams.internals;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The record timestamp, or the partition's time (at least 0) when the record carries a negative
 * one: Kafka's default extractor would stop the application on such a record instead.
 */
public final class NonNegativeTimestampExtractor implements TimestampExtractor {

  @Override
  public long extract(final ConsumerRecord<Object, Object> record, final long partitionTime) {
    final long timestamp = record.timestamp();
    return timestamp >= 0 ? timestamp : Math.max(0L, partitionTime);
  }
}
