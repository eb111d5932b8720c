package io.github.irls.testing;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.registry.Framing;
import io.github.irls.serde.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A producer's schema that has evolved from {@code LabeledEvent} the ways registries allow: fields
 * reordered (label first), a field added ({@code source}, with a default), {@code offset} left out
 * (the reader's default 0 applies), {@code weight} narrowed to a float (promoted to double when
 * read), in another namespace. Events written with it, framed as a registry-aware serializer frames
 * them.
 */
public final class EvolvedEvents {

  /** The evolved writer schema. */
  public static final Schema V2 = new Schema.Parser().parse("""
      {"type": "record", "name": "LabeledEvent", "namespace": "com.example.producer",
       "fields": [
         {"name": "label", "type": "double"},
         {"name": "source", "type": "string", "default": "unknown"},
         {"name": "features", "type": {"type": "array", "items": "double"}},
         {"name": "weight", "type": "float", "default": 1.0},
         {"name": "event_time", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}], "default": null}
       ]}""");

  /** A schema no LabeledEvent can be read from: it has no label. */
  public static final Schema WITHOUT_LABEL = new Schema.Parser().parse("""
      {"type": "record", "name": "LabeledEvent", "namespace": "com.example.producer",
       "fields": [{"name": "features", "type": {"type": "array", "items": "double"}}]}""");

  private EvolvedEvents() {}

  /** An event for a model key, with the timestamp of its record. */
  public record Keyed(String key, LabeledEvent event, long timestamp) {}

  /**
   * {@code perKey} events for each of {@code keys}, interleaved, of a logistic model with known
   * coefficients (3 features), weights 0.5, 1 or 2 (which a float holds exactly), offset 0 (the
   * evolved schema has none), every other event with an event time.
   */
  public static List<Keyed> sample(final List<String> keys, final int perKey, final long seed) {
    final SplittableRandom random = new SplittableRandom(seed);
    final List<Keyed> out = new ArrayList<>();
    long time = 1_700_000_000_000L;
    for (int i = 0; i < perKey; i++) {
      for (final String key : keys) {
        final double[] x = {gaussian(random), gaussian(random), gaussian(random)};
        final double eta = -0.5 + x[0] - 0.5 * x[1] + 0.25 * x[2];
        final double y = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
        final double w = new double[] {1.0, 2.0, 0.5}[random.nextInt(3)];
        final List<Double> features = List.of(x[0], x[1], x[2]);
        out.add(new Keyed(key, LabeledEvent.newBuilder().setFeatures(features).setLabel(y).setWeight(w)
            .setOffset(0.0).setEventTime(i % 2 == 0 ? Instant.ofEpochMilli(time) : null).build(), time));
        time += 3;
      }
    }
    return out;
  }

  private static double gaussian(final SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /**
   * {@code event} as the evolved producer writes it: its weight as a float (so give weights a float
   * holds exactly), its offset dropped (so give it offset 0), and a {@code source}.
   */
  public static GenericRecord v2(final LabeledEvent event, final String source) {
    if (event.getOffset() != 0 || (float) event.getWeight() != event.getWeight()) {
      throw new IllegalArgumentException("the evolved schema has no offset and a float weight: " + event);
    }
    final GenericRecord r = new GenericData.Record(V2);
    r.put("label", event.getLabel());
    r.put("source", source);
    r.put("features", event.getFeatures());
    r.put("weight", (float) event.getWeight());
    r.put("event_time", event.getEventTime() == null ? null : event.getEventTime().toEpochMilli());
    return r;
  }

  /** Records of {@code events} for {@code topic} in plain Avro of LabeledEvent, with their timestamps. */
  public static List<ProducerRecord<String, byte[]>> plainRecords(final String topic, final List<Keyed> events) {
    final AvroSerde<LabeledEvent> avro = AvroSerde.of(LabeledEvent.class);
    return events.stream()
        .map(e -> new ProducerRecord<>(topic, null, e.timestamp(), e.key(), avro.encode(e.event())))
        .toList();
  }

  /** Records of {@code events} for {@code topic} written with {@link #V2} and framed with its id {@code id}. */
  public static List<ProducerRecord<String, byte[]>> framedRecords(final String topic, final int id,
      final List<Keyed> events) {
    return events.stream()
        .map(e -> new ProducerRecord<>(topic, null, e.timestamp(), e.key(), framed(id, v2(e.event(), "web"))))
        .toList();
  }

  /** {@code record} written with its own schema and framed with {@code id}. */
  public static byte[] framed(final int id, final GenericRecord record) {
    return Framing.frame(id, binary(record));
  }

  /** {@code record} written with its own schema, unframed. */
  public static byte[] binary(final GenericRecord record) {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new GenericDatumWriter<GenericRecord>(record.getSchema(), GenericData.get()).write(record, encoder);
      encoder.flush();
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
