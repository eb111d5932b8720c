package io.github.irls.registry;

import java.util.OptionalInt;

/**
 * The wire format of registry-aware Avro serializers (Confluent's, and Karapace's, Redpanda's and
 * Apicurio 3's by default): a magic byte {@code 0}, the writer schema's id as a 4-byte big-endian
 * int, then the Avro binary of the record written with that schema.
 */
public final class Framing {

  /** The first byte of every framed record. */
  public static final byte MAGIC = 0;

  /** Bytes before the Avro binary: the magic byte and the id. */
  public static final int HEADER_BYTES = 5;

  private Framing() {}

  /** The schema id of a framed record, or empty when {@code bytes} is null, too short or has another first byte. */
  public static OptionalInt schemaId(final byte[] bytes) {
    return isFramed(bytes) ? OptionalInt.of(id(bytes)) : OptionalInt.empty();
  }

  /** Whether {@code bytes} starts with the magic byte and holds a whole id. */
  public static boolean isFramed(final byte[] bytes) {
    return bytes != null && bytes.length >= HEADER_BYTES && bytes[0] == MAGIC;
  }

  /** The id of a record for which {@link #isFramed} holds. */
  public static int id(final byte[] bytes) {
    return (bytes[1] & 0xff) << 24 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 8 | (bytes[4] & 0xff);
  }

  /** {@code avro} framed with schema id {@code id}: a new array. */
  public static byte[] frame(final int id, final byte[] avro) {
    final byte[] framed = new byte[HEADER_BYTES + avro.length];
    framed[0] = MAGIC;
    framed[1] = (byte) (id >>> 24);
    framed[2] = (byte) (id >>> 16);
    framed[3] = (byte) (id >>> 8);
    framed[4] = (byte) id;
    System.arraycopy(avro, 0, framed, HEADER_BYTES, avro.length);
    return framed;
  }
}
