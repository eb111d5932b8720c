package io.github.irls.streams.internals;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.avro.ModelSpec;
import io.github.irls.glm.Design;
import io.github.irls.glm.StepStatus;
import io.github.irls.streams.DeadLetterReason;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.StepListener;
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
 * The fitting processor: routes each valid event into its key's open window and each model-spec
 * change into the key's spec, and, when a window closes (by count, by event time, or idle by wall
 * clock), folds it into the model ({@link WindowFold}), stores the model and publishes the update.
 * The step itself, its guards and statuses live in the math core ({@code glm.StreamingStep}).
 *
 * <p>Per event it reads and writes one 61-byte window record and writes one {@code O(p)} event
 * record; the {@code O(d^2)} model is read and written only when a window closes.
 */
public final class FitProcessor extends ContextualProcessor<byte[], FitInput, byte[], FitOutput> {

  private static final ByteArraySerializer PREFIX_SERIALIZER = new ByteArraySerializer();

  private final TopologySettings settings;
  private final String modelsStoreName;
  private final String windowsStoreName;
  private final String eventsStoreName;
  private final String specsStoreName;
  private final String coefficientsChild;
  private final String deadLetterChild;
  private final StepListener steps;

  private KeyValueStore<String, ModelState> models;
  private KeyValueStore<Bytes, byte[]> windows;
  private KeyValueStore<Bytes, byte[]> events;
  private SpecCache specs;

  // Reused across events and windows: nothing on the per-event path allocates beyond the two
  // arrays the stores keep.
  private final WindowMeta meta = new WindowMeta();
  private final WindowMeta scanned = new WindowMeta();
  private final Map<Integer, Design.Builder> builders = new HashMap<>();
  private final List<Bytes> closedEventKeys = new ArrayList<>();
  private final List<byte[]> idleKeys = new ArrayList<>();
  private double[] row = new double[1];
  private long initWallClockMs;

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
    this.coefficientsChild = coefficientsChild;
    this.deadLetterChild = deadLetterChild;
  }

  /** How often the idle check runs: often enough to close within a second of the idle time. */
  static long punctuationIntervalMs(final long idleCloseMs) {
    return Math.max(1, Math.min(idleCloseMs, 1000));
  }

  @Override
  public void init(final ProcessorContext<byte[], FitOutput> context) {
    super.init(context);
    models = context.getStateStore(modelsStoreName);
    windows = context.getStateStore(windowsStoreName);
    events = context.getStateStore(eventsStoreName);
    specs = new SpecCache(context.getStateStore(specsStoreName), settings);
    // Windows restored from the changelog count as active from now: a restart or rebalance is not
    // idleness of the key, and closing them early would change the trajectory.
    initWallClockMs = context.currentSystemTimeMs();
    context.schedule(
        Duration.ofMillis(punctuationIntervalMs(settings.idleCloseMs())),
        PunctuationType.WALL_CLOCK_TIME,
        this::closeIdleWindows);
  }

  @Override
  public void process(final Record<byte[], FitInput> record) {
    // FitInput is sealed: these are its only two kinds
    if (record.value() instanceof ValidEvent event) {
      event(record, event);
    } else {
      spec(record, (SpecChange) record.value());
    }
  }

  private void event(final Record<byte[], FitInput> record, final ValidEvent valid) {
    final byte[] key = record.key();
    final LabeledEvent event = valid.event();
    final List<Double> features = event.getFeatures();
    final int p = features.size();
    final Bytes windowKey = Bytes.wrap(key);
    final EffectiveSpec spec = specs.get(key);
    final boolean known = meta.read(windows.get(windowKey));
    if (!known || meta.features < 0) {
      // the key's first event (or its first after a reset) fixes its feature count, unless the spec did
      if (spec.contradicts(p)) {
        reject(record, valid.rawValue(), DeadLetterReason.WRONG_FEATURE_COUNT, "The event has " + p
            + " features; the model spec of '" + utf8(key) + "' names " + spec.featureNames().get().size());
        return;
      }
      if (known) {
        meta.features = p;
      } else {
        meta.reset(p);
      }
    } else if (meta.features != p) {
      reject(record, valid.rawValue(), DeadLetterReason.WRONG_FEATURE_COUNT, "The event has " + p
          + " features; model '" + utf8(key) + "' has " + meta.features + " (fixed by its first event)");
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
  private void spec(final Record<byte[], FitInput> record, final SpecChange change) {
    final byte[] key = record.key();
    final String modelKey = utf8(key);
    final Bytes windowKey = Bytes.wrap(key);
    final boolean known = meta.read(windows.get(windowKey));
    if (change.spec().isEmpty()) {
      if (known) {
        if (meta.count > 0) {
          closeWindow(key, meta, specs.get(key));
        }
        meta.features = -1;
        windows.put(windowKey, meta.encode());
      }
      specs.remove(key);
      final ModelState stored = models.get(modelKey);
      if (stored != null && stored.status() != StepStatus.RESET) {
        models.put(modelKey, WindowFold.reset(stored, specs.defaults(), context().currentSystemTimeMs()));
      }
      return;
    }
    final ModelSpec spec = change.spec().get();
    final List<String> names = spec.getFeatureNames();
    if (names != null && known && meta.features >= 0 && meta.features != names.size()) {
      reject(record, change.rawValue(), DeadLetterReason.SPEC_WRONG_FEATURE_COUNT, "The model spec names "
          + names.size() + " features; model '" + modelKey + "' has " + meta.features + "; the previous spec stays");
      return;
    }
    specs.put(key, change.rawValue(), spec);
  }

  private void reject(final Record<byte[], FitInput> record, final byte[] rawValue, final DeadLetterReason reason,
      final String message) {
    context().forward(record.withValue(new Rejection(rawValue, reason, message)), deadLetterChild);
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
        closeWindow(key, meta, specs.get(key));
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
    final WindowFold.Closed closed = new WindowFold.Closed(m.start, m.end, builder.rows(), m.weight, m.late);
    m.clearWindow();
    if (closed.events() == 0) {
      return; // empty windows publish nothing
    }
    final String modelKey = utf8(rawKey);
    final long stepStarted = System.nanoTime();
    final WindowFold.Outcome outcome = WindowFold.fold(modelKey, models.get(modelKey), builder.build(), closed, spec,
        settings.stepMode(), settings.maxIterations(), settings.publishCovariance(), context().currentSystemTimeMs());
    models.put(modelKey, outcome.model());
    context().forward(new Record<>(rawKey, new Published(outcome.update()), Math.max(0L, closed.end())),
        coefficientsChild);
    steps.stepTaken(modelKey, System.nanoTime() - stepStarted);
  }

  private static String utf8(final byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }
}
