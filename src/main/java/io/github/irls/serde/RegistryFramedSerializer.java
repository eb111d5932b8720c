package io.github.irls.serde;

import io.github.irls.registry.Framing;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serializer that writes what a registry-aware serializer writes: the Avro binary of {@code
 * plain}, framed with the schema registry's id of its schema ({@link Framing}). Null stays null (a
 * tombstone).
 */
public final class RegistryFramedSerializer {

  private RegistryFramedSerializer() {}

  /** {@code plain}'s bytes framed with {@code schemaId}. */
  public static <T> Serializer<T> of(final int schemaId, final Serializer<T> plain) {
    return (topic, value) -> value == null ? null : Framing.frame(schemaId, plain.serialize(topic, value));
  }
}
