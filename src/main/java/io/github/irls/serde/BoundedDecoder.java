package io.github.irls.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A decoder over one payload that refuses any array, map, string or bytes length larger than the
 * payload itself (or negative).
 *
 * <p>Avro's fast reader allocates an array of the announced block count before reading a single
 * item, so five garbage bytes announcing a billion doubles cost gigabytes of heap and tens of
 * seconds. Every item of this project's schemas takes at least one byte, so a count above the
 * payload length is proof of corruption and fails at once.
 */
final class BoundedDecoder extends Decoder {

  private BinaryDecoder in;
  private long limit;

  /** Points this decoder at {@code in}, which reads a payload of {@code length} bytes. */
  BoundedDecoder reset(final BinaryDecoder in, final int length) {
    this.in = in;
    this.limit = length;
    return this;
  }

  /** True when the whole payload has been consumed. */
  boolean isEnd() throws IOException {
    return in.isEnd();
  }

  private long bounded(final long count, final String what) throws IOException {
    if (count > limit || count < -limit || (count < 0 && what.endsWith("length"))) {
      throw new EOFException(
          what + " of " + count + " announced in a payload of only " + limit + " bytes");
    }
    return count;
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public Utf8 readString(final Utf8 old) throws IOException {
    // the binary encoding of a string is its byte length as a long, then the UTF-8 bytes
    final int length = (int) bounded(in.readLong(), "a string length");
    final Utf8 result = old == null ? new Utf8() : old;
    result.setByteLength(length);
    in.readFixed(result.getBytes(), 0, length);
    return result;
  }

  @Override
  public String readString() throws IOException {
    final int length = (int) bounded(in.readLong(), "a string length");
    final byte[] bytes = new byte[length];
    in.readFixed(bytes, 0, length);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public void skipString() throws IOException {
    in.skipString();
  }

  @Override
  public ByteBuffer readBytes(final ByteBuffer old) throws IOException {
    final int length = (int) bounded(in.readLong(), "a bytes length");
    final ByteBuffer result =
        old != null && old.hasArray() && old.capacity() >= length ? old.clear() : ByteBuffer.allocate(length);
    in.readFixed(result.array(), result.arrayOffset(), length);
    result.limit(length);
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipBytes();
  }

  @Override
  public void readFixed(final byte[] bytes, final int start, final int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(final int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return bounded(in.readArrayStart(), "an array block");
  }

  @Override
  public long arrayNext() throws IOException {
    return bounded(in.arrayNext(), "an array block");
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long readMapStart() throws IOException {
    return bounded(in.readMapStart(), "a map block");
  }

  @Override
  public long mapNext() throws IOException {
    return bounded(in.mapNext(), "a map block");
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
