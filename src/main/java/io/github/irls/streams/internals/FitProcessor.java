package io.github.irls.streams.internals;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.glm.Design;
import io.github.irls.glm.FitOptions;
import io.github.irls.glm.FitStatus;
import io.github.irls.glm.GlmFit;
import io.github.irls.glm.IrlsFitter;
import io.github.irls.glm.Prior;
import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.glm.linalg.SpdSolver;
import io.github.irls.streams.DeadLetterReason;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.StepMode;
import io.github.irls.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The fitting processor: appends each valid event to its key's open window and, when the window
 * closes (by count, by event time, or idle by wall clock), runs one streaming step of the math core
 * with the previous posterior as prior, stores the new model and publishes a {@link
 * CoefficientUpdate}.
 *
 * <p>Per event it reads and writes one 61-byte window record and writes one {@code O(p)} event
 * record; the {@code O(d^2)} model is read and written only when a window closes.
 */
public final class FitProcessor extends ContextualProcessor<byte[], ValidEvent, Object, Object> {

  private static final ByteArraySerializer PREFIX_SERIALIZER = new ByteArraySerializer();

  private final TopologySettings settings;
  private final String modelsStoreName;
  private final String windowsStoreName;
  private final String eventsStoreName;
  private final String coefficientsChild;
  private final String deadLetterChild;
  private final FitOptions baseOptions;
  private final String stepModeName;

  private KeyValueStore<String, ModelState> models;
  private KeyValueStore<Bytes, byte[]> windows;
  private KeyValueStore<Bytes, byte[]> events;

  // Reused across events and windows: nothing on the per-event path allocates beyond the two
  // arrays the stores keep.
  private final WindowMeta meta = new WindowMeta();
  private final WindowMeta scanned = new WindowMeta();
  private final Map<Integer, Design.Builder> builders = new HashMap<>();
  private final Map<Integer, List<String>> names = new HashMap<>();
  private final List<Bytes> closedEventKeys = new ArrayList<>();
  private final List<byte[]> idleKeys = new ArrayList<>();
  private double[] row = new double[1];
  private long initWallClockMs;

  public FitProcessor(
      final TopologySettings settings,
      final String modelsStoreName,
      final String windowsStoreName,
      final String eventsStoreName,
      final String coefficientsChild,
      final String deadLetterChild) {
    this.settings = settings;
    this.modelsStoreName = modelsStoreName;
    this.windowsStoreName = windowsStoreName;
    this.eventsStoreName = eventsStoreName;
    this.coefficientsChild = coefficientsChild;
    this.deadLetterChild = deadLetterChild;
    this.baseOptions =
        FitOptions.defaults()
            .withSingleStep(settings.stepMode() == StepMode.NEWTON)
            .withMaxIterations(settings.maxIterations())
            .withNullDeviance(false)
            .withWarmStart(false);
    this.stepModeName = settings.stepMode().configName();
  }

  /** How often the idle check runs: often enough to close within a second of the idle time. */
  static long punctuationIntervalMs(final long idleCloseMs) {
    return Math.max(1, Math.min(idleCloseMs, 1000));
  }

  @Override
  public void init(final ProcessorContext<Object, Object> context) {
    super.init(context);
    models = context.getStateStore(modelsStoreName);
    windows = context.getStateStore(windowsStoreName);
    events = context.getStateStore(eventsStoreName);
    // Windows restored from the changelog count as active from now: a restart or rebalance is not
    // idleness of the key, and closing them early would change the trajectory.
    initWallClockMs = context.currentSystemTimeMs();
    context.schedule(
        Duration.ofMillis(punctuationIntervalMs(settings.idleCloseMs())),
        PunctuationType.WALL_CLOCK_TIME,
        this::closeIdleWindows);
  }

