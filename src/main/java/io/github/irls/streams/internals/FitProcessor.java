package io.github.irls.streams.internals;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.avro.ModelSpec;
import io.github.irls.serde.AvroSerde;
import io.github.irls.glm.Design;
import io.github.irls.glm.FitOptions;
import io.github.irls.glm.FitStatus;
import io.github.irls.glm.GlmFit;
import io.github.irls.glm.IrlsFitter;
import io.github.irls.glm.Prior;
import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.glm.linalg.SpdSolver;
import io.github.irls.glm.linalg.Vectors;
import io.github.irls.streams.DeadLetterReason;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.StepListener;
import io.github.irls.streams.StepMode;
import io.github.irls.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
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
 * CoefficientUpdate}. It also receives the key's {@link SpecChange}s: it owns the model-specs store,
 * and a tombstone closes the open window under the old spec and resets the model.
 *
 * <p>Per event it reads and writes one 61-byte window record and writes one {@code O(p)} event
 * record; the {@code O(d^2)} model is read and written only when a window closes.
 *
 * <p>Numerical guards of a step, each published as the update's status: a non-positive-definite
 * information gets the fitter's smallest ridge ({@code NOT_POSITIVE_DEFINITE}, amount in {@code
 * ridge_added}); suspected separation (fitted probabilities numerically 0 or 1 after a step that
 * moved the linear predictor by more than {@value #MAX_ETA_STEP}) caps the step to that
 * ({@code SEPARATION}); a non-finite step is refused and the previous model kept ({@code
 * NON_FINITE}).
 */
public final class FitProcessor extends ContextualProcessor<byte[], Object, Object, Object> {

  private static final ByteArraySerializer PREFIX_SERIALIZER = new ByteArraySerializer();

  /** The most a capped step may move any window event's linear predictor (logit units). */
  static final double MAX_ETA_STEP = 10.0;

  /** Beyond this |eta| a fitted probability is numerically 0 or 1 (R clamps the logit mean here). */
  static final double EXTREME_ETA = 30.0;

  /** The lastStatus of a model reset by a tombstone, until its next step. */
  public static final String RESET_STATUS = "RESET";

  /** The status_reason of the first update after a reset. */
  public static final String RESET_REASON = "model reset by tombstone";

  /** Cached effective specs beyond this many keys are dropped (and re-read from the store). */
  static final int MAX_CACHED_SPECS = 10_000;

  private final TopologySettings settings;
  private final String modelsStoreName;
  private final String windowsStoreName;
  private final String eventsStoreName;
  private final String specsStoreName;
  private final String coefficientsChild;
  private final String deadLetterChild;
  private final FitOptions baseOptions;
  private final String stepModeName;

  private KeyValueStore<String, ModelState> models;
  private KeyValueStore<Bytes, byte[]> windows;
  private KeyValueStore<Bytes, byte[]> events;
  private KeyValueStore<String, byte[]> specs;
  private final Map<Bytes, EffectiveSpec> specCache = new HashMap<>();
  private final Deserializer<ModelSpec> specDecoder = AvroSerde.of(ModelSpec.class).deserializer();
  private final EffectiveSpec defaultSpec;

  // Reused across events and windows: nothing on the per-event path allocates beyond the two
  // arrays the stores keep.
  private final WindowMeta meta = new WindowMeta();
  private final WindowMeta scanned = new WindowMeta();
  private final Map<Integer, Design.Builder> builders = new HashMap<>();
  private final List<Bytes> closedEventKeys = new ArrayList<>();
  private final List<byte[]> idleKeys = new ArrayList<>();
  private double[] row = new double[1];
  private long initWallClockMs;
  private final StepListener steps;

  public FitProcessor(
      final TopologySettings settings,
      final String modelsStoreName,
      final String windowsStoreName,
      final String eventsStoreName,
      final String specsStoreName,
      final String coefficientsChild,
      final String deadLetterChild,
      final StepListener steps) {
    this.settings = settings;
    this.steps = steps;
    this.modelsStoreName = modelsStoreName;
    this.windowsStoreName = windowsStoreName;
    this.eventsStoreName = eventsStoreName;
    this.specsStoreName = specsStoreName;
    this.defaultSpec = EffectiveSpec.defaults(settings);
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
    specs = context.getStateStore(specsStoreName);
    specCache.clear();
    // Windows restored from the changelog count as active from now: a restart or rebalance is not
    // idleness of the key, and closing them early would change the trajectory.
    initWallClockMs = context.currentSystemTimeMs();
    context.schedule(
        Duration.ofMillis(punctuationIntervalMs(settings.idleCloseMs())),
        PunctuationType.WALL_CLOCK_TIME,
        this::closeIdleWindows);
  }

  @Override
  public void process(final Record<byte[], Object> record) {
    if (record.value() instanceof SpecChange change) {
      applySpec(record, change);
      return;
    }
    final byte[] key = record.key();
    final ValidEvent valid = (ValidEvent) record.value();
    final LabeledEvent event = valid.event();
    final List<Double> features = event.getFeatures();
    final int p = features.size();
    final Bytes windowKey = Bytes.wrap(key);
    final EffectiveSpec spec = spec(key);
    final boolean known = meta.read(windows.get(windowKey));
    if (!known || meta.features < 0) {
      // the key's first event (or its first after a reset) fixes its feature count, unless the spec did
      if (spec.contradicts(p)) {
        context().forward(
            record.withValue(
                new Rejection(valid.rawValue(), DeadLetterReason.WRONG_FEATURE_COUNT,
                    "The event has " + p + " features; the model spec of '" + utf8(key) + "' names "
                        + spec.featureNames().size())),
            deadLetterChild);
        return;
      }
      if (known) {
        meta.features = p;
      } else {
        meta.reset(p);
      }
    } else if (meta.features != p) {
      context().forward(
          record.withValue(
              new Rejection(valid.rawValue(), DeadLetterReason.WRONG_FEATURE_COUNT,
                  "The event has " + p + " features; model '" + utf8(key)
                      + "' has " + meta.features + " (fixed by its first event)")),
          deadLetterChild);
      return;
    }
    final long time = valid.time();
    if (meta.count > 0 && time - meta.start >= spec.windowMs()) {
      closeWindow(key, meta, spec); // the event belongs to the next window
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
    if (meta.count >= spec.windowEvents()) {
      closeWindow(key, meta, spec);
    }
    windows.put(windowKey, meta.encode());
  }

  /**
   * Stores a valid spec (unless it names a different number of features than the key's events
   * have: then it is dead-lettered and the old spec stays), or, for a tombstone, closes the open
   * window under the old spec, forgets the spec and the key's feature count, and marks the model
   * reset: its next step starts from the prior, keeps counting versions and says so.
   */
  private void applySpec(final Record<byte[], Object> record, final SpecChange change) {
    final byte[] key = record.key();
    final String modelKey = utf8(key);
    final Bytes windowKey = Bytes.wrap(key);
    final boolean known = meta.read(windows.get(windowKey));
    if (change.spec().isEmpty()) {
      if (known) {
        if (meta.count > 0) {
          closeWindow(key, meta, spec(key));
        }
        meta.features = -1;
        windows.put(windowKey, meta.encode());
      }
      specs.delete(modelKey);
      specCache.remove(windowKey);
      final ModelState stored = models.get(modelKey);
      if (stored != null && !RESET_STATUS.equals(stored.lastStatus())) {
        final ModelState prior = prior(stored.features(), defaultSpec);
        models.put(modelKey, new ModelState(stored.features(), stored.version(), 0, 0.0, 0, -1, RESET_STATUS,
            prior.coefficients(), prior.stdErrors(), prior.packedPrecision()));
      }
      return;
    }
    final ModelSpec spec = change.spec().get();
    final List<String> names = spec.getFeatureNames();
    if (names != null && known && meta.features >= 0 && meta.features != names.size()) {
      context().forward(
          record.withValue(
              new Rejection(change.rawValue(), DeadLetterReason.SPEC_WRONG_FEATURE_COUNT,
                  "The model spec names " + names.size() + " features; model '" + modelKey + "' has "
                      + meta.features + "; the previous spec stays")),
          deadLetterChild);
      return;
    }
    specs.put(modelKey, change.rawValue());
    cacheSpec(windowKey, EffectiveSpec.of(spec, settings));
  }

  /** The key's effective spec: its stored model spec over the defaults. */
  private EffectiveSpec spec(final byte[] key) {
    final Bytes cacheKey = Bytes.wrap(key);
    final EffectiveSpec cached = specCache.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    final byte[] raw = specs.get(utf8(key));
    EffectiveSpec spec = defaultSpec;
    if (raw != null) {
      try {
        spec = EffectiveSpec.of(specDecoder.deserialize(null, raw), settings);
      } catch (final RuntimeException e) {
        spec = defaultSpec; // only validated specs are stored; unreadable means another version wrote it
      }
    }
    cacheSpec(cacheKey, spec);
    return spec;
  }

  private void cacheSpec(final Bytes key, final EffectiveSpec spec) {
    if (specCache.size() >= MAX_CACHED_SPECS && !specCache.containsKey(key)) {
      specCache.clear();
    }
    specCache.put(key, spec);
  }

  private static String utf8(final byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
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
        closeWindow(key, meta, spec(key));
        windows.put(windowKey, meta.encode());
      }
    }
    idleKeys.clear();
  }

  /**
   * Folds the open window of {@code rawKey} into its model and publishes the update; {@code m} is
   * modified (its window emptied) and the caller writes it back.
   */
  private void closeWindow(final byte[] rawKey, final WindowMeta m, final EffectiveSpec spec) {
    final int p = m.features;
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

    final String modelKey = utf8(rawKey);
    final ModelState stored = models.get(modelKey);
    final boolean reset = stored != null && RESET_STATUS.equals(stored.lastStatus());
    final ModelState previous =
        stored != null && stored.features() == p && !reset ? stored : startOver(stored, p, spec);
    final long stepStarted = System.nanoTime();
    final Design design = builder.build();
    final Prior prior = Prior.of(previous.coefficients(), previous.packedPrecision(), spec.gamma());
    final GlmFit fit = IrlsFitter.fit(design, prior, baseOptions.withStart(previous.coefficients()));
    final Step step = guard(design, prior, previous, fit);

    final ModelState next =
        step.accepted
            ? new ModelState(p, previous.version() + 1, previous.eventsTotal() + n,
                previous.weightTotal() + windowWeight, previous.lateEventsTotal() + late, end, step.status,
                step.coefficients, step.stdErrors, step.precision)
            : new ModelState(p, previous.version() + 1, previous.eventsTotal(), previous.weightTotal(),
                previous.lateEventsTotal(), end, step.status, previous.coefficients(), previous.stdErrors(),
                previous.packedPrecision());
    models.put(modelKey, next);

    final String reason = reset ? RESET_REASON + (step.reason.isEmpty() ? "" : "; " + step.reason) : step.reason;
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
            .setFeatureNames(spec.coefficientNames(p))
            .setCoefficients(boxed(next.coefficients()))
            .setStdErrors(boxed(next.stdErrors()))
            .setCovariance(settings.publishCovariance() ? covariance(fit, step, next) : null)
            .setWindowLoglik(saturated(fit.startLogLikelihood(), -Double.MAX_VALUE))
            .setGradientNorm(saturated(fit.startGradientNorm(), Double.MAX_VALUE))
            .setStepNorm(step.accepted ? saturated(step.stepNorm, Double.MAX_VALUE) : 0.0)
            .setIterations(fit.iterations())
            .setStepMode(stepModeName)
            .setStatus(step.status)
            .setStatusReason(reason)
            .setRidgeAdded(saturated(step.ridge, Double.MAX_VALUE))
            .build();
    context().forward(new Record<Object, Object>(modelKey, update, Math.max(0L, end)), coefficientsChild);
    steps.stepTaken(modelKey, System.nanoTime() - stepStarted);
  }

  /** The outcome of one step after the guards: what is stored and published. */
  private static final class Step {
    boolean accepted;
    String status;
    String reason;
    double[] coefficients;
    double[] stdErrors;
    double[] precision;
    double stepNorm;
    double ridge;
    /** Whether the step was capped (the fitter's covariance is then not the published one). */
    boolean capped;
  }

  /**
   * Applies the numerical guards to {@code fit}: refuses a non-finite step, and caps a step that
   * looks like separation (fitted probabilities numerically 0 or 1 after moving some event's linear
   * predictor by more than {@link #MAX_ETA_STEP}) to that move, re-evaluating the information at the
   * capped coefficients.
   */
  private Step guard(final Design design, final Prior prior, final ModelState previous, final GlmFit fit) {
    final Step step = new Step();
    step.status = fit.status().name();
    step.reason = fit.statusReason();
    step.coefficients = fit.coefficients();
    step.stdErrors = fit.stdErrors();
    step.precision = fit.packedPrecision();
    step.stepNorm = fit.stepNorm();
    step.ridge = fit.ridgeAdded();
    step.accepted = fit.status() != FitStatus.NON_FINITE && fit.status() != FitStatus.EMPTY;
    if (step.accepted && !(Vectors.allFinite(step.coefficients) && Vectors.allFinite(step.stdErrors) && Vectors.allFinite(step.precision))) {
      step.accepted = false;
      step.status = FitStatus.NON_FINITE.name();
      step.reason = "the step produced non-finite coefficients, standard errors or information"
          + (step.reason.isEmpty() ? "" : " (" + fit.status() + ": " + step.reason + ")");
    }
    if (step.accepted) {
      final double[] from = previous.coefficients();
      final double[] change = new double[from.length];
      for (int j = 0; j < change.length; j++) {
        change[j] = step.coefficients[j] - from[j];
      }
      final EtaScan scan = EtaScan.of(design, step.coefficients, change);
      // Runaway: a big move into numerically 0/1 fits, or (slowly, step by step) coefficients growing
      // while most of the window's fits are numerically 0 or 1, so that v has collapsed.
      final boolean runaway = scan.extreme > 0 && scan.maxChange > MAX_ETA_STEP;
      final boolean creeping = 2 * scan.extreme > design.rows() && norm(step.coefficients) > norm(from);
      if (runaway || creeping || fit.status() == FitStatus.SEPARATION) {
        step.status = FitStatus.SEPARATION.name();
        final String seen = scan.extreme + " of " + design.rows()
            + " fitted probabilities of the window are numerically 0 or 1";
        if (scan.maxChange > MAX_ETA_STEP) {
          final double scale = MAX_ETA_STEP / scan.maxChange;
          final double[] capped = new double[from.length];
          for (int j = 0; j < capped.length; j++) {
            capped[j] = from[j] + scale * change[j];
          }
          // the information at the capped coefficients: one evaluation, as a single step's start
          final GlmFit at = IrlsFitter.fit(design, prior, baseOptions.withSingleStep(true).withStart(capped));
          if (at.status() == FitStatus.NON_FINITE || !Vectors.allFinite(at.stdErrors()) || !Vectors.allFinite(at.packedPrecision())) {
            step.accepted = false;
            step.status = FitStatus.NON_FINITE.name();
            step.reason = "suspected separation, and the capped step is not finite";
          } else {
            step.coefficients = capped;
            step.stdErrors = at.stdErrors();
            step.precision = at.packedPrecision();
            step.stepNorm = scale * norm(change);
            step.ridge = Math.max(step.ridge, at.ridgeAdded());
            step.capped = true;
            step.reason = String.format(java.util.Locale.ROOT,
                "suspected separation: %s; the step would move the linear predictor by up to %.4g, "
                    + "capped to %.4g (%.4g of the step)", seen, scan.maxChange, MAX_ETA_STEP, scale);
          }
        } else {
          step.reason = "suspected separation: " + seen + (step.reason.isEmpty() ? "" : " (" + step.reason + ")");
        }
      }
    }
    if (step.accepted && FitStatus.OK.name().equals(step.status)) {
      final List<Integer> aliased = aliasedColumns(step.precision, step.coefficients.length);
      if (!aliased.isEmpty()) {
        step.status = FitStatus.NOT_POSITIVE_DEFINITE.name();
        step.reason = "information numerically singular: coefficient(s) " + aliased
            + " (0 = intercept) are linear combinations of earlier ones (R would report NA); "
            + "only the prior and round-off determine them, and their standard errors are huge";
      }
    }
    if (!step.accepted) {
      step.reason = (step.reason.isEmpty() ? step.status : step.reason)
          + "; the step was refused and the previous model kept";
    } else if (step.ridge > 0 && !FitStatus.NOT_POSITIVE_DEFINITE.name().equals(step.status)) {
      step.reason = step.reason + (step.reason.isEmpty() ? "" : "; ")
          + "information not positive definite; added a ridge of " + step.ridge;
    }
    return step;
  }

  /**
   * The columns of the packed SPD matrix that are numerically linear combinations of earlier ones,
   * by R's {@code qr} rule (tolerance 1e-7 on the column norm, so 1e-14 on the Schur complement
   * relative to the diagonal), from a Cholesky factorisation in column order.
   */
  static List<Integer> aliasedColumns(final double[] packed, final int d) {
    final List<Integer> aliased = new ArrayList<>();
    final boolean[] skip = new boolean[d];
    final double[][] l = new double[d][d];
    final double threshold = 1e-14;
    for (int j = 0; j < d; j++) {
      final double ajj = packed[PackedSymmetric.rowStart(d, j)];
      double s = ajj;
      for (int k = 0; k < j; k++) {
        if (!skip[k]) {
          s -= l[j][k] * l[j][k];
        }
      }
      if (!(ajj > 0) || s <= threshold * ajj) {
        skip[j] = true;
        aliased.add(j);
        continue;
      }
      final double ljj = Math.sqrt(s);
      for (int i = j + 1; i < d; i++) {
        double v = packed[PackedSymmetric.index(d, i, j)];
        for (int k = 0; k < j; k++) {
          if (!skip[k]) {
            v -= l[i][k] * l[j][k];
          }
        }
        l[i][j] = v / ljj;
      }
    }
    return aliased;
  }

  /** Per-window scan of the linear predictors at the new coefficients and of the step's change to them. */
  private static final class EtaScan {
    long extreme;
    double maxChange;

    static EtaScan of(final Design design, final double[] b, final double[] change) {
      final EtaScan scan = new EtaScan();
      final int p = design.features();
      final double[] x = new double[Math.max(1, p)];
      final double[] w = design.weight();
      final double[] o = design.offset();
      for (int i = 0; i < design.rows(); i++) {
        design.row(i, x);
        double eta = o[i] + b[0];
        double delta = change[0];
        for (int j = 0; j < p; j++) {
          eta += b[j + 1] * x[j];
          delta += change[j + 1] * x[j];
        }
        if (w[i] > 0 && Math.abs(eta) > EXTREME_ETA) {
          scan.extreme++;
        }
        scan.maxChange = Math.max(scan.maxChange, Math.abs(delta));
      }
      return scan;
    }
  }

  /**
   * The prior {@code b_0 = 0, P_0 = diag(lambda.intercept, lambda, ...)} of the key's spec, with the
   * version of {@code stored} (if any) so that versions keep increasing across a reset.
   */
  private static ModelState startOver(final ModelState stored, final int p, final EffectiveSpec spec) {
    final ModelState prior = prior(p, spec);
    return new ModelState(p, stored == null ? 0 : stored.version(), 0, 0.0, 0, -1, "", prior.coefficients(),
        prior.stdErrors(), prior.packedPrecision());
  }

  /**
   * {@code b_0 = 0, P_0 = diag(lambda.intercept, lambda, ...)}. A zero penalty becomes the smallest
   * normal double: numerically it adds nothing to any information, but it keeps the fitter from
   * treating the step as a plain glm that drops aliased columns (R's NA has no place in a streaming
   * posterior; a singular information gets the smallest ridge instead, and says so) and keeps the
   * standard errors of a model with no data finite.
   */
  static ModelState prior(final int p, final EffectiveSpec spec) {
    final int d = p + 1;
    final double[] precision =
        Prior.ridge(d, Math.max(spec.lambdaIntercept(), Double.MIN_NORMAL), Math.max(spec.lambda(), Double.MIN_NORMAL))
            .packedPrecision();
    final double[] se = new double[d];
    for (int j = 0; j < d; j++) {
      se[j] = Math.min(Double.MAX_VALUE, 1.0 / Math.sqrt(precision[PackedSymmetric.rowStart(d, j)]));
    }
    return new ModelState(p, 0, 0, 0.0, 0, -1, "", new double[d], se, precision);
  }

  private static List<Double> covariance(final GlmFit fit, final Step step, final ModelState model) {
    final int d = model.dimension();
    final List<Double> out = new ArrayList<>(d * d);
    if (step.accepted && !step.capped) {
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

  private static List<Double> boxed(final double[] v) {
    final List<Double> out = new ArrayList<>(v.length);
    for (final double x : v) {
      out.add(x);
    }
    return out;
  }

  /** {@code v}, or {@code bound} with the sign of an infinite {@code v}, when it is not finite. */
  private static double saturated(final double v, final double bound) {
    if (Double.isFinite(v)) {
      return v;
    }
    if (v == Double.POSITIVE_INFINITY) {
      return Double.MAX_VALUE;
    }
    return v == Double.NEGATIVE_INFINITY ? -Double.MAX_VALUE : bound;
  }

  private static double norm(final double[] v) {
    double s = 0;
    for (final double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
