package io.github.irls.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.demo.Simulator;
import io.github.irls.testing.AppFixture;
import io.github.irls.testing.Await;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunningApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code GET /metrics}, {@code /health} and {@code /ready} of a running application on a broker. */
class MetricsIT extends KafkaIntegrationTest {

  private static final String SECRET = "s3cr3t-never-logged";

  @Test
  void shouldExposeEventsStepsDeadLettersModelsAndKafkaStreamsMetrics(@TempDir final Path state) throws Exception {
    // Given a running application with windows of 500 events, whose configuration carries a secret
    final AppFixture fixture = application("metrics", state).windowEvents(500)
        // unused by a PLAINTEXT listener, but passed to every client: it must never reach a log line
        .with("ssl.truststore.password", SECRET)
        .create();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    try (RunningApp app = fixture.start()) {
      assertThat(app.application().awaitRunning(Duration.ofSeconds(60))).isTrue();

      // When 1,000 events of one model and 3 with a label out of range arrive
      final Simulator.Truth truth = Simulator.demoModels().get(0);
      fixture.produceSimulated(truth, 5, 1000);
      final LabeledEvent bad = LabeledEvent.newBuilder().setFeatures(List.of(1.0, 2.0, 3.0)).setLabel(2.0).build();
      fixture.produce(truth.key(), List.of(bad, bad, bad));

      // Then /metrics counts them: 1,003 events consumed, 2 steps, 3 dead letters, 1 model (the
      // binder looks for new per-partition client metrics every 10 s)
      final String text = Await.until(() -> app.get("/metrics").body(),
          t -> value(t, "irls_steps_total") == 2.0 && value(t, "irls_events_consumed_total") == 1003.0
              && value(t, "irls_dead_letters{reason=\"LABEL_OUT_OF_RANGE\"}") == 3.0
              && value(t, "irls_models") == 1.0
              && value(t, "irls_models_logloss_z{le=\"+Inf\"}") == 1.0
              && t.contains("kafka_consumer_fetch_manager_records_lag{"));
      assertThat(value(text, "irls_events_consumed_total")).isEqualTo(1003.0);
      assertThat(value(text, "irls_steps_total")).isEqualTo(2.0);
      // every step also lands in the latency histogram, fed by the topology's step listener
      assertThat(value(text, "irls_step_latency_seconds_count")).isEqualTo(2.0);
      assertThat(value(text, "irls_dead_letters{reason=\"LABEL_OUT_OF_RANGE\"}")).isEqualTo(3.0);
      assertThat(value(text, "irls_dead_letters{reason=\"NULL_KEY\"}")).isEqualTo(0.0);
      assertThat(value(text, "irls_dead_letters_sent_total")).isEqualTo(3.0);
      assertThat(value(text, "irls_models")).isEqualTo(1.0);
      // And the model's drift distribution: its last window (the second, scored by the first's
      // coefficients) has a z, within 4 of 0 for this steady model, and it is not flagged
      assertThat(value(text, "irls_models_logloss_z{le=\"+Inf\"}")).isEqualTo(1.0);
      assertThat(value(text, "irls_models_logloss_z{le=\"4\"}")).isEqualTo(1.0);
      assertThat(value(text, "irls_models_drift_suspected")).isEqualTo(0.0);
      assertThat(value(text, "irls_streams_state{state=\"RUNNING\"}")).isEqualTo(1.0);
      assertThat(value(text, "irls_streams_state{state=\"ERROR\"}")).isEqualTo(0.0);
      assertThat(text).contains("# TYPE irls_events_per_second gauge", "# TYPE irls_steps_total counter");
      // And the Kafka Streams client metrics through the binder
      assertThat(text).containsPattern("(?m)^kafka_stream_thread_process_total\\{");
      assertThat(text).containsPattern("(?m)^kafka_consumer_fetch_manager_records_lag\\{");

      // And the probes agree with the state
      assertThat(app.get("/health").statusCode()).isEqualTo(200);
      assertThat(app.get("/ready").statusCode()).isEqualTo(200);
    } finally {
      root.detachAppender(logs);
    }
    // And the configuration was logged with the secret hidden
    assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
        .startsWith("Configuration: ").contains("ssl.truststore.password=[hidden]"));
    assertThat(logs.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(SECRET));
  }

  /** The value of the sample {@code series} (name plus labels, as printed up to the value). */
  static double value(final String text, final String series) {
    final String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
    final String labels = series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
    final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{([^}]*)})? (\\S+)$").matcher(text);
    while (m.find()) {
      final String found = m.group(2) == null ? "" : m.group(2);
      if (labels.isEmpty() || found.contains(labels)) {
        return Double.parseDouble(m.group(3));
      }
    }
    return Double.NaN;
  }
}
