package io.github.irls.serde;

import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record value that cannot be decoded. Carries a stable {@link Reason} so that the topology can
 * name the error in a dead-letter header without parsing messages.
 *
 * <p>Extends Kafka's {@link SerializationException} so that Kafka's own deserialisation error
 * handling recognises it.
 */
public final class EventDecodingException extends SerializationException {

  private static final long serialVersionUID = 1L;

  /** Why a value could not be decoded; the names are stable and appear in dead-letter headers. */
  public enum Reason {
    /** The record has no value (null bytes) where a value is required. */
    MISSING_VALUE,
    /** The bytes are not a valid Avro binary encoding of the expected schema. */
    UNDECODABLE_AVRO,
    /** The bytes are not a JSON object of the documented shape. */
    UNDECODABLE_JSON,
    /** Expected a schema registry's framing (magic byte 0, a 4-byte schema id) and found none. */
    NOT_REGISTRY_FRAMED,
    /** The schema registry has no schema with the record's schema id. */
    UNKNOWN_SCHEMA_ID,
    /** The record's writer schema cannot be read as the expected schema (Avro schema resolution). */
    INCOMPATIBLE_SCHEMA,
  }

  private final Reason reason;

  public EventDecodingException(final Reason reason, final String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public EventDecodingException(final Reason reason, final String message, final Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The stable reason code. */
  public Reason reason() {
    return reason;
  }
}
