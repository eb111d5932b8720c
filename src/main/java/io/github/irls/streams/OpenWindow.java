package io.github.irls.streams;

/**
 * A key's open (not yet closed) step window, as kept in the {@value IrlsTopology#WINDOWS_STORE}
 * store. A key whose window is empty has {@code events == 0}.
 *
 * @param modelKey the model key
 * @param features the number of features fixed by the key's first event
 * @param start event time of the window's first event
 * @param end latest event time in the window
 * @param events events in the window so far
 * @param weight sum of their weights
 * @param lateEvents of those, events older than the start by more than the grace period
 * @param lastActivity the task's stream time (the latest event time its partition has shown) when
 *     the key's last event was folded in: the window is idle once stream time passes this plus
 *     {@code idle.close.ms}
 */
public record OpenWindow(
    String modelKey,
    int features,
    long start,
    long end,
    long events,
    double weight,
    long lateEvents,
    long lastActivity) {

  /** Whether the window holds events that a close would fold into the model. */
  public boolean isOpen() {
    return events > 0;
  }
}
