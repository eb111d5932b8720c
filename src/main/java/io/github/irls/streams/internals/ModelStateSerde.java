package io.github.irls.streams.internals;

import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.streams.ModelState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link ModelState} in the models store and its changelog: format byte 1, int p,
 * long version, long eventsTotal, double weightTotal, long lateEventsTotal, long lastWindowEnd, int
 * length and UTF-8 bytes of lastStatus, then d coefficients, d standard errors and d(d+1)/2 packed
 * precision values. Written once per closed window, never per event.
 */
public final class ModelStateSerde implements Serde<ModelState> {

  static final byte FORMAT = 1;

  private final Serializer<ModelState> serializer = (topic, state) -> encode(state);
  private final Deserializer<ModelState> deserializer = (topic, bytes) -> decode(bytes);

  @Override
  public Serializer<ModelState> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<ModelState> deserializer() {
    return deserializer;
  }

  static byte[] encode(final ModelState s) {
    if (s == null) {
      return null;
    }
    final int d = s.dimension();
    final byte[] status = s.lastStatus().getBytes(StandardCharsets.UTF_8);
    final int size = 1 + 4 + 8 * 5 + 4 + status.length + 8 * (2 * d + PackedSymmetric.size(d));
    final ByteBuffer b = ByteBuffer.allocate(size);
    b.put(FORMAT).putInt(s.features()).putLong(s.version()).putLong(s.eventsTotal())
        .putDouble(s.weightTotal()).putLong(s.lateEventsTotal()).putLong(s.lastWindowEnd())
        .putInt(status.length).put(status);
    for (final double v : s.coefficients()) {
      b.putDouble(v);
    }
    for (final double v : s.stdErrors()) {
      b.putDouble(v);
    }
    for (final double v : s.packedPrecision()) {
      b.putDouble(v);
    }
    return b.array();
  }

  static ModelState decode(final byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      final ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.get() != FORMAT) {
        throw new SerializationException("Unknown model state format " + bytes[0]);
      }
      final int p = b.getInt();
      final long version = b.getLong();
      final long eventsTotal = b.getLong();
      final double weightTotal = b.getDouble();
      final long late = b.getLong();
      final long lastEnd = b.getLong();
      final byte[] status = new byte[b.getInt()];
      b.get(status);
      final int d = p + 1;
      final double[] coefficients = doubles(b, d);
      final double[] se = doubles(b, d);
      final double[] precision = doubles(b, PackedSymmetric.size(d));
      if (b.hasRemaining()) {
        throw new SerializationException("Trailing bytes after a model state");
      }
      return new ModelState(p, version, eventsTotal, weightTotal, late, lastEnd,
          new String(status, StandardCharsets.UTF_8), coefficients, se, precision);
    } catch (final RuntimeException e) {
      if (e instanceof SerializationException se) {
        throw se;
      }
      throw new SerializationException("Corrupt model state (" + bytes.length + " bytes)", e);
    }
  }

  private static double[] doubles(final ByteBuffer b, final int n) {
    final double[] v = new double[n];
    b.asDoubleBuffer().get(v);
    b.position(b.position() + 8 * n);
    return v;
  }
}
