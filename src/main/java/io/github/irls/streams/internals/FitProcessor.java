package io.github.irls.streams.internals;

import io.github.irls.avro.ModelSpec;
import io.github.irls.glm.Design;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.ProgressiveScore;
import io.github.irls.glm.ProgressiveValidation;
import io.github.irls.glm.StepOptions;
import io.github.irls.glm.StepResult;
import io.github.irls.glm.StepStatus;
import io.github.irls.glm.StreamingStep;
import io.github.irls.glm.WindowStatistics;
import io.github.irls.serde.EventBuffer;
import io.github.irls.streams.DeadLetterReason;
import io.github.irls.streams.InputProgress;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.StepListener;
import io.github.irls.streams.StepMode;
import io.github.irls.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fitting processor: routes each valid event into its key's open window and each model-spec
 * change into the key's spec, and, when a window closes, folds it into the model ({@link
 * WindowFold}), stores the model and publishes the update. The step itself, its guards and statuses
 * live in the math core ({@code glm.StreamingStep}).
 *
 * <p>When a window closes depends on the task's records alone (the task reads one partition of the
 * events topic, in the order of its log): after {@code N} events; before an event whose time is at
 * least the window's start plus {@code window.ms}; or when the task's stream time (the latest
 * event time of its partition) has moved {@code idle.close.ms} past the key's last event. Wall-clock
 * time adds one rule, for the end of the data: once the partition has been confirmed caught up
 * ({@link InputProgress}) and quiet, the quiet time counts as stream time, which closes what the
 * next record would close anyway if it is stamped with its send time. A broker outage, a paused
 * process, a rebalance or a restart is never quiet time: nothing is confirmed then.
 *
 * <p>Per event it changes the key's window in memory: a newton window folds the event into its
 * statistics, an iterating one appends the row. {@link WindowStore} writes what changed once per
 * commit. The {@code O(d^2)} model is read when a window opens and written when it closes.
 */
public final class FitProcessor extends ContextualProcessor<byte[], FitInput, byte[], FitOutput> {

  private static final Logger LOG = LoggerFactory.getLogger(FitProcessor.class);

  private final TopologySettings settings;
  private final String modelsStoreName;
  private final String windowsStoreName;
  private final String specsStoreName;
  private final String coefficientsChild;
  private final String deadLetterChild;
  private final StepListener steps;
  private final InputProgress progress;

  private KeyValueStore<String, ModelState> models;
  private WindowStore windows;
  private SpecCache specs;
  private final IdleDeadlines deadlines = new IdleDeadlines();

  // Reused across events and windows.
  private final Map<Integer, Design.Builder> builders = new HashMap<>();
  private double[] row = new double[3];
  /** The events partition of this task. */
  private int partition;
  /** Wall-clock time of the task's last event, or of its start: quiet time counts from here. */
  private long lastEventWallMs;
  /** Events skipped in a row because the state already held them (see {@link #alreadyApplied}). */
  private long replayed;
  private long replayFrom;
  private long replayTo;

