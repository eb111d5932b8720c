package io.github.irls.streams.internals;

import io.github.irls.streams.DeadLetterReason;
import java.util.Optional;

/** The one check of a model key, shared by the event and the model-spec sources. */
final class ModelKeys {

  private ModelKeys() {}

  /**
   * Why {@code key} cannot name a model, if it cannot; {@code what} names the record in the message
   * (e.g. "record", "model spec"). The rejection carries {@code rawValue} to the dead-letter topic.
   */
  static Optional<Rejection> problem(final byte[] key, final byte[] rawValue, final String what) {
    if (key == null) {
      return Optional.of(new Rejection(rawValue, DeadLetterReason.NULL_KEY,
          "The " + what + " has no key; the key names the model"));
    }
    if (key.length > DeadLetterReason.MAX_KEY_BYTES) {
      return Optional.of(new Rejection(rawValue, DeadLetterReason.KEY_TOO_LONG, "The " + what + " key has "
          + key.length + " bytes; at most " + DeadLetterReason.MAX_KEY_BYTES + " are accepted"));
    }
    if (!Utf8.isValid(key)) {
      return Optional.of(new Rejection(rawValue, DeadLetterReason.INVALID_KEY,
          "The " + what + " key is not valid UTF-8"));
    }
    return Optional.empty();
  }
}
