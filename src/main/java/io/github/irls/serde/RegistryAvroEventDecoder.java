package io.github.irls.serde;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.registry.Framing;
import io.github.irls.registry.WriterSchemas;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.ResolvingDecoder;

/**
 * Decodes events framed by a registry-aware serializer ({@link Framing}: magic byte, schema id,
 * Avro binary written with that schema) into an {@link EventBuffer}, resolving the writer schema to
 * {@code LabeledEvent} with Avro's schema resolution, so that compatible evolution just works:
 * fields added (with or without defaults: the reader ignores what it does not know), fields
 * reordered, fields with defaults absent from the writer, numeric promotion (an int label reads as
 * a double).
 *
 * <p>Per schema id, once: a writer schema with LabeledEvent's binary layout (the same fields in
 * the same order and of the same types, whatever its name, namespace, docs and defaults: a
 * producer's own copy of the schema) is read by the hand-written {@link AvroEventDecoder},
 * allocating nothing per event; any other compatible schema through one reused {@link
 * ResolvingDecoder} (about 280 bytes and 0.5 us more per event, {@code EventPathBenchmark}). Refused, with a stable reason: a record without the framing ({@code
 * NOT_REGISTRY_FRAMED}), an id the registry does not know ({@code UNKNOWN_SCHEMA_ID}), a writer
 * schema that cannot be read as {@code LabeledEvent} ({@code INCOMPATIBLE_SCHEMA}), bytes that are
 * not what their schema says ({@code UNDECODABLE_AVRO}).
 *
 * <p>The topology lets a record through only once its schema id is settled ({@link
 * WriterSchemas#get}), so the registry is asked here only for an id whose refusal was forgotten
 * since (they are kept for a bounded number of ids), waiting at most {@value #FORGOTTEN_WAIT_MS}
 * ms; a schema still not known then raises {@link SchemaRegistryUnavailableException}. Not
 * thread-safe: one per processor.
 */
public final class RegistryAvroEventDecoder implements EventDecoder {

  private static final Schema READER = LabeledEvent.getClassSchema();
  private static final int FEATURES = READER.getField("features").pos();
  private static final int LABEL = READER.getField("label").pos();
  private static final int WEIGHT = READER.getField("weight").pos();
  private static final int OFFSET = READER.getField("offset").pos();
  private static final int EVENT_TIME = READER.getField("event_time").pos();
  private static final int EVENT_TIME_LONG_BRANCH = 1;
  /** The longest wait for the registry to settle again an id whose refusal was forgotten. */
  private static final long FORGOTTEN_WAIT_MS = 2_000;

  private final WriterSchemas schemas;
  private final AvroEventDecoder plain = new AvroEventDecoder();
  private final Map<Integer, Plan> plans = new HashMap<>();
  private int lastId;
  private Plan lastPlan;

  public RegistryAvroEventDecoder(final WriterSchemas schemas) {
    this.schemas = schemas;
  }

  @Override
  public void decode(final byte[] bytes, final EventBuffer into) {
    if (bytes == null) {
      throw new EventDecodingException(EventDecodingException.Reason.MISSING_VALUE, "Event record has no value");
    }
    if (!Framing.isFramed(bytes)) {
      throw new EventDecodingException(EventDecodingException.Reason.NOT_REGISTRY_FRAMED,
          "Not framed by a schema registry's serializer (magic byte 0 and a 4-byte schema id): "
              + (bytes.length < Framing.HEADER_BYTES ? "only " + bytes.length + " bytes"
                  : "first byte " + (bytes[0] & 0xff)));
    }
    final int id = Framing.id(bytes);
    if (lastPlan == null || id != lastId) {
      lastPlan = plan(id);
      lastId = id;
    }
    lastPlan.decode(bytes, into);
  }

  /**
   * How to read records of {@code id}: kept only for a writer schema the registry holds (their
   * number is the registry's), never for an id it does not know, which any record can carry.
   */
  private Plan plan(final int id) {
    final Plan kept = plans.get(id);
    if (kept != null) {
      return kept;
    }
    WriterSchemas.Entry entry = schemas.get(id);
    if (!entry.settled()) {
      // the gate let the record through settled, so its refusal was forgotten since (kept for a bounded
      // number of ids): asked again, the registry answers as fast as it did then
      entry = schemas.await(id, Duration.ofMillis(FORGOTTEN_WAIT_MS));
    }
    if (entry instanceof WriterSchemas.Ready ready) {
      final Plan plan = readerOf(id, ready.schema());
      plans.put(id, plan);
      return plan;
    } else if (entry instanceof WriterSchemas.Missing missing) {
      return refusal(EventDecodingException.Reason.UNKNOWN_SCHEMA_ID, missing.message());
    } else if (entry instanceof WriterSchemas.Invalid invalid) {
      return refusal(EventDecodingException.Reason.INCOMPATIBLE_SCHEMA, invalid.message());
    }
    throw new SchemaRegistryUnavailableException(((WriterSchemas.Waiting) entry).reason());
  }

