package io.github.irls.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary (no schema-registry framing) for one generated {@link SpecificRecord} class.
 *
 * <p>Thread-safe: the writer, reader, buffer, encoder and decoder are kept per thread, so one
 * instance may be shared by several stream threads while each thread reuses its own. A
 * {@code null} value (a tombstone) serialises to and from {@code null}; any other value that is
 * not a complete encoding of the schema raises {@link EventDecodingException} with reason {@link
 * EventDecodingException.Reason#UNDECODABLE_AVRO}.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  /** Packages whose generated classes this serde may instantiate (see {@link #trust}). */
  static final String TRUSTED_PACKAGE = "io.github.irls.avro";

  private final Class<T> type;
  private final Schema schema;
  private final ThreadLocal<Workspace<T>> workspace;
  private final Serializer<T> serializer = new AvroSerializer();
  private final Deserializer<T> deserializer = new AvroDeserializer();

  private AvroSerde(final Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
    this.schema = SpecificData.get().getSchema(type);
    this.workspace = ThreadLocal.withInitial(() -> new Workspace<>(type));
  }

  /** A serde for the generated class {@code type}, e.g. {@code AvroSerde.of(LabeledEvent.class)}. */
  public static <T extends SpecificRecord> AvroSerde<T> of(final Class<T> type) {
    return new AvroSerde<>(type);
  }

  /** The record class this serde reads and writes. */
  public Class<T> type() {
    return type;
  }

  /** The writer (and reader) schema. */
  public Schema schema() {
    return schema;
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  /** Encodes {@code value} to Avro binary; convenience for {@code serializer().serialize}. */
  public byte[] encode(final T value) {
    return serializer.serialize("", value);
  }

  /** Decodes Avro binary; convenience for {@code deserializer().deserialize}. */
  public T decode(final byte[] bytes) {
    return deserializer.deserialize("", bytes);
  }

  /**
   * Avro 1.12 refuses to load classes outside its trusted packages unless the user sets {@code
   * org.apache.avro.SERIALIZABLE_PACKAGES}; trusting our own generated package on each reader
   * makes the serde work without any system property.
   */
  static <T> SpecificDatumReader<T> trust(final SpecificDatumReader<T> reader) {
    if (!reader.getTrustedPackages().contains(TRUSTED_PACKAGE)) {
      reader.getTrustedPackages().add(TRUSTED_PACKAGE);
    }
    return reader;
  }

  /** Per-thread state: nothing here is shared between threads. */
  private static final class Workspace<T extends SpecificRecord> {
    final SpecificDatumWriter<T> writer;
    final SpecificDatumReader<T> reader;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    final BoundedDecoder bounded = new BoundedDecoder();
    BinaryEncoder encoder;
    BinaryDecoder decoder;

    Workspace(final Class<T> type) {
      this.writer = new SpecificDatumWriter<>(type);
      this.reader = trust(new SpecificDatumReader<>(type));
    }
  }

  private final class AvroSerializer implements Serializer<T> {
    @Override
    public byte[] serialize(final String topic, final T value) {
      if (value == null) {
        return null;
      }
      final Workspace<T> ws = workspace.get();
      ws.out.reset();
      ws.encoder = EncoderFactory.get().binaryEncoder(ws.out, ws.encoder);
      try {
        ws.writer.write(value, ws.encoder);
        ws.encoder.flush();
      } catch (final IOException | RuntimeException e) {
        throw new SerializationException(
            "Cannot encode " + type.getSimpleName() + " as Avro: " + e.getMessage(), e);
      }
      return ws.out.toByteArray();
    }
  }

  private final class AvroDeserializer implements Deserializer<T> {
    @Override
    public T deserialize(final String topic, final byte[] bytes) {
      if (bytes == null) {
        return null;
      }
      final Workspace<T> ws = workspace.get();
      ws.decoder = DecoderFactory.get().binaryDecoder(bytes, ws.decoder);
      final T value;
      try {
        value = ws.reader.read(null, ws.bounded.reset(ws.decoder, bytes.length));
      } catch (final IOException | RuntimeException e) {
        // garbage can fail anywhere inside Avro (EOF, negative lengths, bad union index, ...)
        throw new EventDecodingException(
            EventDecodingException.Reason.UNDECODABLE_AVRO,
            "Not a " + type.getSimpleName() + " in Avro binary (" + bytes.length + " bytes): "
                + describe(e),
            e);
      }
      final boolean trailing;
      try {
        trailing = !ws.bounded.isEnd();
      } catch (final IOException e) {
        throw new EventDecodingException(
            EventDecodingException.Reason.UNDECODABLE_AVRO, "Cannot read Avro input: " + describe(e), e);
      }
      if (trailing) {
        throw new EventDecodingException(
            EventDecodingException.Reason.UNDECODABLE_AVRO,
            "Not a " + type.getSimpleName() + " in Avro binary: trailing bytes after the record ("
                + bytes.length + " bytes in all)");
      }
      return value;
    }
  }

  private static String describe(final Throwable e) {
    final String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
