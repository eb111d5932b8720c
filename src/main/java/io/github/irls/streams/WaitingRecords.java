package io.github.irls.streams;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The records that the tasks of this instance hold back until the schema registry can supply
 * their writer schema (input format {@code registry-avro}), by partition: for readiness and
 * metrics, and so that the end-of-data rule never takes held records for a caught-up input.
 * Written by the topology's gate processors, read by anyone; thread-safe.
 */
public final class WaitingRecords {

  private final Map<Integer, Long> held = new ConcurrentHashMap<>();
  private final Map<Integer, Long> releasedAtMs = new ConcurrentHashMap<>();

  /** Records held back by the tasks of this instance. */
  public long total() {
    return held.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Records held back by the task of events partition {@code partition}. */
  private long held(final int partition) {
    return held.getOrDefault(partition, 0L);
  }

  /** The task of {@code partition} holds {@code count} records (0 when it released them all at {@code nowMs}). */
  public void set(final int partition, final long count, final long nowMs) {
    if (count > 0) {
      held.put(partition, count);
    } else if (held.remove(partition) != null) {
      releasedAtMs.put(partition, nowMs);
    }
  }

  /** The task of {@code partition} left this instance (its records are held wherever it went). */
  public void forget(final int partition) {
    held.remove(partition);
  }

  /**
   * {@code progress} that confirms no partition while its task holds records back, and counts a
   * caught-up streak only from the moment its held records were all released.
   */
  public InputProgress guard(final InputProgress progress) {
    return partition -> {
      if (held(partition) > 0) {
        return OptionalLong.empty();
      }
      final OptionalLong since = progress.caughtUpSince(partition);
      final Long released = releasedAtMs.get(partition);
      return since.isEmpty() || released == null ? since : OptionalLong.of(Math.max(since.getAsLong(), released));
    };
  }
}
