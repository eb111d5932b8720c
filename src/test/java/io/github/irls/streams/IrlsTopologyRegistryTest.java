package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.avro.ModelSpec;
import io.github.irls.registry.Framing;
import io.github.irls.registry.RegistrySettings;
import io.github.irls.registry.SchemaRegistryClient;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.EventFormat;
import io.github.irls.testing.EvolvedEvents;
import io.github.irls.testing.StubSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology reading events framed for a schema registry ({@code input.format=registry-avro}):
 * an evolved writer schema gives the same updates as the same events in plain Avro; a registry that
 * cannot answer holds the records back, in order, and dead-letters nothing, and once it answers the
 * updates are those of a run without the outage; bad records are dead letters with their own
 * reasons. (Held records across a restart: {@code RegistryGateTest}.)
 */
class IrlsTopologyRegistryTest {

  private static final String[] KEYS = {"a", "b", "c"};
  private static final int EVENTS_PER_KEY = 300;

  private StubSchemaRegistry stub;
  private SchemaRegistryClient client;
  private final AtomicLong clock = new AtomicLong(Harness.WALL_CLOCK_START);

  @BeforeEach
  void start() throws Exception {
    stub = StubSchemaRegistry.start();
    client = SchemaRegistryClient.create(RegistrySettings.of(List.of(stub.url()))
        .withRetryBackoff(Duration.ofMillis(500), Duration.ofMillis(2_000)));
  }

  @AfterEach
  void stop() {
    client.close();
    stub.close();
  }

  private static TopologySettings settings(final EventFormat format) {
    return TopologySettings.builder().inputFormat(format).windowEvents(100).build();
  }

  /** One input record: an event for a key, or (event null) a spec. */
  private record Input(String key, LabeledEvent event, ModelSpec spec, long timestamp) {}