  @Override
  public void process(final Record<byte[], ValidEvent> record) {
    final byte[] key = record.key();
    final ValidEvent valid = record.value();
    final LabeledEvent event = valid.event();
    final List<Double> features = event.getFeatures();
    final int p = features.size();
    final Bytes windowKey = Bytes.wrap(key);
    if (!meta.read(windows.get(windowKey))) {
      meta.reset(p); // the key's first event fixes its feature count
    } else if (meta.features != p) {
      context().forward(
          record.withValue(
              new Rejection(valid.rawValue(), DeadLetterReason.WRONG_FEATURE_COUNT,
                  "The event has " + p + " features; model '" + new String(key, StandardCharsets.UTF_8)
                      + "' has " + meta.features + " (fixed by its first event)")),
          deadLetterChild);
      return;
    }
    final long time = valid.time();
    if (meta.count > 0 && time - meta.start >= settings.windowMs()) {
      closeWindow(key, meta); // the event belongs to the next window
    }
    if (meta.count == 0) {
      meta.start = time;
      meta.end = time;
    } else {
      if (meta.start - time > settings.graceMs()) {
        meta.late++;
      }
      meta.end = Math.max(meta.end, time);
    }
    events.put(
        Bytes.wrap(EventRows.key(key, meta.nextSeq)),
        EventRows.value(features, event.getLabel(), event.getWeight(), event.getOffset()));
    meta.nextSeq++;
    meta.count++;
    meta.weight += event.getWeight();
    meta.lastActivityMs = context().currentSystemTimeMs();
    if (meta.count >= settings.windowEvents()) {
      closeWindow(key, meta);
    }
    windows.put(windowKey, meta.encode());
  }

  private void closeIdleWindows(final long now) {
    idleKeys.clear();
    try (KeyValueIterator<Bytes, byte[]> it = windows.all()) {
      while (it.hasNext()) {
        final KeyValue<Bytes, byte[]> kv = it.next();
        if (scanned.read(kv.value)
            && scanned.count > 0
            && now - Math.max(scanned.lastActivityMs, initWallClockMs) >= settings.idleCloseMs()) {
          idleKeys.add(kv.key.get());
        }
      }
    }
    // closed after the scan: the stores are not modified under an open iterator
    for (final byte[] key : idleKeys) {
      final Bytes windowKey = Bytes.wrap(key);
      if (meta.read(windows.get(windowKey)) && meta.count > 0) {
        closeWindow(key, meta);
        windows.put(windowKey, meta.encode());
      }
    }
    idleKeys.clear();
  }

