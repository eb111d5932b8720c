package io.github.irls.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.registry.Framing;
import io.github.irls.registry.RegistrySettings;
import io.github.irls.registry.SchemaRegistryClient;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.testing.EvolvedEvents;
import io.github.irls.testing.StubSchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Framed events read through the registry's writer schemas: LabeledEvent's own, an evolved one, and
 * every way a record is refused, each with its reason.
 */
class RegistryAvroEventDecoderTest {

  private StubSchemaRegistry stub;
  private SchemaRegistryClient client;
  private WriterSchemas schemas;

  @BeforeEach
  void start() throws Exception {
    stub = StubSchemaRegistry.start();
    client = SchemaRegistryClient.create(RegistrySettings.of(List.of(stub.url())));
    schemas = new WriterSchemas(client);
  }

  @AfterEach
  void stop() {
    client.close();
    stub.close();
  }

  private static LabeledEvent event(final long time, final double... x) {
    return LabeledEvent.newBuilder().setFeatures(Arrays.stream(x).boxed().toList()).setLabel(1.0).setWeight(2.5)
        .setOffset(0.0).setEventTime(time < 0 ? null : Instant.ofEpochMilli(time)).build();
  }

  /** The decoder, with the schema of {@code id} already settled (as the topology's gate ensures). */
  private RegistryAvroEventDecoder decoderFor(final int... ids) {
    for (final int id : ids) {
      schemas.await(id, Duration.ofSeconds(5));
    }
    return new RegistryAvroEventDecoder(schemas);
  }

  @Test
  void shouldReadEventsWrittenWithLabeledEventsOwnSchema() {
    // Given an event framed with the id of LabeledEvent's schema
    final int id = stub.register("events-value", LabeledEvent.getClassSchema());
    final LabeledEvent event = event(1_700_000_000_000L, 0.5, -1.25, 3.0);
    final byte[] framed = Framing.frame(id, AvroSerde.of(LabeledEvent.class).encode(event));

    // When it is decoded
    final EventBuffer buffer = new EventBuffer();
    decoderFor(id).decode(framed, buffer);

    // Then it is the event
    assertThat(buffer.toEvent()).isEqualTo(event);
  }

  @Test
  void shouldResolveAnEvolvedWriterSchemaToLabeledEvent() {
    // Given events written with a schema that reordered, added, dropped and narrowed fields
    final int id = stub.register("events-value", EvolvedEvents.V2);
    final LabeledEvent timed = event(1_700_000_000_000L, 0.5, -1.25, 3.0);
    final LabeledEvent untimed = event(-1, 7.0);
    final RegistryAvroEventDecoder decoder = decoderFor(id);
    final EventBuffer buffer = new EventBuffer();

    // When each is decoded
    // Then it is the event LabeledEvent's reader makes of it: features, label and weight as written,
    // offset at its default 0, event time as written or absent
    decoder.decode(EvolvedEvents.framed(id, EvolvedEvents.v2(timed, "web")), buffer);
    assertThat(buffer.toEvent()).isEqualTo(timed);
    decoder.decode(EvolvedEvents.framed(id, EvolvedEvents.v2(untimed, "app")), buffer);
    assertThat(buffer.toEvent()).isEqualTo(untimed);
    assertThat(buffer.hasEventTime()).isFalse();
  }

  @Test
  void shouldReadRecordsOfSeveralSchemaIdsInterleaved() {
    // Given events of two writer schemas, alternating
    final int own = stub.register("events-value", LabeledEvent.getClassSchema());
    final int evolved = stub.register("events-value", EvolvedEvents.V2);
    final RegistryAvroEventDecoder decoder = decoderFor(own, evolved);
    final EventBuffer buffer = new EventBuffer();

    for (int i = 0; i < 6; i++) {
      final LabeledEvent event = event(1_000L * i, i, -i);
      final byte[] framed = i % 2 == 0
          ? Framing.frame(own, AvroSerde.of(LabeledEvent.class).encode(event))
          : EvolvedEvents.framed(evolved, EvolvedEvents.v2(event, "web"));

      // When each is decoded, Then it is the event
      decoder.decode(framed, buffer);
      assertThat(buffer.toEvent()).isEqualTo(event);
    }
  }

