package io.github.irls.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.testing.StubSchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kept writer schemas: settled outcomes kept, failed lookups asked again on a doubling backoff. */
class WriterSchemasTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private StubSchemaRegistry stub;
  private SchemaRegistryClient client;
  private final AtomicLong clock = new AtomicLong(1_000_000);

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

  @Test
  void shouldFetchASchemaOnceAndKeepIt() {
    // Given a registered schema
    final int id = stub.register("t-value", LabeledEvent.getClassSchema());
    final WriterSchemas schemas = new WriterSchemas(client, clock::get);

    // When it is awaited, then asked for ten more times
    final WriterSchemas.Entry first = schemas.await(id, WAIT);
    for (int i = 0; i < 10; i++) {
      schemas.get(id);
    }

    // Then it is ready, parsed, and the registry was asked once
    assertThat(first).isInstanceOfSatisfying(WriterSchemas.Ready.class,
        r -> assertThat(r.schema()).isEqualTo(LabeledEvent.getClassSchema()));
    assertThat(stub.lookups(id)).isEqualTo(1);
    assertThat(schemas.cachedSchemas()).isEqualTo(1);
    assertThat(schemas.unavailable()).isFalse();
  }

  @Test
  void shouldSettleUnknownIdsAndSchemasThatAreNotAvro() {
    // Given an id the registry does not hold, and one that holds no Avro schema
    stub.put(2, "{\"type\": \"nonsense\"}");
    final WriterSchemas schemas = new WriterSchemas(client, clock::get);

    // Then they are settled as missing and invalid, for good
    assertThat(schemas.await(1, WAIT)).isInstanceOfSatisfying(WriterSchemas.Missing.class,
        m -> assertThat(m.message()).contains("schema id 1 is not known"));
    assertThat(schemas.await(2, WAIT)).isInstanceOfSatisfying(WriterSchemas.Invalid.class,
        m -> assertThat(m.message()).contains("does not parse"));
    assertThat(schemas.get(1).settled()).isTrue();
    assertThat(stub.lookups(1)).isEqualTo(1);
  }

  @Test
  void shouldKeepTheRefusalsOfABoundedNumberOfIds() {
    // Given a registered schema and 5,000 distinct ids the registry does not know (garbage ids)
    final int known = stub.register("t-value", LabeledEvent.getClassSchema());
    final WriterSchemas schemas = new WriterSchemas(client, clock::get);
    schemas.await(known, WAIT);

    // When each is asked about until settled (fifty at a time)
    for (int first = 100_000; first < 105_000; first += 50) {
      for (int id = first; id < first + 50; id++) {
        schemas.get(id);
      }
      for (int id = first; id < first + 50; id++) {
        assertThat(schemas.await(id, WAIT)).isInstanceOf(WriterSchemas.Missing.class);
      }
    }

    // Then no more than the bound of refusals is kept beside the schema, which is kept for good
    assertThat(schemas.keptIds()).isLessThanOrEqualTo(WriterSchemas.MAX_REFUSED + 1);
    assertThat(schemas.cachedSchemas()).isEqualTo(1);
    assertThat(schemas.get(known)).isInstanceOf(WriterSchemas.Ready.class);
    assertThat(stub.lookups(known)).isEqualTo(1);

    // and an id forgotten is asked about again and settled again, a recent one is not asked again
    assertThat(schemas.await(100_000, WAIT)).isInstanceOf(WriterSchemas.Missing.class);
    assertThat(stub.lookups(100_000)).isEqualTo(2);
    assertThat(schemas.get(104_999)).isInstanceOf(WriterSchemas.Missing.class);
    assertThat(stub.lookups(104_999)).isEqualTo(1);
  }

  @Test
  void shouldAskAboutABoundedNumberOfIdsAtATimeWhileTheRegistryIsDown() {
    // Given a registry that answers 503, and as many ids asked about as may be unsettled at a time
    // (20 here; the application's bound is WriterSchemas.MAX_UNSETTLED)
    stub.mode(StubSchemaRegistry.Mode.UNAVAILABLE);
    final int bound = 20;
    final WriterSchemas schemas = new WriterSchemas(client, clock::get, bound);
    for (int id = 1; id <= bound; id++) {
      assertThat(schemas.await(id, WAIT).settled()).isFalse();
    }

    // When one more id is asked about
    final WriterSchemas.Entry extra = schemas.get(5_000);

    // Then it waits without the registry being asked, saying why, and nothing more is kept
    assertThat(extra).isInstanceOfSatisfying(WriterSchemas.Waiting.class,
        w -> assertThat(w.reason()).contains("more than 20 schema ids wait"));
    assertThat(stub.lookups(5_000)).isZero();
    assertThat(schemas.keptIds()).isEqualTo(bound);

    // When the registry answers again and the ids asked about are settled (none is registered)
    stub.mode(StubSchemaRegistry.Mode.UP);
    clock.addAndGet(2_000);
    for (int id = 1; id <= bound; id++) {
      assertThat(schemas.await(id, WAIT)).isInstanceOf(WriterSchemas.Missing.class);
    }

    // Then the id past the bound is asked about and settled too
    assertThat(schemas.await(5_000, WAIT)).isInstanceOf(WriterSchemas.Missing.class);
    assertThat(stub.lookups(5_000)).isEqualTo(1);
  }

  @Test
  void shouldAskAgainOnlyAfterADoublingBackoffAndRecover() {
    // Given a registered schema and a registry that answers 503
    final int id = stub.register("t-value", LabeledEvent.getClassSchema());
    stub.mode(StubSchemaRegistry.Mode.UNAVAILABLE);
    final WriterSchemas schemas = new WriterSchemas(client, clock::get);

    // When it is asked for: it waits, and says why
    assertThat(schemas.await(id, WAIT)).isInstanceOfSatisfying(WriterSchemas.Waiting.class,
        w -> assertThat(w.reason()).contains("HTTP 503"));
    assertThat(schemas.unavailable()).isTrue();
    assertThat(schemas.lastFailure()).hasValueSatisfying(f -> assertThat(f).contains("503"));

    // Then it is not asked again before the first backoff (500 ms) has passed, and is after it
    clock.addAndGet(499);
    assertThat(schemas.await(id, WAIT).settled()).isFalse();
    assertThat(stub.lookups(id)).isEqualTo(1);
    clock.addAndGet(1);
    assertThat(schemas.await(id, WAIT).settled()).isFalse();
    assertThat(stub.lookups(id)).isEqualTo(2);

    // and the next wait is twice as long (1,000 ms), capped at 2,000 ms later
    clock.addAndGet(999);
    schemas.await(id, WAIT);
    assertThat(stub.lookups(id)).isEqualTo(2);
    clock.addAndGet(1);
    schemas.await(id, WAIT);
    assertThat(stub.lookups(id)).isEqualTo(3);
    clock.addAndGet(2_000);
    schemas.await(id, WAIT);
    assertThat(stub.lookups(id)).isEqualTo(4);
    clock.addAndGet(2_000);
    schemas.await(id, WAIT);
    assertThat(stub.lookups(id)).isEqualTo(5);

    // When the registry answers again
    stub.mode(StubSchemaRegistry.Mode.UP);
    clock.addAndGet(2_000);

    // Then the schema is had and nothing is unavailable any more
    assertThat(schemas.await(id, WAIT)).isInstanceOf(WriterSchemas.Ready.class);
    assertThat(schemas.unavailable()).isFalse();
    assertThat(schemas.lastFailure()).isEmpty();
  }

  @Test
  void shouldNotBlockInGet() {
    // Given a registry that answers after 3 s
    final int id = stub.register("t-value", LabeledEvent.getClassSchema());
    stub.mode(StubSchemaRegistry.Mode.STALLING);
    final WriterSchemas schemas = new WriterSchemas(client, clock::get);

    // When the id is asked for without waiting
    final WriterSchemas.Entry entry = schemas.get(id);

    // Then the answer is "waiting" (a get that waited for the registry would have the schema), awaiting
    // it briefly still is, and awaiting long enough gets it
    assertThat(entry.settled()).isFalse();
    assertThat(schemas.await(id, Duration.ofMillis(100)).settled()).isFalse();
    assertThat(schemas.await(id, Duration.ofSeconds(10))).isInstanceOf(WriterSchemas.Ready.class);
  }
}