  /**
   * Folds the open window of {@code rawKey} into its model and publishes the update; {@code m} is
   * modified (its window emptied) and the caller writes it back.
   */
  private void closeWindow(final byte[] rawKey, final WindowMeta m) {
    final int p = m.features;
    final int d = p + 1;
    final Design.Builder builder = builders.computeIfAbsent(p, k -> Design.builder(k, 256));
    builder.clear();
    if (row.length < p) {
      row = new double[p];
    }
    closedEventKeys.clear();
    try (KeyValueIterator<Bytes, byte[]> it = events.prefixScan(EventRows.prefix(rawKey), PREFIX_SERIALIZER)) {
      while (it.hasNext()) {
        final KeyValue<Bytes, byte[]> kv = it.next();
        closedEventKeys.add(kv.key);
        EventRows.addTo(builder, kv.value, p, row);
      }
    }
    for (final Bytes k : closedEventKeys) {
      events.put(k, null);
    }
    closedEventKeys.clear();
    final int n = builder.rows();
    final long start = m.start;
    final long end = m.end;
    final double windowWeight = m.weight;
    final long late = m.late;
    m.clearWindow();
    if (n == 0) {
      return; // empty windows publish nothing
    }

    final String modelKey = new String(rawKey, StandardCharsets.UTF_8);
    final ModelState previous = currentModel(modelKey, p);
    final GlmFit fit =
        IrlsFitter.fit(
            builder.build(),
            Prior.of(previous.coefficients(), previous.packedPrecision(), settings.gamma()),
            baseOptions.withStart(previous.coefficients()));

    String status = fit.status().name();
    String reason = fit.statusReason();
    boolean accepted = fit.status() != FitStatus.NON_FINITE && fit.status() != FitStatus.EMPTY;
    if (accepted
        && !(allFinite(fit.coefficients()) && allFinite(fit.stdErrors()) && allFinite(fit.packedPrecision()))) {
      accepted = false;
      status = FitStatus.NON_FINITE.name();
      reason = "the step produced non-finite coefficients, standard errors or information"
          + (reason.isEmpty() ? "" : " (" + fit.status() + ": " + reason + ")");
    }
    if (!accepted) {
      reason = (reason.isEmpty() ? status : reason) + "; the step was refused and the previous model kept";
    }
    final ModelState next =
        accepted
            ? new ModelState(p, previous.version() + 1, previous.eventsTotal() + n,
                previous.weightTotal() + windowWeight, previous.lateEventsTotal() + late, end, status,
                fit.coefficients(), fit.stdErrors(), fit.packedPrecision())
            : new ModelState(p, previous.version() + 1, previous.eventsTotal(), previous.weightTotal(),
                previous.lateEventsTotal(), end, status, previous.coefficients(), previous.stdErrors(),
                previous.packedPrecision());
    models.put(modelKey, next);

    final CoefficientUpdate update =
        CoefficientUpdate.newBuilder()
            .setModelKey(modelKey)
            .setVersion(next.version())
            .setWindowStart(start)
            .setWindowEnd(end)
            .setWindowEvents(n)
            .setWindowWeight(windowWeight)
            .setEventsTotal(next.eventsTotal())
            .setWeightTotal(next.weightTotal())
            .setLateEvents(late)
            .setFeatureNames(names.computeIfAbsent(p, FitProcessor::defaultNames))
            .setCoefficients(boxed(next.coefficients()))
            .setStdErrors(boxed(next.stdErrors()))
            .setCovariance(settings.publishCovariance() ? covariance(fit, accepted, next) : null)
            .setWindowLoglik(fit.startLogLikelihood())
            .setGradientNorm(fit.startGradientNorm())
            .setStepNorm(accepted ? fit.stepNorm() : 0.0)
            .setIterations(fit.iterations())
            .setStepMode(stepModeName)
            .setStatus(status)
            .setStatusReason(reason)
            .setRidgeAdded(fit.ridgeAdded())
            .build();
    context().forward(new Record<Object, Object>(modelKey, update, Math.max(0L, end)), coefficientsChild);
  }

  /** The stored model, or the prior {@code b_0 = 0, P_0 = diag(lambda.intercept, lambda, ...)}. */
  private ModelState currentModel(final String modelKey, final int p) {
    final ModelState stored = models.get(modelKey);
    if (stored != null && stored.features() == p) {
      return stored;
    }
    final int d = p + 1;
    final double[] precision = Prior.ridge(d, settings.lambdaIntercept(), settings.lambda()).packedPrecision();
    final double[] se = new double[d];
    for (int j = 0; j < d; j++) {
      final double q = precision[PackedSymmetric.rowStart(d, j)];
      se[j] = q > 0 ? 1.0 / Math.sqrt(q) : Double.POSITIVE_INFINITY;
    }
    return new ModelState(p, stored == null ? 0 : stored.version(), 0, 0.0, 0, -1, "", new double[d], se,
        precision);
  }

  private static List<Double> covariance(final GlmFit fit, final boolean accepted, final ModelState model) {
    final int d = model.dimension();
    final List<Double> out = new ArrayList<>(d * d);
    if (accepted) {
      for (final double[] r : fit.vcov()) {
        for (final double v : r) {
          out.add(v);
        }
      }
      return out;
    }
    final double[] inverse =
        SpdSolver.solve(model.packedPrecision(), new double[d], new boolean[d]).packedInverse();
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        out.add(inverse[PackedSymmetric.index(d, i, j)]);
      }
    }
    return out;
  }

  private static List<String> defaultNames(final int p) {
    final String[] n = new String[p + 1];
    n[0] = "intercept";
    for (int j = 1; j <= p; j++) {
      n[j] = "x" + j;
    }
    return List.of(n);
  }

  private static List<Double> boxed(final double[] v) {
    final List<Double> out = new ArrayList<>(v.length);
    for (final double x : v) {
      out.add(x);
    }
    return out;
  }

  private static boolean allFinite(final double[] v) {
    for (final double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
