package io.github.irls.testing;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.registry.Framing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

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