  /** Three keys' interleaved events with known coefficients, and a spec for b between them. */
  private static List<Input> inputs() {
    final List<EvolvedEvents.Keyed> events = EvolvedEvents.sample(List.of(KEYS), EVENTS_PER_KEY, 13);
    final List<Input> inputs = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      final EvolvedEvents.Keyed e = events.get(i);
      inputs.add(new Input(e.key(), e.event(), null, e.timestamp()));
      if (i == events.size() / 2) {
        inputs.add(new Input("b", null, ModelSpec.newBuilder().setGamma(0.9).build(), e.timestamp() + 1));
      }
    }
    return inputs;
  }

  private static void sendPlain(final Harness h, final List<Input> inputs) {
    for (final Input in : inputs) {
      if (in.event() == null) {
        h.sendSpec(in.key(), in.spec(), in.timestamp());
      } else {
        h.send(in.key(), in.event(), in.timestamp());
      }
    }
  }

  private static void sendFramed(final Harness h, final List<Input> inputs, final int id) {
    for (final Input in : inputs) {
      if (in.event() == null) {
        h.sendSpec(in.key(), in.spec(), in.timestamp());
      } else {
        h.sendRaw(Harness.utf8(in.key()), EvolvedEvents.framed(id, EvolvedEvents.v2(in.event(), "web")),
            in.timestamp(), null);
      }
    }
  }

  private List<CoefficientUpdate> plainUpdates(final List<Input> inputs) {
    try (Harness plain = new Harness(settings(EventFormat.AVRO))) {
      sendPlain(plain, inputs);
      return plain.drainUpdates();
    }
  }

  private RegistryInput registry() {
    return RegistryInput.of(new WriterSchemas(client, clock::get));
  }

  @Test
  void shouldGiveTheUpdatesOfPlainAvroForAnEvolvedWriterSchema() {
    // Given the same events, in plain Avro and framed with an evolved producer schema
    final List<Input> inputs = inputs();
    final int id = stub.register("irls.events-value", EvolvedEvents.V2);

    // When both run through the topology
    final List<CoefficientUpdate> expected = plainUpdates(inputs);
    final List<CoefficientUpdate> framed;
    try (Harness h = new Harness(settings(EventFormat.REGISTRY_AVRO), registry())) {
      sendFramed(h, inputs, id);
      framed = h.drainUpdates();
      assertThat(h.deadLetters.isEmpty()).isTrue();
    }

    // Then every update is the same, field for field (9 windows, the spec's gamma included)
    assertThat(expected).hasSize(KEYS.length * EVENTS_PER_KEY / 100);
    assertThat(framed).isEqualTo(expected);
    assertThat(stub.lookups(id)).isEqualTo(1);
  }

  @Test
  void shouldHoldRecordsBackWhileTheRegistryIsDownAndThenGiveTheUndisturbedUpdates() {
    // Given a registry that answers 503, and an unframed record among the events
    final List<Input> inputs = inputs();
    final int id = stub.register("irls.events-value", EvolvedEvents.V2);
    stub.mode(StubSchemaRegistry.Mode.UNAVAILABLE);
    final RegistryInput registry = registry();
    try (Harness h = new Harness(settings(EventFormat.REGISTRY_AVRO), registry)) {
      sendFramed(h, inputs.subList(0, 10), id);
      h.sendRaw(Harness.utf8("a"), new byte[] {7, 7, 7}, inputs.get(10).timestamp(), null);
      sendFramed(h, inputs.subList(10, inputs.size()), id);

      // When time passes with the registry down
      advance(h, 10_000);

      // Then nothing is published or dead-lettered; every record (the spec too) is held
      assertThat(h.drainUpdates()).isEmpty();
      assertThat(h.deadLetters.isEmpty()).isTrue();
      assertThat(registry.waiting().total()).isEqualTo(inputs.size() + 1);
      assertThat(registry.schemas().unavailable()).isTrue();
      assertThat(stub.lookups(id)).isGreaterThan(2); // asked again, on the backoff

      // When the registry answers again (and its answer is in once the backoff has passed)
      stub.mode(StubSchemaRegistry.Mode.UP);
      awaitAnswer(registry, id);
      advance(h, 200);

      // Then the updates are those of the undisturbed plain run, the bad record is dead-lettered with
      // its source position, and nothing is held
      assertThat(h.drainUpdates()).isEqualTo(plainUpdates(inputs));
      final TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
      assertThat(header(dead, "irls.error.reason")).isEqualTo("NOT_REGISTRY_FRAMED");
      assertThat(header(dead, "irls.source.offset")).isEqualTo("10");
      assertThat(header(dead, "irls.source.topic")).isEqualTo("irls.events");
      assertThat(h.deadLetters.isEmpty()).isTrue();
      assertThat(registry.waiting().total()).isZero();
      assertThat(registry.schemas().unavailable()).isFalse();
    }
  }

  @Test
  void shouldDeadLetterEachBadRecordWithItsOwnReason() {
    // Given a good event, then an unframed one, one with an unknown id, and one whose writer schema has no label
    final int own = stub.register("irls.events-value", LabeledEvent.getClassSchema());
    final int noLabel = stub.register("irls.events-value", EvolvedEvents.WITHOUT_LABEL);
    final byte[] plain = AvroSerde.of(LabeledEvent.class).encode(Harness.event(new double[] {1, 2}, 1));
    try (Harness h = new Harness(settings(EventFormat.REGISTRY_AVRO), registry())) {
      h.sendRaw(Harness.utf8("a"), Framing.frame(own, plain), 1_000, null);
      h.sendRaw(Harness.utf8("a"), plain, 1_001, null);
      h.sendRaw(Harness.utf8("a"), Framing.frame(4242, plain), 1_002, null);
      h.sendRaw(Harness.utf8("a"), Framing.frame(noLabel, plain), 1_003, null);

      // Then the three bad ones are dead letters, in order, counted by reason (also for model a)
      final List<String> reasons = h.deadLetters.readRecordsToList().stream()
          .map(r -> header(r, "irls.error.reason")).toList();
      assertThat(reasons).containsExactly("NOT_REGISTRY_FRAMED", "UNKNOWN_SCHEMA_ID", "INCOMPATIBLE_SCHEMA");
      assertThat(h.deadLetterCounts()).isEqualTo(
          Map.of("NOT_REGISTRY_FRAMED", 1L, "UNKNOWN_SCHEMA_ID", 1L, "INCOMPATIBLE_SCHEMA", 1L));
      assertThat(h.modelDeadLetters("a")).containsEntry("UNKNOWN_SCHEMA_ID", 1L);
      assertThat(h.openWindows()).singleElement().satisfies(w -> assertThat(w.events()).isEqualTo(1));
    }
  }

  /** Lets the registry's backoff pass and waits for its answer about {@code id}. */
  private void awaitAnswer(final RegistryInput registry, final int id) {
    clock.addAndGet(2_000);
    assertThat(registry.schemas().await(id, Duration.ofSeconds(30))).isInstanceOf(WriterSchemas.Ready.class);
  }

  /** Moves the wall clock of the driver and of the registry's backoff together, letting fetches complete. */
  private void advance(final Harness h, final long ms) {
    for (long done = 0; done < ms; done += 100) {
      clock.addAndGet(100);
      h.advanceWallClock(100);
      try {
        Thread.sleep(5); // the registry's answers arrive on its client's threads
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String header(final TestRecord<byte[], byte[]> record, final String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
