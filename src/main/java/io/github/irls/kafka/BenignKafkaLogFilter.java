package io.github.irls.kafka;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops one known-benign pair of log lines: with transactions v2 (Kafka 4) a broker answers a
 * transactional producer's first batch after an epoch bump with a retriable {@code
 * OUT_OF_ORDER_SEQUENCE_NUMBER} (KAFKA-18202) and logs it at ERROR, and the client logs its retry at
 * WARN. The retry succeeds; the exactly-once tests check that nothing is lost or duplicated. Every
 * other line passes.
 */
public final class BenignKafkaLogFilter extends Filter<ILoggingEvent> {

  @Override
  public FilterReply decide(final ILoggingEvent event) {
    final String logger = event.getLoggerName();
    if ("kafka.server.ReplicaManager".equals(logger) && causedByOutOfOrderSequence(event.getThrowableProxy())) {
      return FilterReply.DENY;
    }
    if (logger != null
        && logger.startsWith("org.apache.kafka.clients.producer.internals.Sender")
        && event.getFormattedMessage() != null
        && event.getFormattedMessage().contains("OUT_OF_ORDER_SEQUENCE_NUMBER")) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  private static boolean causedByOutOfOrderSequence(final IThrowableProxy throwable) {
    for (IThrowableProxy t = throwable; t != null; t = t.getCause()) {
      if (t.getClassName().endsWith("OutOfOrderSequenceException")) {
        return true;
      }
    }
    return false;
  }
}
