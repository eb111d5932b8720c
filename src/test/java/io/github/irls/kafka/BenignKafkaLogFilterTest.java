package io.github.irls.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

class BenignKafkaLogFilterTest {

  private final LoggerContext context = new LoggerContext();
  private final BenignKafkaLogFilter filter = new BenignKafkaLogFilter();

  @Test
  void shouldDropTheBrokersRetriableOutOfOrderSequenceError() {
    // Given the broker's ERROR line for a transactions-v2 sequence reset
    final LoggingEvent event = event("kafka.server.ReplicaManager", Level.ERROR, "Error processing append operation",
        new OutOfOrderSequenceException("Expected sequence 0"));

    // When / Then it is dropped
    assertThat(filter.decide(event)).isEqualTo(FilterReply.DENY);
  }

  @Test
  void shouldKeepEveryOtherBrokerError() {
    // Given another broker error, and the same logger without that cause
    final LoggingEvent other = event("kafka.server.ReplicaManager", Level.ERROR, "Error processing append operation",
        new IllegalStateException("disk full"));
    final LoggingEvent app = event("io.github.irls.app.IrlsApplication", Level.ERROR, "stream thread died", null);

    // When / Then both pass
    assertThat(filter.decide(other)).isEqualTo(FilterReply.NEUTRAL);
    assertThat(filter.decide(app)).isEqualTo(FilterReply.NEUTRAL);
  }

  private LoggingEvent event(final String logger, final Level level, final String message, final Throwable t) {
    return new LoggingEvent("test", context.getLogger(logger), level, message, t, null);
  }
}