  public FitProcessor(
      final TopologySettings settings,
      final String modelsStoreName,
      final String windowsStoreName,
      final String specsStoreName,
      final String coefficientsChild,
      final String deadLetterChild,
      final StepListener steps,
      final InputProgress progress) {
    this.settings = settings;
    this.steps = steps;
    this.progress = progress;
    this.modelsStoreName = modelsStoreName;
    this.windowsStoreName = windowsStoreName;
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
    specs = new SpecCache(context.getStateStore(specsStoreName), settings);
    partition = context.taskId().partition();
    // the time a task was down, stopped or not yet started is never quiet time of its input
    lastEventWallMs = context.currentSystemTimeMs();
    replayed = 0;
    deadlines.clear();
    windows.forEach(w -> {
      if (w.isOpen()) {
        deadlines.watch(w.key, idleDue(w));
      }
    });
    context.schedule(
        Duration.ofMillis(punctuationIntervalMs(settings.idleCloseMs())),
        PunctuationType.WALL_CLOCK_TIME,
        this::closeQuietWindows);
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
    final long offset = SourcePosition.offset(context(), record.headers());
    if (offset >= 0 && offset <= windows.appliedOffset()) {
      alreadyApplied(offset);
      return;
    }
    endReplay();
    if (offset >= 0) {
      windows.applied(offset);
    }
    final byte[] key = record.key();
    lastEventWallMs = context().currentSystemTimeMs();
    // the event moves the task's stream time: windows idle by it close first (this key's too: the
    // event then opens its next window)
    windows.advanceStreamTime(valid.time());
    final long streamTime = windows.streamTime();
    deadlines.pollDue(streamTime, k -> closeIfIdle(k, streamTime));
    final EventBuffer event = valid.event();
    final int p = event.features();
    final EffectiveSpec spec = specs.get(key);
    KeyWindow w = windows.get(key);
    if (w == null || w.features < 0) {
      // the key's first event (or its first after a reset) fixes its feature count, unless the spec did
      if (spec.contradicts(p)) {
        reject(record, valid.rawValue(), DeadLetterReason.WRONG_FEATURE_COUNT, "The event has " + p
            + " features; the model spec of '" + utf8(key) + "' names " + spec.featureNames().get().size());
        return;
      }
      w = w == null ? windows.create(key) : w;
      w.features = p;
    } else if (w.features != p) {
      reject(record, valid.rawValue(), DeadLetterReason.WRONG_FEATURE_COUNT, "The event has " + p
          + " features; model '" + utf8(key) + "' has " + w.features + " (fixed by its first event)");
      return;
    }
    final long time = valid.time();
    if (w.isOpen() && time - w.start >= spec.windowMs()) {
      closeWindow(w, spec); // the event belongs to the next window
    }
    if (!w.isOpen()) {
      open(w, time);
    } else {
      if (w.start - time > settings.graceMs()) {
        w.late++;
      }
      w.end = Math.max(w.end, time);
    }
    w.add(event.featureArray(), event.label(), event.weight(), event.offset());
    w.lastActivity = streamTime;
    windows.changed(w);
    if (w.count >= spec.windowEvents()) {
      closeWindow(w, spec);
    }
  }

