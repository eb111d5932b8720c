package io.github.irls.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.registry.RegistrySettings;
import io.github.irls.registry.SchemaRegistryClient;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.streams.WaitingRecords;
import io.github.irls.testing.EvolvedEvents;
import io.github.irls.testing.StubSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gate in front of a registry-framed task: records held while the registry is down stay held,
 * in order, in the task's store across a restart of the task, and are released, events and specs
 * each to their processor, with the position they were read at.
 */
class RegistryGateTest {

  private static final String EVENTS = "irls.events";
  private static final String SPECS = "irls.model-specs";

  private StubSchemaRegistry stub;
  private SchemaRegistryClient client;
  private final AtomicLong clock = new AtomicLong(0);
  private KeyValueStore<Long, byte[]> store;

  @BeforeEach
  void start() throws Exception {
    stub = StubSchemaRegistry.start();
    client = SchemaRegistryClient.create(RegistrySettings.of(List.of(stub.url()))
        .withRetryBackoff(Duration.ofMillis(500), Duration.ofMillis(2_000)));
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("irls-registry-waiting"), Serdes.Long(),
        Serdes.ByteArray()).withLoggingDisabled().build();
  }

  @AfterEach
  void stop() {
    client.close();
    stub.close();
  }

  /** A gate on the committed store, as a task (re)started on this instance opens it. */
  private record Task(RegistryGate gate, MockProcessorContext<byte[], byte[]> context) {

    void receive(final String topic, final long offset, final String key, final byte[] value) {
      context.setRecordMetadata(topic, 0, offset);
      gate.process(new Record<>(key.getBytes(StandardCharsets.UTF_8), value, 1_000 + offset, new RecordHeaders()));
    }

    void punctuate() {
      context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(0));
    }
  }

  private Task task(final WriterSchemas schemas, final WaitingRecords waiting) {
    return task(schemas, waiting, RegistryGate.MAX_RELEASE);
  }

  private Task task(final WriterSchemas schemas, final WaitingRecords waiting, final int maxRelease) {
    final MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(0);
    if (!store.isOpen()) {
      store.init(context.getStateStoreContext(), store);
    }
    context.addStateStore(store);
    final RegistryGate gate = new RegistryGate(SPECS, "irls-registry-waiting", "irls-validate", "irls-specs",
        schemas, waiting, maxRelease);
    gate.init(context);
    return new Task(gate, context);
  }

  private static byte[] framed(final int id, final double x) {
    return EvolvedEvents.framed(id, EvolvedEvents.v2(LabeledEvent.newBuilder().setFeatures(List.of(x))
        .setLabel(1.0).setWeight(1.0).setOffset(0.0).build(), "web"));
  }

  @Test
  void shouldKeepHeldRecordsInOrderAcrossARestartAndReleaseThemWithTheirPositions() {
    // Given a registry that is down, and a task that received two events, a spec and an event
    final int id = stub.register("irls.events-value", EvolvedEvents.V2);
    stub.mode(StubSchemaRegistry.Mode.UNAVAILABLE);
    final WaitingRecords before = new WaitingRecords();
    final Task first = task(new WriterSchemas(client, clock::get), before);
    first.receive(EVENTS, 10, "a", framed(id, 1));
    first.receive(EVENTS, 11, "b", framed(id, 2));
    first.receive(SPECS, 3, "a", new byte[] {42});
    first.receive(EVENTS, 12, "a", framed(id, 3));
    first.punctuate();

    // Then nothing went on, and all four are held
    assertThat(first.context().forwarded()).isEmpty();
    assertThat(before.total()).isEqualTo(4);

    // When the task is closed and opened again on its store, and the registry answers
    first.gate().close();
    assertThat(before.total()).isZero();
    stub.mode(StubSchemaRegistry.Mode.UP);
    final WaitingRecords after = new WaitingRecords();
    final WriterSchemas schemas = new WriterSchemas(client, clock::get);
    final Task second = task(schemas, after);
    assertThat(after.total()).isEqualTo(4);
    schemas.await(id, Duration.ofSeconds(30));
    second.punctuate();

    // Then the four go on in the order they came, each to its processor, carrying its position
    final List<MockProcessorContext.CapturedForward<? extends byte[], ? extends byte[]>> out =
        second.context().forwarded();
    assertThat(out).extracting(f -> f.childName().orElseThrow())
        .containsExactly("irls-validate", "irls-validate", "irls-specs", "irls-validate");
    assertThat(out).extracting(f -> header(f.record(), SourcePosition.OFFSET_HEADER))
        .containsExactly("10", "11", "3", "12");
    assertThat(out).extracting(f -> header(f.record(), SourcePosition.TOPIC_HEADER))
        .containsExactly(EVENTS, EVENTS, SPECS, EVENTS);
    assertThat(out.get(1).record().value()).isEqualTo(framed(id, 2));
    assertThat(out.get(2).record().timestamp()).isEqualTo(1_003);
    assertThat(after.total()).isZero();
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldReleaseABacklogLongerThanTheBoundOverSeveralPunctuationsInOrder() {
    // Given a gate that releases at most three records a punctuation, and five held while the registry was down
    final int id = stub.register("irls.events-value", EvolvedEvents.V2);
    stub.mode(StubSchemaRegistry.Mode.UNAVAILABLE);
    final WaitingRecords waiting = new WaitingRecords();
    final WriterSchemas schemas = new WriterSchemas(client, clock::get);
    final Task task = task(schemas, waiting, 3);
    task.receive(EVENTS, 10, "a", framed(id, 1));
    task.receive(EVENTS, 11, "b", framed(id, 2));
    task.receive(SPECS, 3, "a", new byte[] {42});
    task.receive(EVENTS, 12, "a", framed(id, 3));
    task.receive(EVENTS, 13, "b", framed(id, 4));
    assertThat(waiting.total()).isEqualTo(5);

    // When the registry answers again and the gate punctuates
    stub.mode(StubSchemaRegistry.Mode.UP);
    clock.addAndGet(500);
    schemas.await(id, Duration.ofSeconds(30));
    task.punctuate();

    // Then the three oldest went on, the other two still held
    assertThat(task.context().forwarded()).extracting(f -> header(f.record(), SourcePosition.OFFSET_HEADER))
        .containsExactly("10", "11", "3");
    assertThat(waiting.total()).isEqualTo(2);

    // When it punctuates again
    task.punctuate();

    // Then the rest went on after them, in order
    assertThat(task.context().forwarded()).extracting(f -> header(f.record(), SourcePosition.OFFSET_HEADER))
        .containsExactly("10", "11", "3", "12", "13");
    assertThat(task.context().forwarded()).extracting(f -> f.childName().orElseThrow())
        .containsExactly("irls-validate", "irls-validate", "irls-specs", "irls-validate", "irls-validate");
    assertThat(waiting.total()).isZero();
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldPassRecordsStraightOnWhenTheirSchemaIsKnown() {
    // Given a registry that answers
    final int id = stub.register("irls.events-value", EvolvedEvents.V2);
    final WaitingRecords waiting = new WaitingRecords();
    final Task task = task(new WriterSchemas(client, clock::get), waiting);

    // When an event, an unframed record and a spec arrive
    task.receive(EVENTS, 0, "a", framed(id, 1));
    task.receive(EVENTS, 1, "a", new byte[] {1, 2, 3});
    task.receive(SPECS, 0, "a", new byte[] {42});

    // Then all three went on at once (the unframed one to be dead-lettered), none held, no header added
    assertThat(task.context().forwarded()).extracting(f -> f.childName().orElseThrow())
        .containsExactly("irls-validate", "irls-validate", "irls-specs");
    assertThat(task.context().forwarded().get(0).record().headers().toArray()).isEmpty();
    assertThat(waiting.total()).isZero();
  }

  private static String header(final Record<? extends byte[], ? extends byte[]> record, final String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
