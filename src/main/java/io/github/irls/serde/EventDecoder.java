package io.github.irls.serde;

/**
 * Decodes event record values into an {@link EventBuffer}, allocating nothing per event (the
 * per-event path of the topology). Not thread-safe: one decoder per thread (e.g. per processor).
 */
public interface EventDecoder {

  /**
   * Decodes {@code bytes} into {@code into} (whose previous content is replaced).
   *
   * @throws EventDecodingException {@code MISSING_VALUE} for null bytes, {@code UNDECODABLE_AVRO} or
   *     {@code UNDECODABLE_JSON} for bytes that are not an event in this format
   */
  void decode(byte[] bytes, EventBuffer into);
}
