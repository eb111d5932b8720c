package io.github.irls.streams.internals;

import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;

/**
 * When open windows become idle, in due order, so that the idle check finds the due keys directly
 * instead of reading every key's window. At most one entry per key: a key's entry is added when its
 * window opens and, when it comes due while the key has been active since, put back at the key's
 * actual deadline. Nothing is added per event.
 */
final class IdleDeadlines {

  private record Entry(long due, byte[] key) {}

  private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> Long.compare(a.due, b.due));
  private final Set<Bytes> queued = new HashSet<>();

  /** Makes sure {@code key} is looked at by {@code due} at the latest (a no-op if it is queued already). */
  void watch(final byte[] key, final long due) {
    if (queued.add(Bytes.wrap(key))) {
      queue.add(new Entry(due, key));
    }
  }

  /**
   * Hands every key due at {@code now} to {@code check}, which closes the key's window if it is
   * idle and returns the key's next deadline, or a value below zero when the key needs no watching
   * (its window is closed or empty); a later deadline puts the key back.
   */
  void pollDue(final long now, final KeyCheck check) {
    while (!queue.isEmpty() && queue.peek().due <= now) {
      final Entry e = queue.poll();
      queued.remove(Bytes.wrap(e.key));
      final long next = check.dueOrClose(e.key);
      if (next >= 0) {
        watch(e.key, next);
      }
    }
  }

  /** Forgets every entry (a task restarting rebuilds them from its store). */
  void clear() {
    queue.clear();
    queued.clear();
  }

  int size() {
    return queue.size();
  }

  /** What {@link #pollDue} asks of a due key. */
  @FunctionalInterface
  interface KeyCheck {
    /** Closes the key's window if idle; returns its next deadline, or -1 when there is none. */
    long dueOrClose(byte[] key);
  }
}
