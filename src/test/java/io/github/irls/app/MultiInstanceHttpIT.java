package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.Simulator;
import io.github.irls.serde.EventFormat;
import io.github.irls.testing.KafkaIntegrationTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of one application in one JVM: every model answers on both (forwarded to the
 * instance hosting it), scores and draws the same on both with the interval of its stored
 * covariance, a Thompson choice among all of them is the same on both, and {@code GET /models}
 * lists the keys of both.
 */
class MultiInstanceHttpIT extends KafkaIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KEYS = 6;
  private static final int WINDOW = 200;
  private static final int EVENTS_PER_KEY = 2 * WINDOW;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void shouldAnswerEveryModelOnEveryInstance(@TempDir final Path stateA, @TempDir final Path stateB)
      throws Exception {
    // Given two running instances of one application over 4 partitions, each with its own state
    final String id = "multi-" + UUID.randomUUID().toString().substring(0, 8);
    final IrlsConfig configA = config(id, stateA);
    final IrlsConfig configB = config(id, stateB);
    try (IrlsApplication a = IrlsApplication.start(configA);
        IrlsApplication b = IrlsApplication.start(configB)) {
      awaitBothRunning(a, b);
      final String baseA = a.httpAddress().orElseThrow();
      final String baseB = b.httpAddress().orElseThrow();

      // When a handful of keys receive enough events to close two windows each
      final Simulator simulator = new Simulator(Simulator.randomModels(KEYS, 3, 11), 5);
      final Serializer<LabeledEvent> serializer = EventFormat.AVRO.serde().serializer();
      try (Producer<String, byte[]> producer = KafkaIo.eventProducer(configA.clientProperties())) {
        for (int i = 0; i < EVENTS_PER_KEY; i++) {
          for (int k = 0; k < KEYS; k++) {
            final Simulator.Event e = simulator.next(k);
            final List<Double> x = new ArrayList<>();
            for (final double v : e.features()) {
              x.add(v);
            }
            final LabeledEvent event = LabeledEvent.newBuilder().setFeatures(x).setLabel(e.label()).build();
            producer.send(new ProducerRecord<>(configA.inputTopic(), e.key(), serializer.serialize("", event)));
          }
        }
      }
      final List<String> keys = simulator.truths().stream().map(Simulator.Truth::key).sorted().toList();
      awaitVersion(baseA, keys, EVENTS_PER_KEY / WINDOW, Duration.ofSeconds(60));

      // Then every key answers 200 with the same version and coefficients on both instances
      for (final String key : keys) {
        final HttpResponse<String> fromA = get(baseA + modelPath(key));
        final HttpResponse<String> fromB = get(baseB + modelPath(key));
        assertThat(fromA.statusCode()).as("%s on A", key).isEqualTo(200);
        assertThat(fromB.statusCode()).as("%s on B", key).isEqualTo(200);
        final JsonNode modelA = JSON.readTree(fromA.body());
        final JsonNode modelB = JSON.readTree(fromB.body());
        assertThat(modelA.get("model").asText()).isEqualTo(key);
        assertThat(modelA.get("version").asLong()).isEqualTo(EVENTS_PER_KEY / WINDOW);
        assertThat(modelB.get("version").asLong()).isEqualTo(modelA.get("version").asLong());
        assertThat(modelB.get("coefficients")).isEqualTo(modelA.get("coefficients"));
        assertThat(modelA.has("stale")).isFalse();
        assertThat(get(baseB + modelPath(key) + "/history").statusCode()).isEqualTo(200);
      }

      // And every key scores the same on both instances, its eta_se^2 equal to x~' P^-1 x~ of the
      // covariance the store's precision gives (publish.covariance) to 1e-12, and draws the same
      final double[] x = {0.75, -1.5, 2.0};
      for (final String key : keys) {
        final String score = "{\"features\": [" + java.util.Arrays.toString(x) + "]}";
        final HttpResponse<String> scoreA = post(baseA + modelPath(key) + "/score", score);
        final HttpResponse<String> scoreB = post(baseB + modelPath(key) + "/score", score);
        assertThat(scoreA.statusCode()).as("score of %s on A", key).isEqualTo(200);
        assertThat(scoreB.body()).as("score of %s on B", key).isEqualTo(scoreA.body());
        final JsonNode covariance = JSON.readTree(get(baseA + modelPath(key)).body()).get("covariance");
        final double[] x1 = {1, x[0], x[1], x[2]};
        double variance = 0;
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 4; j++) {
            variance += x1[i] * covariance.get(4 * i + j).asDouble() * x1[j];
          }
        }
        final double se = JSON.readTree(scoreA.body()).get("scores").get(0).get("eta_se").asDouble();
        assertThat(se * se).as("eta_se^2 of %s", key).isCloseTo(variance, org.assertj.core.api.Assertions.within(1e-12 * variance));
        final String sample = modelPath(key) + "/sample?n=3&seed=17";
        assertThat(get(baseB + sample).body()).as("draws of %s", key).isEqualTo(get(baseA + sample).body());
      }
      final String choose = "{\"context\": [0.5, 1.0, -0.5], \"prefix\": \"model-\", \"seed\": 5}";
      final HttpResponse<String> choiceA = post(baseA + "/choose", choose);
      assertThat(choiceA.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(choiceA.body()).get("arms")).hasSize(KEYS);
      assertThat(post(baseB + "/choose", choose).body()).isEqualTo(choiceA.body());

      // And each instance hosts some of the keys, yet GET /models on each lists them all
      final TreeSet<String> localA = listed(baseA + "/models?local=true");
      final TreeSet<String> localB = listed(baseB + "/models?local=true");
      assertThat(localA).isNotEmpty();
      assertThat(localB).isNotEmpty();
      assertThat(listed(baseA + "/models")).containsExactlyElementsOf(keys);
      assertThat(listed(baseB + "/models")).containsExactlyElementsOf(keys);

      // And paging runs over the merged list
      final JsonNode firstPage = JSON.readTree(get(baseB + "/models?limit=4").body());
      assertThat(firstPage.get("models")).hasSize(4);
      assertThat(firstPage.get("next").asText()).isEqualTo("/models?offset=4&limit=4");
      final TreeSet<String> secondPage = listed(baseA + "/models?offset=4&limit=4");
      assertThat(secondPage).containsExactlyElementsOf(keys.subList(4, KEYS));

      // And the merged list is searched (ignoring case), counted and sorted across both instances
      final JsonNode search = JSON.readTree(get(baseA + "/models?q=" + keys.get(2).toUpperCase(Locale.ROOT)).body());
      assertThat(search.get("total").asInt()).isEqualTo(1);
      assertThat(inOrder(search)).containsExactly(keys.get(2));
      final JsonNode descending = JSON.readTree(get(baseB + "/models?sort=key&order=desc&limit=4").body());
      assertThat(descending.get("total").asInt()).isEqualTo(KEYS);
      final List<String> reversed = new ArrayList<>(keys);
      Collections.reverse(reversed);
      assertThat(inOrder(descending)).containsExactlyElementsOf(reversed.subList(0, 4));
      assertThat(descending.get("next").asText()).isEqualTo("/models?offset=4&limit=4&sort=key&order=desc");
      // every key has the same events total, so the tie falls back to the key order
      assertThat(inOrder(JSON.readTree(get(baseA + "/models?sort=events").body()))).containsExactlyElementsOf(keys);
    }
  }

  private IrlsConfig config(final String id, final Path state) {
    final Map<String, Object> props = new HashMap<>();
    props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(IrlsConfig.APPLICATION_ID_CONFIG, id);
    props.put(IrlsConfig.INPUT_TOPIC_CONFIG, id + ".events");
    props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, id + ".coefficients");
    props.put(IrlsConfig.DLQ_TOPIC_CONFIG, id + ".dlq");
    props.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, id + ".specs");
    props.put(IrlsConfig.TOPIC_PARTITIONS_CONFIG, 4);
    props.put(IrlsConfig.WINDOW_EVENTS_CONFIG, (long) WINDOW);
    props.put(IrlsConfig.WINDOW_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.IDLE_CLOSE_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.COMMIT_INTERVAL_MS_CONFIG, 200L);
    props.put(IrlsConfig.HTTP_PORT_CONFIG, 0);
    props.put(IrlsConfig.STATE_DIR_CONFIG, state.toString());
    props.put(IrlsConfig.PUBLISH_COVARIANCE_CONFIG, true);
    return new IrlsConfig(props);
  }

  /** Both RUNNING and each knowing both members. */
  private static void awaitBothRunning(final IrlsApplication a, final IrlsApplication b) throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    while (System.nanoTime() < deadline) {
      if (a.state() == KafkaStreams.State.RUNNING && b.state() == KafkaStreams.State.RUNNING
          && a.streams().metadataForAllStreamsClients().size() == 2
          && b.streams().metadataForAllStreamsClients().size() == 2) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the two instances were not both RUNNING within 45 s: " + a.state() + ", " + b.state());
  }

  private void awaitVersion(final String base, final List<String> keys, final long version, final Duration timeout)
      throws Exception {
    final long deadline = System.nanoTime() + timeout.toNanos();
    final List<String> waiting = new ArrayList<>(keys);
    while (!waiting.isEmpty() && System.nanoTime() < deadline) {
      final HttpResponse<String> r = get(base + modelPath(waiting.get(0)));
      if (r.statusCode() == 200 && JSON.readTree(r.body()).get("version").asLong() >= version) {
        waiting.remove(0);
      } else {
        Thread.sleep(200);
      }
    }
    assertThat(waiting).as("keys without version %d after %s", version, timeout).isEmpty();
  }

  private TreeSet<String> listed(final String url) throws Exception {
    final HttpResponse<String> r = get(url);
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    final TreeSet<String> keys = new TreeSet<>();
    for (final JsonNode m : JSON.readTree(r.body()).get("models")) {
      keys.add(m.get("model").asText());
    }
    return keys;
  }

  private static List<String> inOrder(final JsonNode page) {
    final List<String> keys = new ArrayList<>();
    for (final JsonNode m : page.get("models")) {
      keys.add(m.get("model").asText());
    }
    return keys;
  }

  private static String modelPath(final String key) {
    return "/models/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpResponse<String> post(final String url, final String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(final String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
