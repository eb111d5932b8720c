package io.github.irls.serde;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.registry.WriterSchemas;
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
  JSON,
  /**
   * Avro binary framed by a schema registry's serializer (magic byte 0, a 4-byte schema id, the
   * binary written with that schema), resolved to {@link LabeledEvent} ({@link
   * RegistryAvroEventDecoder}); needs a schema registry.
   */
  REGISTRY_AVRO;

  /** The name as written in configuration: {@code avro}, {@code json} or {@code registry-avro}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether values in this format name a writer schema that a schema registry must supply. */
  public boolean needsRegistry() {
    return this == REGISTRY_AVRO;
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
      case REGISTRY_AVRO -> throw new UnsupportedOperationException(
          "registry-avro needs a schema registry: frame AVRO's bytes with registry.Framing");
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
      case REGISTRY_AVRO -> throw new UnsupportedOperationException(
          "registry-avro needs a schema registry: use decoder(WriterSchemas)");
    };
  }

  /** As {@link #decoder()}, with the writer schemas that {@link #REGISTRY_AVRO} reads records by. */
  public EventDecoder decoder(final WriterSchemas schemas) {
    return this == REGISTRY_AVRO ? new RegistryAvroEventDecoder(schemas) : decoder();
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
