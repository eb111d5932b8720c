package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.config.IrlsConfig;
import io.github.irls.testing.AppFixture;
import io.github.irls.testing.Await;
import io.github.irls.testing.EvolvedEvents;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunningApp;
import io.github.irls.testing.StubSchemaRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema registry that cannot answer while framed events arrive, on a real broker: the records
 * wait (nothing is dead-lettered or published), {@code /ready} and the metrics say so, and once the
 * registry answers the application publishes exactly the updates of a run that never waited. The
 * registry is the in-JVM stub, which can be made to answer 503 on demand.
 */
class RegistryOutageIT extends KafkaIntegrationTest {

  private static final List<String> KEYS = List.of("a", "b", "c");
  private static final int PER_KEY = 200;
  private static final int WINDOW = 100;

  @Test
  void shouldWaitForTheRegistryAndThenPublishTheUndisturbedUpdates(@TempDir final Path state) throws Exception {
    try (StubSchemaRegistry stub = StubSchemaRegistry.start()) {
      // Given framed events whose schema the registry holds, and a registry answering 503
      final AppFixture plain = application("outage-plain", state.resolve("plain")).windowEvents(WINDOW).create();
      final AppFixture framed = application("outage-framed", state.resolve("framed")).windowEvents(WINDOW)
          .with(IrlsConfig.INPUT_FORMAT_CONFIG, "registry-avro")
          .with(IrlsConfig.SCHEMA_REGISTRY_URL_CONFIG, stub.url().toString())
          .with(IrlsConfig.SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG, 1_000L)
          .create();
      final int id = stub.register(framed.config().inputTopic() + "-value", EvolvedEvents.V2);
      final List<EvolvedEvents.Keyed> events = EvolvedEvents.sample(KEYS, PER_KEY, 5);
      plain.send(EvolvedEvents.plainRecords(plain.config().inputTopic(), events));
      framed.send(EvolvedEvents.framedRecords(framed.config().inputTopic(), id, events));
      stub.mode(StubSchemaRegistry.Mode.UNAVAILABLE);

      final int expectedUpdates = KEYS.size() * PER_KEY / WINDOW;
      final List<CoefficientUpdate> expected;
      try (RunningApp a = plain.start(); RunningApp b = framed.start()) {
        expected = sorted(Await.until(plain::updates, u -> u.size() >= expectedUpdates));

        // When the framed application has read every event while the registry is down
        final String metrics = Await.until(() -> b.get("/metrics").body(),
            m -> gauge(m, "irls_schema_registry_waiting_records") == events.size());

        // Then every event is held, none published or dead-lettered, and /ready says why
        assertThat(gauge(metrics, "irls_schema_registry_waiting_records")).isEqualTo(events.size());
        assertThat(gauge(metrics, "irls_schema_registry_unavailable")).isEqualTo(1);
        final HttpResponse<String> ready = b.get("/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        final JsonNode body = RunningApp.json(ready);
        assertThat(body.path("state").asText()).isEqualTo("RUNNING");
        assertThat(body.path("reason").asText()).startsWith("WAITING_FOR_SCHEMA_REGISTRY: " + events.size()
            + " records held back").contains("503");
        assertThat(b.get("/health").statusCode()).isEqualTo(200);
        assertThat(framed.updates()).isEmpty();
        assertThat(KafkaIo.readAll(framed.config().clientProperties(), framed.config().dlqTopic(),
            new ByteArrayDeserializer())).isEmpty();

        // When the registry answers again
        stub.mode(StubSchemaRegistry.Mode.UP);

        // Then the updates are those of the run that never waited, and the application is ready
        final List<CoefficientUpdate> actual =
            sorted(Await.until(framed::updates, u -> u.size() >= expectedUpdates));
        assertThat(actual).isEqualTo(expected);
        assertThat(Await.until(() -> b.get("/ready").statusCode(), s -> s == 200)).isEqualTo(200);
        assertThat(gauge(b.get("/metrics").body(), "irls_schema_registry_waiting_records")).isZero();
        assertThat(KafkaIo.readAll(framed.config().clientProperties(), framed.config().dlqTopic(),
            new ByteArrayDeserializer())).isEmpty();
      }
    }
  }

  private static double gauge(final String metrics, final String name) {
    final Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
  }

  private static List<CoefficientUpdate> sorted(final List<CoefficientUpdate> updates) {
    return updates.stream()
        .sorted(Comparator.comparing(CoefficientUpdate::getModelKey).thenComparingLong(CoefficientUpdate::getVersion))
        .toList();
  }
}
