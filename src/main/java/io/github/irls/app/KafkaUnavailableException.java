package io.github.irls.app;

/**
 * Kafka could not be reached or refused what the application needs (topics, a group). Its message
 * is meant for the user as it is: one sentence naming the brokers and what to check.
 */
public final class KafkaUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public KafkaUnavailableException(final String message, final Throwable cause) {
    super(message, cause);
  }

  public KafkaUnavailableException(final String message) {
    super(message);
  }
}
