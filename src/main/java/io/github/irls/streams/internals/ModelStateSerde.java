package io.github.irls.streams.internals;

import io.github.irls.glm.ProgressiveValidation;
import java.util.Optional;
import java.util.OptionalDouble;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.StepStatus;
import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.streams.ModelState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link ModelState} in the models store and its changelog (big-endian): format byte
 * 2, int p, long version, long eventsTotal, double weightTotal, long lateEventsTotal, long
 * lastWindowEnd, long updatedAtMs, long stepsSinceReset, then the status, the status reason and the feature names as
 * strings (int length, UTF-8 bytes; the names preceded by their int count), then d coefficients, d
 * standard errors and d(d+1)/2 packed precision values; then (format 3) byte 1 and the last window's
 * progressive validation (weight, log-loss, Brier, expected and observed positives, AUC, its error
 * bound, log-loss z; NaN for an absent one) or byte 0 for none, and byte drift-suspected. Written
 * once per closed window, never per event. Formats 1 (before the status reason, names and update
 * time were kept) and 2 (before the validation) are still read.
 */
public final class ModelStateSerde implements Serde<ModelState> {

  static final byte FORMAT = 3;
  static final byte FORMAT_2 = 2;
  static final byte FORMAT_1 = 1;
  private static final int VALIDATION_BYTES = 1 + 8 * 8 + 1;

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
    final byte[] status = utf8(s.status().name());
    final byte[] reason = utf8(s.statusReason());
    final byte[][] names = new byte[s.featureNames().size()][];
    int namesSize = 4;
    for (int j = 0; j < names.length; j++) {
      names[j] = utf8(s.featureNames().get(j));
      namesSize += 4 + names[j].length;
    }
    final int size = 1 + 4 + 8 * 7 + 4 + status.length + 4 + reason.length + namesSize
        + 8 * (2 * d + PackedSymmetric.size(d)) + VALIDATION_BYTES;
    final ByteBuffer b = ByteBuffer.allocate(size);
    b.put(FORMAT).putInt(s.features()).putLong(s.version()).putLong(s.eventsTotal())
        .putDouble(s.weightTotal()).putLong(s.lateEventsTotal()).putLong(s.lastWindowEnd())
        .putLong(s.updatedAtMs()).putLong(s.stepsSinceReset());
    b.putInt(status.length).put(status).putInt(reason.length).put(reason).putInt(names.length);
    for (final byte[] name : names) {
      b.putInt(name.length).put(name);
    }
    final Posterior posterior = s.posterior();
    for (final double v : posterior.coefficients()) {
      b.putDouble(v);
    }
    for (final double v : posterior.stdErrors()) {
      b.putDouble(v);
    }
    for (final double v : posterior.packedPrecision()) {
      b.putDouble(v);
    }
    if (s.validation().isPresent()) {
      final ProgressiveValidation v = s.validation().get();
      b.put((byte) 1).putDouble(v.weight()).putDouble(v.logLoss()).putDouble(v.brier())
          .putDouble(v.expectedPositives()).putDouble(v.observedPositives()).putDouble(v.auc().orElse(Double.NaN))
          .putDouble(v.aucErrorBound().orElse(Double.NaN)).putDouble(v.logLossZ().orElse(Double.NaN));
    } else {
      b.put((byte) 0).put(new byte[8 * 8]);
    }
    b.put((byte) (s.driftSuspected() ? 1 : 0));
    return b.array();
  }

  static ModelState decode(final byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      final ByteBuffer b = ByteBuffer.wrap(bytes);
      final byte format = b.get();
      if (format != FORMAT && format != FORMAT_2 && format != FORMAT_1) {
        throw new SerializationException("Unknown model state format " + format);
      }
      final int p = b.getInt();
      final long version = b.getLong();
      final long eventsTotal = b.getLong();
      final double weightTotal = b.getDouble();
      final long late = b.getLong();
      final long lastEnd = b.getLong();
      final boolean since2 = format != FORMAT_1;
      final long updatedAt = since2 ? b.getLong() : -1;
      // format 1 knew no step count: such a model counts as warmed up (it has a version)
      final long steps = since2 ? b.getLong() : version;
      final String statusName = string(b);
      final String reason = since2 ? string(b) : "";
      final List<String> names = new ArrayList<>();
      if (since2) {
        final int count = b.getInt();
        for (int j = 0; j < count; j++) {
          names.add(string(b));
        }
      }
      final int d = p + 1;
      final double[] coefficients = doubles(b, d);
      final double[] se = doubles(b, d);
      final double[] precision = doubles(b, PackedSymmetric.size(d));
      Optional<ProgressiveValidation> validation = Optional.empty();
      boolean drift = false;
      if (format == FORMAT) {
        final boolean present = b.get() != 0;
        final double[] v = doubles(b, 8);
        if (present) {
          validation = Optional.of(new ProgressiveValidation(v[0], v[1], v[2], v[3], v[4], optional(v[5]),
              optional(v[6]), optional(v[7])));
        }
        drift = b.get() != 0;
      }
      if (b.hasRemaining()) {
        throw new SerializationException("Trailing bytes after a model state");
      }
      final StepStatus status = statusName.isEmpty() ? StepStatus.NO_UPDATE_YET : StepStatus.valueOf(statusName);
      return new ModelState(p, version, eventsTotal, weightTotal, late, lastEnd, status, reason, names, updatedAt,
          steps, new Posterior(coefficients, se, precision), validation, drift);
    } catch (final RuntimeException e) {
      if (e instanceof SerializationException se) {
        throw se;
      }
      throw new SerializationException("Corrupt model state (" + bytes.length + " bytes)", e);
    }
  }

  private static OptionalDouble optional(final double v) {
    return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  private static byte[] utf8(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(final ByteBuffer b) {
    final int length = b.getInt();
    if (length < 0 || length > b.remaining()) {
      throw new SerializationException("Corrupt string length " + length + " in a model state");
    }
    final byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static double[] doubles(final ByteBuffer b, final int n) {
    final double[] v = new double[n];
    b.asDoubleBuffer().get(v);
    b.position(b.position() + 8 * n);
    return v;
  }
}
