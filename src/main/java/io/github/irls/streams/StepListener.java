package io.github.irls.streams;

/**
 * Told about every step the fitting processor takes (a closed window fitted and published), e.g. to
 * feed a latency histogram, and about every event it skips as already applied. Called on the stream thread: implementations must be quick and must not
 * throw.
 */
@FunctionalInterface
public interface StepListener {

  /** Listens to nothing. */
  StepListener NONE = (modelKey, nanos) -> { };

  /** One step of {@code modelKey} took {@code nanos} of wall-clock time, fit and publication. */
  void stepTaken(String modelKey, long nanos);

  /**
   * An event of the events partition {@code partition} was skipped because the state already held
   * its effect (it had been committed without the input offset that covers it). Exactly-once makes
   * this rare; each one is an event that would otherwise have been counted twice.
   */
  default void eventAlreadyApplied(final int partition) {}
}