  @Test
  void shouldRefuseEachBadRecordWithItsOwnReason() {
    // Given an unframed record, an unknown id, a schema without a label, a non-Avro schema, and
    // garbage after a good id
    final int own = stub.register("events-value", LabeledEvent.getClassSchema());
    final int noLabel = stub.register("events-value", EvolvedEvents.WITHOUT_LABEL);
    stub.put(99, "{\"type\": \"nonsense\"}");
    final RegistryAvroEventDecoder decoder = decoderFor(own, noLabel, 42, 99);
    final byte[] plain = AvroSerde.of(LabeledEvent.class).encode(event(-1, 1.0));

    // Then each is refused with its reason
    assertRefused(decoder, plain, EventDecodingException.Reason.NOT_REGISTRY_FRAMED, "first byte");
    assertRefused(decoder, new byte[] {0, 0, 1}, EventDecodingException.Reason.NOT_REGISTRY_FRAMED, "only 3 bytes");
    assertRefused(decoder, Framing.frame(42, plain), EventDecodingException.Reason.UNKNOWN_SCHEMA_ID,
        "schema id 42 is not known");
    assertRefused(decoder, Framing.frame(noLabel, plain), EventDecodingException.Reason.INCOMPATIBLE_SCHEMA,
        "label");
    assertRefused(decoder, Framing.frame(99, plain), EventDecodingException.Reason.INCOMPATIBLE_SCHEMA,
        "does not parse");
    assertRefused(decoder, Framing.frame(own, new byte[] {1, 2, 3}), EventDecodingException.Reason.UNDECODABLE_AVRO,
        "");
    assertThatThrownBy(() -> decoder.decode(null, new EventBuffer())).isInstanceOfSatisfying(
        EventDecodingException.class, e -> assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.MISSING_VALUE));
  }

  @Test
  void shouldRefuseGarbageAfterAnEvolvedSchemasId() {
    // Given the evolved schema's id followed by bytes that end inside a record, or run past one
    final int evolved = stub.register("events-value", EvolvedEvents.V2);
    final RegistryAvroEventDecoder decoder = decoderFor(evolved);
    final byte[] good = EvolvedEvents.framed(evolved, EvolvedEvents.v2(event(-1, 1.0, 2.0), "web"));

    // Then both are undecodable
    assertRefused(decoder, Arrays.copyOf(good, good.length - 3), EventDecodingException.Reason.UNDECODABLE_AVRO, "");
    assertRefused(decoder, Arrays.copyOf(good, good.length + 1), EventDecodingException.Reason.UNDECODABLE_AVRO,
        "Trailing bytes");
  }

  @Test
  void shouldKeepNoPlanForUnknownIdsAndRefuseAForgottenOneAgain() {
    // Given a known schema and 2,000 distinct ids the registry does not know, each settled as the gate does
    final int known = stub.register("events-value", LabeledEvent.getClassSchema());
    final RegistryAvroEventDecoder decoder = decoderFor(known);
    final byte[] good = Framing.frame(known, AvroSerde.of(LabeledEvent.class).encode(event(-1, 1.0)));
    decoder.decode(good, new EventBuffer());

    // When a record of each unknown id is decoded
    for (int id = 100_000; id < 102_000; id++) {
      if (id % 50 == 0) {
        for (int ahead = id; ahead < id + 50; ahead++) {
          schemas.get(ahead);
        }
      }
      schemas.await(id, Duration.ofSeconds(5));
      assertRefused(decoder, Framing.frame(id, new byte[] {0}), EventDecodingException.Reason.UNKNOWN_SCHEMA_ID,
          "schema id " + id + " is not known");
    }

    // Then only the known schema's plan is kept
    assertThat(decoder.keptPlans()).isEqualTo(1);

    // and an id whose refusal the writer schemas have forgotten since is refused again, not taken for an outage
    assertRefused(decoder, Framing.frame(100_000, new byte[] {0}), EventDecodingException.Reason.UNKNOWN_SCHEMA_ID,
        "schema id 100000 is not known");
    assertThat(stub.lookups(100_000)).isEqualTo(2);
  }

  @Test
  void shouldNeverTakeAnUnknownSchemaForABadRecord() {
    // Given an id whose schema could not be had (the registry is down)
    stub.mode(StubSchemaRegistry.Mode.UNAVAILABLE);
    final int id = 5;
    schemas.await(id, Duration.ofSeconds(5));

    // Then decoding raises "unavailable", which no processor dead-letters
    assertThatThrownBy(() -> new RegistryAvroEventDecoder(schemas).decode(Framing.frame(id, new byte[] {0}),
        new EventBuffer())).isInstanceOf(SchemaRegistryUnavailableException.class).hasMessageContaining("503");
  }

  @Test
  void shouldTakeTheFastPathOnlyForLabeledEventsBinaryLayout() {
    // Given LabeledEvent's own schema, a producer's copy in its own namespace without docs, and the evolved one
    final Schema copy = new Schema.Parser().parse("""
        {"type": "record", "name": "Observation", "namespace": "com.example",
         "fields": [
           {"name": "features", "type": {"type": "array", "items": "double"}},
           {"name": "label", "type": "double"},
           {"name": "weight", "type": "double"},
           {"name": "offset", "type": "double"},
           {"name": "event_time", "type": ["null", "long"]}]}""");

    // Then the first two share its layout (read by the plain decoder), the evolved one does not
    assertThat(RegistryAvroEventDecoder.sameLayout(LabeledEvent.getClassSchema())).isTrue();
    assertThat(RegistryAvroEventDecoder.sameLayout(copy)).isTrue();
    assertThat(RegistryAvroEventDecoder.sameLayout(EvolvedEvents.V2)).isFalse();
    assertThat(RegistryAvroEventDecoder.sameLayout(EvolvedEvents.WITHOUT_LABEL)).isFalse();

    // and a record of the copy reads as the event it holds
    final int id = stub.register("events-value", copy);
    final LabeledEvent event = event(1_700_000_000_000L, 0.5, -1.25);
    final EventBuffer buffer = new EventBuffer();
    decoderFor(id).decode(Framing.frame(id, AvroSerde.of(LabeledEvent.class).encode(event)), buffer);
    assertThat(buffer.toEvent()).isEqualTo(event);
  }

  private static void assertRefused(final RegistryAvroEventDecoder decoder, final byte[] bytes,
      final EventDecodingException.Reason reason, final String message) {
    assertThatThrownBy(() -> decoder.decode(bytes, new EventBuffer()))
        .isInstanceOfSatisfying(EventDecodingException.class, e -> {
          assertThat(e.reason()).isEqualTo(reason);
          assertThat(e.getMessage()).contains(message);
        });
  }
}
