package io.github.irls.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.config.IrlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IrlsMetricsTest {

  private record Value(MetricName metricName, Object metricValue) implements Metric {}

  private static void put(final Map<MetricName, Metric> metrics, final String group, final String name,
      final String client, final String topic, final double value) {
    final MetricName id = new MetricName(name, group, "", Map.of("client-id", client, "topic", topic));
    metrics.put(id, new Value(id, value));
  }

  @Test
  void shouldSumOverClientsForTheTopicOnly() {
    // Given two consumers' counts for irls.events and one for another topic
    final Map<MetricName, Metric> metrics = new HashMap<>();
    put(metrics, "consumer-fetch-manager-metrics", "records-consumed-total", "t1", "irls.events", 10);
    put(metrics, "consumer-fetch-manager-metrics", "records-consumed-total", "t2", "irls.events", 5);
    put(metrics, "consumer-fetch-manager-metrics", "records-consumed-total", "t1", "irls.model-specs", 7);
    put(metrics, "producer-topic-metrics", "record-send-total", "t1", "irls.events", 100);

    // When the events topic is summed
    final double sum = IrlsMetrics.kafkaSum(metrics, "consumer-fetch-manager-metrics", "records-consumed-total",
        "irls.events");

    // Then only the two consumers' counts of that topic count
    assertThat(sum).isEqualTo(15.0);
  }

  @Test
  void shouldPreferTheExactTopicTagOverTheLegacyOne() {
    // Given a consumer that reports its topic both as irls_events (legacy) and irls.events
    final Map<MetricName, Metric> metrics = new HashMap<>();
    put(metrics, "consumer-fetch-manager-metrics", "records-consumed-total", "t1", "irls_events", 10);
    put(metrics, "consumer-fetch-manager-metrics", "records-consumed-total", "t1", "irls.events", 10);

    // When / Then the topic is counted once
    assertThat(IrlsMetrics.kafkaSum(metrics, "consumer-fetch-manager-metrics", "records-consumed-total",
        "irls.events")).isEqualTo(10.0);
  }

  @Test
  void shouldFallBackToTheLegacyTopicTag() {
    // Given a consumer that reports only the legacy tag
    final Map<MetricName, Metric> metrics = new HashMap<>();
    put(metrics, "consumer-fetch-manager-metrics", "records-consumed-total", "t1", "irls_events", 12);

    // When / Then it is used
    assertThat(IrlsMetrics.kafkaSum(metrics, "consumer-fetch-manager-metrics", "records-consumed-total",
        "irls.events")).isEqualTo(12.0);
  }

  @Test
  void shouldPublishTheStepLatencyHistogramOnceAStepIsRecorded(@TempDir final Path state) {
    // Given metrics bound to a Kafka Streams instance that was never started
    final IrlsConfig config = config(state);
    final KafkaStreams streams = unstarted(config);
    try (IrlsMetrics metrics = IrlsMetrics.bind(streams, config)) {
      final String before = metrics.scrape();

      // When two steps of 5 ms and 2 s are recorded
      metrics.recordStep(Duration.ofMillis(5));
      metrics.recordStep(Duration.ofSeconds(2));
      final String after = metrics.scrape();

      // Then there is no histogram before, and a histogram of two steps after; the state is CREATED
      assertThat(before).doesNotContain("irls_step_latency_seconds");
      assertThat(after).contains("# TYPE irls_step_latency_seconds histogram")
          .contains("irls_step_latency_seconds_count 2")
          .containsPattern("irls_step_latency_seconds_sum 2\\.005");
      assertThat(after).contains("irls_streams_state{state=\"CREATED\"} 1.0", "irls_models 0.0",
          "irls_events_consumed_total{topic=\"irls.events\"} 0.0");
    } finally {
      streams.close(Duration.ofSeconds(10));
    }
  }

  @Test
  void shouldCountEventsSkippedAsAlreadyAppliedFromZero(@TempDir final Path state) {
    // Given metrics bound to a Kafka Streams instance that was never started
    final IrlsConfig config = config(state);
    final KafkaStreams streams = unstarted(config);
    try (IrlsMetrics metrics = IrlsMetrics.bind(streams, config)) {
      final String before = metrics.scrape();

      // When the topology reports three events it skipped as already applied
      for (int i = 0; i < 3; i++) {
        metrics.recordEventAlreadyApplied();
      }

      // Then the counter is there from the start at 0, and counts them
      assertThat(before).contains("irls_events_already_applied_total 0.0");
      assertThat(metrics.scrape()).contains("irls_events_already_applied_total 3.0");
    } finally {
      streams.close(Duration.ofSeconds(10));
    }
  }

  private static IrlsConfig config(final Path state) {
    return new IrlsConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "state.dir", state.toString()));
  }

  /** A Kafka Streams instance over a pass-through topology, never started. */
  private static KafkaStreams unstarted(final IrlsConfig config) {
    final Topology topology = new Topology();
    topology.addSource("in", "in");
    topology.addSink("out", "out", "in");
    return new KafkaStreams(topology, config.streamsProperties());
  }
}
