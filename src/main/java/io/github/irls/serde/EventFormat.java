package io.github.irls.serde;

import io.github.irls.avro.LabeledEvent;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The wire formats accepted on the events topic. */
public enum EventFormat {
  /** Avro binary of {@link LabeledEvent} without any header (no schema-registry framing). */
  AVRO,
  /** One JSON object per record, see {@link LabeledEventJsonSerde}. */
  JSON;

  /** The name as written in configuration: {@code avro} or {@code json}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * A new serde for events in this format; thread-safe. Its deserializer never returns null: a
   * record without a value raises {@link EventDecodingException} with reason {@code
   * MISSING_VALUE}, undecodable bytes {@code UNDECODABLE_AVRO} or {@code UNDECODABLE_JSON}.
   */
  public Serde<LabeledEvent> serde() {
    return switch (this) {
      case AVRO -> {
        final AvroSerde<LabeledEvent> avro = AvroSerde.of(LabeledEvent.class);
        yield Serdes.serdeFrom(
            avro.serializer(),
            (topic, bytes) -> {
              if (bytes == null) {
                throw new EventDecodingException(
                    EventDecodingException.Reason.MISSING_VALUE, "Event record has no value");
              }
              return avro.deserializer().deserialize(topic, bytes);
            });
      }
      case JSON -> new LabeledEventJsonSerde();
    };
  }

  /**
   * A new decoder of event values in this format into an {@link EventBuffer}, allocating nothing per
   * event (one per thread). It refuses what {@link #serde()}'s deserializer refuses, for the same
   * reasons.
   */
  public EventDecoder decoder() {
    return switch (this) {
      case AVRO -> new AvroEventDecoder();
      case JSON -> new JsonEventDecoder();
    };
  }

  /**
   * Parses a configured name, ignoring case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static EventFormat parse(final String name) {
    for (final EventFormat f : values()) {
      if (f.configName().equalsIgnoreCase(name.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "Unknown event format '" + name + "'; expected one of " + configNames());
  }

  /** The accepted configuration names, e.g. {@code [avro, json]}. */
  public static String configNames() {
    return Arrays.stream(values())
        .map(EventFormat::configName)
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
