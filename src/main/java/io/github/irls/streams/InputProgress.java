package io.github.irls.streams;

import java.util.OptionalLong;

/**
 * What the topology may know of its input beyond the records it has read: whether a partition of
 * the events topic is caught up. The one rule that lets wall-clock time close a window depends on
 * it (see {@link IrlsTopology}): while this says nothing, windows close by their records alone.
 */
@FunctionalInterface
public interface InputProgress {

  /** Nothing is ever confirmed: windows close by count, by event time and by stream-time idleness only. */
  InputProgress UNKNOWN = partition -> OptionalLong.empty();

  /**
   * Since when (wall-clock ms) partition {@code partition} of the events topic has been confirmed,
   * by the broker and without interruption, to hold no record the application has not processed;
   * empty while that is not confirmed (records are waiting, the broker cannot be asked, or the last
   * confirmation is not recent, as after a pause of the process).
   */
  OptionalLong caughtUpSince(int partition);
}
