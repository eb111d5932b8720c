package io.github.irls.streams.internals;

import io.github.irls.streams.DeadLetterReason;

/**
 * A record on its way to the dead-letter topic: its value as received and why.
 *
 * @param rawValue the record value as received (may be null)
 * @param reason the stable reason code
 * @param message a human explanation
 */
public record Rejection(byte[] rawValue, DeadLetterReason reason, String message)
    implements Routed, FitOutput {}
