package io.github.irls.streams;

import io.github.irls.serde.EventDecodingException;

/**
 * Why an event went to the dead-letter topic. The names are stable: they are the value of the
 * {@value IrlsTopology#HEADER_REASON} header and the keys of the {@value
 * IrlsTopology#DEAD_LETTER_COUNTS_STORE} store.
 */
public enum DeadLetterReason {
  /** The record has no key, so it belongs to no model. */
  NULL_KEY,
  /** The key is not valid UTF-8, so it cannot name a model unambiguously. */
  INVALID_KEY,
  /** The key is longer than {@link #MAX_KEY_BYTES} bytes: no model key is that long. */
  KEY_TOO_LONG,
  /** The record has no value. */
  MISSING_VALUE,
  /** The value is not Avro binary of {@code LabeledEvent}. */
  UNDECODABLE_AVRO,
  /** The value is not a JSON event of the documented shape. */
  UNDECODABLE_JSON,
  /**
   * With {@code input.format=registry-avro}: the value does not start with a schema registry's
   * framing (magic byte 0 and a 4-byte schema id).
   */
  NOT_REGISTRY_FRAMED,
  /** With {@code input.format=registry-avro}: the schema registry has no schema with the value's schema id (404). */
  UNKNOWN_SCHEMA_ID,
  /**
   * With {@code input.format=registry-avro}: the writer schema of the value's schema id cannot be
   * resolved to {@code LabeledEvent} (e.g. it has no label, or a feature is a string), or is not an
   * Avro schema.
   */
  INCOMPATIBLE_SCHEMA,
  /** A feature is NaN or infinite. */
  NON_FINITE_FEATURE,
  /** The label is NaN or infinite. */
  NON_FINITE_LABEL,
  /** The label is outside [0, 1]. */
  LABEL_OUT_OF_RANGE,
  /** The weight is negative, NaN or infinite. */
  INVALID_WEIGHT,
  /** The offset is NaN or infinite. */
  NON_FINITE_OFFSET,
  /** The event time is before the epoch (Kafka timestamps cannot be negative). */
  INVALID_EVENT_TIME,
  /** More features than the topology accepts (the d x d state would not fit). */
  TOO_MANY_FEATURES,
  /**
   * The number of features differs from the one fixed by the key's first event (an event's), or
   * from the key's model (a scoring request's).
   */
  WRONG_FEATURE_COUNT,
  /** A model-spec value is not Avro binary of {@code ModelSpec}. */
  UNDECODABLE_SPEC,
  /**
   * A model spec with a value out of range: negative or non-finite lambda or lambda_intercept, gamma
   * outside (0, 1], window_events or window_ms below 1, or feature names that are empty, blank,
   * duplicated, too long or too many.
   */
  INVALID_SPEC,
  /** A model spec names a different number of features than the key's events have. */
  SPEC_WRONG_FEATURE_COUNT,
  /**
   * A value on the scoring input topic is not a {@code ScoringRequest} in {@code
   * scoring.input.format} (Avro binary, or a JSON request of the documented shape).
   */
  UNDECODABLE_SCORING_REQUEST,
  /**
   * A scoring request has no {@code request_id}: empty or blank, or in JSON null or absent, so that
   * its answer could not be matched to it.
   */
  MISSING_REQUEST_ID,
  /**
   * The key's stored model cannot score a request: its precision cannot be factored even with a
   * ridge (a non-finite value, which the fitter never stores).
   */
  MODEL_NOT_SCORABLE,
  /**
   * A scoring request's features are so large that its linear predictor or the standard error
   * overflows a double: no finite prediction can be given.
   */
  SCORE_OVERFLOW;

  /** The longest model key accepted, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  /** The reason for a decoding failure; an unknown decoding reason maps to {@code fallback}. */
  public static DeadLetterReason of(
      final EventDecodingException.Reason reason, final DeadLetterReason fallback) {
    for (final DeadLetterReason r : values()) {
      if (r.name().equals(reason.name())) {
        return r;
      }
    }
    return fallback;
  }
}
