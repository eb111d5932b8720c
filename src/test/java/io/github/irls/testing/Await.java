package io.github.irls.testing;

import java.time.Duration;
import java.util.function.Predicate;

/** Polling for what a running application makes true eventually, with a deadline instead of a fixed sleep. */
public final class Await {

  /** How long the integration tests wait for an application to get somewhere (a slow, shared machine). */
  public static final Duration PATIENCE = Duration.ofSeconds(90);

  private static final Duration POLL = Duration.ofMillis(200);

  /** Something to look at again, which may fail the way I/O does. */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  private Await() {}

  /**
   * Asks {@code probe} until {@code done} accepts its answer or {@code timeout} has passed.
   *
   * @return the last answer: accepted, or the one seen when time ran out (the caller's assertions say what is wrong)
   */
  public static <T> T until(final Duration timeout, final Probe<T> probe, final Predicate<T> done) throws Exception {
    final long deadline = System.nanoTime() + timeout.toNanos();
    T last = probe.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(POLL.toMillis());
      last = probe.get();
    }
    return last;
  }

  /** {@link #until(Duration, Probe, Predicate)} with {@link #PATIENCE}. */
  public static <T> T until(final Probe<T> probe, final Predicate<T> done) throws Exception {
    return until(PATIENCE, probe, done);
  }
}
