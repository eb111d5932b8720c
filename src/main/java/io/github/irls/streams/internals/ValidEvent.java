package io.github.irls.streams.internals;

import io.github.irls.avro.LabeledEvent;

/**
 * An event that passed validation, with the bytes it arrived as (for a later dead letter: the
 * feature count is checked against the key's state by the fitting processor).
 *
 * @param rawValue the record value as received
 * @param event the decoded event
 * @param time the event time: {@code event_time} when present, else the record timestamp
 */
public record ValidEvent(byte[] rawValue, LabeledEvent event, long time) implements FitInput {}
