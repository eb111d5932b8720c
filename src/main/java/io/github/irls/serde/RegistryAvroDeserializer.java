package io.github.irls.serde;

import io.github.irls.registry.Framing;
import io.github.irls.registry.WriterSchemas;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads values of a generated record class written either way: framed by a registry-aware
 * serializer (magic byte, schema id, then Avro written with that schema, resolved to {@code type}'s
 * schema), or plain Avro binary of {@code type}. For consumers of a topic whose producer may frame
 * (e.g. the coefficients topic with {@code output.format=registry-avro}, or across a switch of it).
 *
 * <p>A value starting with the magic byte is read as framed when a registry is given; should its id
 * be unknown or its bytes not fit the writer schema, it is read as plain Avro if that works (plain
 * Avro of a record whose first field is an empty string starts with a zero byte too). While the
 * registry cannot be asked, {@link SchemaRegistryUnavailableException} (the cause of the thrown
 * {@link SerializationException}) tells the caller to try the record again rather than skip it.
 * Thread-safe.
 */
public final class RegistryAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  private final AvroSerde<T> plain;
  private final Optional<WriterSchemas> schemas;
  private final Duration wait;
  private final Schema reader;
  private final Map<Integer, SpecificDatumReader<T>> readers = new HashMap<>();
  private final ThreadLocal<BinaryDecoder> decoder = new ThreadLocal<>();

  /**
   * @param type the generated class read
   * @param schemas the writer schemas of framed values (empty: every value is plain Avro)
   * @param wait how long one value may wait for the registry before it is given back as unavailable
   */
  public RegistryAvroDeserializer(final Class<T> type, final Optional<WriterSchemas> schemas, final Duration wait) {
    this.plain = AvroSerde.of(type);
    this.schemas = schemas;
    this.wait = wait;
    this.reader = SpecificData.get().getSchema(type);
  }

  @Override
  public T deserialize(final String topic, final byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (schemas.isEmpty() || !Framing.isFramed(bytes)) {
      return plain.decode(bytes);
    }
    final int id = Framing.id(bytes);
    final WriterSchemas.Entry entry;
    try {
      entry = schemas.get().resolve(id, wait);
    } catch (final TimeoutException e) {
      throw new SerializationException("The schema registry cannot be asked for schema id " + id + ": "
          + e.getMessage(), new SchemaRegistryUnavailableException(e.getMessage()));
    }
    final Optional<T> framed = entry instanceof WriterSchemas.Ready ready ? read(id, ready.schema(), bytes)
        : Optional.empty();
    if (framed.isPresent()) {
      return framed.get();
    }
    try {
      return plain.decode(bytes);
    } catch (final EventDecodingException e) {
      throw new SerializationException("Not a " + reader.getName() + " framed with schema id " + id
          + (entry instanceof WriterSchemas.Ready ? " (it does not read with that schema)" : " (" + entry + ")")
          + ", nor plain Avro: " + e.getMessage(), e);
    }
  }

  private Optional<T> read(final int id, final Schema writer, final byte[] bytes) {
    final SpecificDatumReader<T> datumReader;
    synchronized (readers) {
      datumReader = readers.computeIfAbsent(id, k -> AvroSerde.trust(new SpecificDatumReader<>(writer, reader)));
    }
    final BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, Framing.HEADER_BYTES,
        bytes.length - Framing.HEADER_BYTES, decoder.get());
    decoder.set(in);
    try {
      synchronized (datumReader) {
        final T value = datumReader.read(null, new BoundedDecoder().reset(in, bytes.length - Framing.HEADER_BYTES));
        return in.isEnd() ? Optional.of(value) : Optional.empty();
      }
    } catch (final IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