  /**
   * Opens {@code w}'s next window with its first event at {@code time}: a window whose step iterates
   * keeps its events; a newton window accumulates statistics at the coefficients its step will start
   * from. In step mode hybrid a model's first {@code hybrid.warmup.windows} windows iterate.
   */
  private void open(final KeyWindow w, final long time) {
    final StepMode mode = settings.stepMode();
    if (mode == StepMode.RENEWABLE) {
      w.openEvents(time);
    } else {
      final ModelState stored = models.get(utf8(w.key));
      if (mode == StepMode.HYBRID && WindowFold.stepsSinceReset(stored, w.features) < settings.hybridWarmupWindows()) {
        w.openEvents(time);
      } else {
        w.openStatistics(time, WindowFold.startingCoefficients(stored, w.features));
      }
    }
    deadlines.watch(w.key, idleDue(w));
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
    final KeyWindow w = windows.get(key);
    if (change.spec().isEmpty()) {
      if (w != null) {
        if (w.isOpen()) {
          closeWindow(w, specs.get(key));
        }
        w.features = -1;
        windows.changed(w);
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
    if (names != null && w != null && w.features >= 0 && w.features != names.size()) {
      reject(record, change.rawValue(), DeadLetterReason.SPEC_WRONG_FEATURE_COUNT, "The model spec names "
          + names.size() + " features; model '" + modelKey + "' has " + w.features + "; the previous spec stays");
      return;
    }
    specs.put(key, change.rawValue(), spec);
  }

  private void reject(final Record<byte[], FitInput> record, final byte[] rawValue, final DeadLetterReason reason,
      final String message) {
    context().forward(record.withValue(new Rejection(rawValue, reason, message)), deadLetterChild);
  }

  /** The stream time at which {@code w}'s open window is idle: its last event's plus {@code idle.close.ms}. */
  private long idleDue(final KeyWindow w) {
    return saturatedSum(w.lastActivity, settings.idleCloseMs());
  }

  /**
   * An event whose effect the state already holds: its windows, models and updates were committed
   * without the input offset that covers it, and the input is read again from an older offset.
   * Exactly-once should make this impossible; the guard makes sure it never counts an event twice.
   */
  private void alreadyApplied(final long offset) {
    if (replayed == 0) {
      replayFrom = offset;
    }
    replayed++;
    replayTo = offset;
    steps.eventAlreadyApplied(partition);
  }

  private void endReplay() {
    if (replayed > 0) {
      LOG.warn("Skipped {} events of the events partition {} (offsets {} to {}): the state already held their "
          + "effect (it was committed up to offset {} while the input was read again from an older offset)", replayed,
          partition, replayFrom, replayTo, windows.appliedOffset());
      replayed = 0;
    }
  }

  /** Closes the window of {@code key} if it is idle at stream time {@code time}; returns its next deadline, or -1. */
  private long closeIfIdle(final byte[] key, final long time) {
    final KeyWindow w = windows.get(key);
    if (w == null || !w.isOpen()) {
      return -1;
    }
    final long due = idleDue(w);
    if (due > time) {
      return due;
    }
    closeWindow(w, specs.get(key));
    return -1;
  }

  /**
   * The end-of-data rule: when the task's partition has been confirmed caught up and no event came
   * for a while, the quiet time counts as stream time, and the windows idle by it close. The stream
   * time itself does not move: only records move it.
   */
  private void closeQuietWindows(final long now) {
    final OptionalLong caughtUpSince = progress.caughtUpSince(partition);
    final long streamTime = windows.streamTime();
    if (caughtUpSince.isEmpty() || streamTime == Long.MIN_VALUE) {
      return;
    }
    final long quietFrom = Math.max(caughtUpSince.getAsLong(), lastEventWallMs);
    if (now > quietFrom) {
      final long effective = saturatedSum(streamTime, now - quietFrom);
      deadlines.pollDue(effective, key -> closeIfIdle(key, effective));
    }
  }

  private static long saturatedSum(final long a, final long b) {
    final long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }

  /** Folds the open window of {@code w} into its model, publishes the update and empties the window. */
  private void closeWindow(final KeyWindow w, final EffectiveSpec spec) {
    final int p = w.features;
    final WindowFold.Closed closed = new WindowFold.Closed(w.start, w.end, w.count, w.weight, w.late);
    final Function<Posterior, StepResult> step;
    final Function<Posterior, ProgressiveValidation> scoring;
    final StepMode taken;
    if (w.kind == KeyWindow.Kind.STATISTICS) {
      final WindowStatistics statistics = w.statistics;
      step = previous -> StreamingStep.take(statistics, previous, StepOptions.newton(spec.gamma()));
      // scored event by event at the coefficients the statistics were accumulated at
      scoring = previous -> statistics.progressive().result();
      taken = StepMode.NEWTON;
    } else {
      final Design.Builder builder = builders.computeIfAbsent(p, k -> Design.builder(k, 256));
      builder.clear();
      if (row.length < p + 3) {
        row = new double[p + 3];
      }
      windows.addRowsTo(w, builder, row);
      final Design design = builder.build();
      step = previous -> StreamingStep.take(design, previous,
          StepOptions.renewable(settings.maxIterations(), spec.gamma()));
      scoring = previous -> ProgressiveScore.of(design, previous.coefficients());
      taken = StepMode.RENEWABLE;
    }
    if (closed.events() == 0) {
      w.clear();
      windows.changed(w);
      return; // empty windows publish nothing
    }
    final String modelKey = utf8(w.key);
    final long stepStarted = System.nanoTime();
    final WindowFold.Outcome outcome = WindowFold.fold(modelKey, models.get(modelKey), p, closed, spec, step,
        scoring, taken.configName(), settings.publishCovariance(), settings.driftZThreshold(),
        context().currentSystemTimeMs());
    w.clear();
    windows.changed(w);
    models.put(modelKey, outcome.model());
    context().forward(new Record<>(w.key, new Published(outcome.update()), Math.max(0L, closed.end())),
        coefficientsChild);
    steps.stepTaken(modelKey, System.nanoTime() - stepStarted);
  }

  private static String utf8(final byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }
}
