package io.github.irls.streams.internals;

import io.github.irls.serde.EventBuffer;

/**
 * An event that passed validation, with the bytes it arrived as (for a later dead letter: the
 * feature count is checked against the key's state by the fitting processor). One instance is
 * reused by the validating processor for every event: the fitting processor reads it before the
 * next event is decoded, since forwarding is synchronous.
 */
public final class ValidEvent implements FitInput {

  private final EventBuffer event;
  private byte[] rawValue;
  private long time;

  /** A carrier of the events decoded into {@code event}. */
  public ValidEvent(final EventBuffer event) {
    this.event = event;
  }

  /** Points this carrier at the current event: its raw value and its time. Returns this. */
  public ValidEvent set(final byte[] rawValue, final long time) {
    this.rawValue = rawValue;
    this.time = time;
    return this;
  }

  /** The record value as received. */
  public byte[] rawValue() {
    return rawValue;
  }

  /** The decoded event (valid until the next event). */
  public EventBuffer event() {
    return event;
  }

  /** The event time: {@code event_time} when present, else the record timestamp. */
  public long time() {
    return time;
  }
}