  /** Plans kept (tests). */
  int keptPlans() {
    return plans.size();
  }

  private Plan readerOf(final int id, final Schema writer) {
    if (sameLayout(writer)) {
      return (bytes, into) -> plain.decode(bytes, Framing.HEADER_BYTES, into);
    }
    final SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(READER, writer);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return refusal(EventDecodingException.Reason.INCOMPATIBLE_SCHEMA, "The writer schema of id " + id + " ("
          + writer.getFullName() + ") cannot be read as LabeledEvent: "
          + compatibility.getResult().getIncompatibilities().stream()
              .map(i -> i.getMessage() + " at " + i.getLocation())
              .collect(Collectors.joining("; ")));
    }
    try {
      return new Resolving(DecoderFactory.get().resolvingDecoder(writer, READER, null));
    } catch (final IOException | RuntimeException e) {
      return refusal(EventDecodingException.Reason.INCOMPATIBLE_SCHEMA,
          "The writer schema of id " + id + " cannot be resolved to LabeledEvent: " + e.getMessage());
    }
  }

  /**
   * Whether records of {@code writer} are laid out in binary as LabeledEvent's: a record with the
   * same fields in the same order, each of the same type (docs, defaults, logical types, the
   * record's name and namespace aside), so the plain decoder reads them as they are.
   */
  static boolean sameLayout(final Schema writer) {
    if (writer.getType() != Schema.Type.RECORD || writer.getFields().size() != READER.getFields().size()) {
      return false;
    }
    for (int i = 0; i < writer.getFields().size(); i++) {
      final Schema.Field w = writer.getFields().get(i);
      final Schema.Field r = READER.getFields().get(i);
      if (!w.name().equals(r.name())
          || !SchemaNormalization.toParsingForm(w.schema()).equals(SchemaNormalization.toParsingForm(r.schema()))) {
        return false;
      }
    }
    return true;
  }

  private static Plan refusal(final EventDecodingException.Reason reason, final String message) {
    return (bytes, into) -> {
      throw new EventDecodingException(reason, message);
    };
  }

  /** How the records of one schema id are read. */
  @FunctionalInterface
  private interface Plan {
    void decode(byte[] bytes, EventBuffer into);
  }

  /** A writer schema other than LabeledEvent's own, read through Avro's schema resolution. */
  private static final class Resolving implements Plan {
    private final ResolvingDecoder resolver;
    private final BoundedDecoder bounded = new BoundedDecoder();
    private BinaryDecoder binary;

    Resolving(final ResolvingDecoder resolver) {
      this.resolver = resolver;
    }

    @Override
    public void decode(final byte[] bytes, final EventBuffer into) {
      final int length = bytes.length - Framing.HEADER_BYTES;
      binary = DecoderFactory.get().binaryDecoder(bytes, Framing.HEADER_BYTES, length, binary);
      into.clear();
      final boolean trailing;
      try {
        resolver.configure(bounded.reset(binary, length));
        for (final Schema.Field field : resolver.readFieldOrder()) {
          final int pos = field.pos();
          if (pos == FEATURES) {
            for (long n = resolver.readArrayStart(); n != 0; n = resolver.arrayNext()) {
              for (long i = 0; i < n; i++) {
                into.addFeature(resolver.readDouble());
              }
            }
          } else if (pos == LABEL) {
            into.label(resolver.readDouble());
          } else if (pos == WEIGHT) {
            into.weight(resolver.readDouble());
          } else if (pos == OFFSET) {
            into.offset(resolver.readDouble());
          } else if (pos == EVENT_TIME) {
            if (resolver.readIndex() == EVENT_TIME_LONG_BRANCH) {
              into.eventTime(resolver.readLong());
            } else {
              resolver.readNull();
            }
          }
        }
        resolver.drain();
        trailing = !bounded.isEnd();
      } catch (final IOException | RuntimeException e) {
        throw new EventDecodingException(EventDecodingException.Reason.UNDECODABLE_AVRO,
            "Not a record of its writer schema (" + bytes.length + " bytes): " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
      }
      if (trailing) {
        throw new EventDecodingException(EventDecodingException.Reason.UNDECODABLE_AVRO,
            "Trailing bytes after the record of its writer schema (" + bytes.length + " bytes in all)");
      }
    }
  }
}
