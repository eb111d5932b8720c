package io.github.irls.streams;

/**
 * Told about every step the fitting processor takes (a closed window fitted and published), e.g. to
 * feed a latency histogram. Called on the stream thread: implementations must be quick and must not
 * throw.
 */
@FunctionalInterface
public interface StepListener {

  /** Listens to nothing. */
  StepListener NONE = (modelKey, nanos) -> { };

  /** One step of {@code modelKey} took {@code nanos} of wall-clock time, fit and publication. */
  void stepTaken(String modelKey, long nanos);
}
