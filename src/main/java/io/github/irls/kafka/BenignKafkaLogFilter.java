package io.github.irls.kafka;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops known-benign Kafka log lines that a user can do nothing about, so that what {@code run} and
 * {@code demo} print is worth reading:
 *
 * <ul>
 *   <li>with transactions v2 (Kafka 4) a broker answers a transactional producer's first batch
 *       after an epoch bump with a retriable {@code OUT_OF_ORDER_SEQUENCE_NUMBER} (KAFKA-18202) and
 *       logs it at ERROR, and the client logs its retry at WARN. The retry succeeds; the
 *       exactly-once tests check that nothing is lost or duplicated;
 *   <li>the embedded broker's controller says at WARN, on its first start, that it activates an
 *       empty metadata log: it was just formatted;
 *   <li>the embedded broker's shutdown closes one network client twice and says so at WARN.
 * </ul>
 *
 * Every other line passes.
 */
public final class BenignKafkaLogFilter extends Filter<ILoggingEvent> {

  @Override
  public FilterReply decide(final ILoggingEvent event) {
    final String logger = event.getLoggerName();
    if ("kafka.server.ReplicaManager".equals(logger) && causedByOutOfOrderSequence(event.getThrowableProxy())) {
      return FilterReply.DENY;
    }
    if (logger == null || event.getFormattedMessage() == null) {
      return FilterReply.NEUTRAL;
    }
    final String message = event.getFormattedMessage();
    if (logger.startsWith("org.apache.kafka.clients.producer.internals.Sender")
        && message.contains("OUT_OF_ORDER_SEQUENCE_NUMBER")) {
      return FilterReply.DENY;
    }
    if (logger.equals("org.apache.kafka.controller.QuorumController")
        && message.contains("Performing controller activation. The metadata log appears to be empty")) {
      return FilterReply.DENY;
    }
    if (logger.equals("org.apache.kafka.clients.NetworkClient")
        && message.contains("Attempting to close NetworkClient that has already been closed")) {
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
