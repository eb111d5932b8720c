package io.github.irls.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.EventBuffer;
import io.github.irls.serde.EventFormat;
import io.github.irls.streams.InputProgress;
import io.github.irls.streams.IrlsTopology;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.StepListener;
import io.github.irls.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The fitting processor's guard against counting an event twice: the open windows carry the offset
 * of the last event they hold, written in the same transaction, so an input read again from an
 * older offset (state committed without its input offsets) changes nothing.
 */
class FitProcessorOffsetGuardTest {

  private static final TopologySettings SETTINGS = TopologySettings.builder().windowEvents(3).windowMs(1_000_000)
      .idleCloseMs(1_000_000).lambdaIntercept(1.0).lambda(1.0).build();
  private static final double[][] X = {
    {0.5, -1.0}, {1.5, 0.2}, {-0.3, 0.8}, {0.1, 0.1}, {2.0, -0.5}, {-1.2, 1.1}, {0.7, 0.3}, {-0.4, -0.9}, {1.1, 0.6}
  };
  private static final double[] Y = {1, 0, 1, 0, 1, 0, 1, 1, 0};

  /** One task's stores and a fitting processor on them, as a restarted task would open them. */
  private static final class Task {
    final KeyValueStore<Bytes, byte[]> windowsInner;
    final KeyValueStore<String, ModelState> models;
    final KeyValueStore<String, byte[]> specs;
    final AtomicInteger skipped = new AtomicInteger();
    WindowStore windows;
    MockProcessorContext<byte[], FitOutput> context;
    FitProcessor processor;
    private final ValidEvent valid = new ValidEvent(new EventBuffer());
    private final AvroSerde<LabeledEvent> avro = AvroSerde.of(LabeledEvent.class);

    Task() {
      context = new MockProcessorContext<>();
      context.setCurrentSystemTimeMs(0);
      windowsInner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(IrlsTopology.WINDOWS_STORE),
          Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
      models = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(IrlsTopology.MODELS_STORE), Serdes.String(),
          new ModelStateSerde()).withLoggingDisabled().build();
      specs = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(IrlsTopology.SPECS_STORE), Serdes.String(),
          Serdes.ByteArray()).withLoggingDisabled().build();
      models.init(context.getStateStoreContext(), models);
      specs.init(context.getStateStoreContext(), specs);
      restart();
    }

    /** A new processor and window store over the same (committed) stores, as after a restore. */
    void restart() {
      if (windows != null) {
        windows.clearCache();
      }
      context = new MockProcessorContext<>();
      context.setCurrentSystemTimeMs(0);
      windows = new WindowStore(windowsInner, Long.MAX_VALUE);
      if (!windowsInner.isOpen()) {
        windows.init(context.getStateStoreContext(), windows);
      }
      context.addStateStore(windows);
      context.addStateStore(models);
      context.addStateStore(specs);
      processor = new FitProcessor(SETTINGS, IrlsTopology.MODELS_STORE, IrlsTopology.WINDOWS_STORE,
          IrlsTopology.SPECS_STORE, "coefficients", "dead-letters", new StepListener() {
            @Override
            public void stepTaken(final String modelKey, final long nanos) {}

            @Override
            public void eventAlreadyApplied(final int partition) {
              skipped.incrementAndGet();
            }
          }, InputProgress.UNKNOWN);
      processor.init(context);
    }

    /** Processes the event at {@code offset} of partition 0 (event {@code offset} of the data). */
    void event(final int offset) {
      final byte[] raw = avro.encode(LabeledEvent.newBuilder().setFeatures(List.of(X[offset][0], X[offset][1]))
          .setLabel(Y[offset]).setWeight(1.0).setOffset(0.0).setEventTime(null).build());
      EventFormat.AVRO.decoder().decode(raw, valid.event());
      context.setRecordMetadata("events", 0, offset);
      processor.process(new Record<>("a".getBytes(StandardCharsets.UTF_8), valid.set(raw, 1000L + offset),
          1000L + offset));
    }

    /** What a commit writes: the buffered windows, with the offset of the last event they hold. */
    void commit() {
      windows.flushCache();
    }

    List<CoefficientUpdate> published() {
      final List<CoefficientUpdate> out = new ArrayList<>();
      context.forwarded().forEach(f -> {
        if (f.record().value() instanceof Published p) {
          out.add(p.update());
        }
      });
      context.resetForwards();
      return out;
    }
  }

  @Test
  void shouldSkipEventsWhoseEffectTheCommittedStateHoldsWhenTheInputIsReadAgain() {
    // Given a task that processed the events at offsets 0..5 (two windows of 3) and committed its
    // state, and an undisturbed task that processes offsets 0..8 once
    final Task undisturbed = new Task();
    for (int i = 0; i < 9; i++) {
      undisturbed.event(i);
    }
    final List<CoefficientUpdate> expected = undisturbed.published();
    final Task task = new Task();
    for (int i = 0; i < 6; i++) {
      task.event(i);
    }
    task.commit();
    final List<CoefficientUpdate> before = task.published();

    // When it restarts on that state and reads the input again from offset 3, then goes on to 8
    task.restart();
    for (int i = 3; i < 9; i++) {
      task.event(i);
    }

    // Then offsets 3..5 were skipped and counted, and the updates are the undisturbed ones
    final List<CoefficientUpdate> after = task.published();
    assertThat(task.skipped).hasValue(3);
    assertThat(expected).hasSize(3);
    assertThat(before).hasSize(2);
    assertThat(after).singleElement().satisfies(u -> {
      assertThat(u.getVersion()).isEqualTo(3L);
      assertThat(u.getEventsTotal()).isEqualTo(9L);
      assertThat(u.getCoefficients()).isEqualTo(expected.get(2).getCoefficients());
      assertThat(u.getStdErrors()).isEqualTo(expected.get(2).getStdErrors());
    });
    assertThat(undisturbed.skipped).hasValue(0);
  }

  @Test
  void shouldApplyEveryEventOnceWhenTheInputIsReadAgainFromTheCommittedOffset() {
    // Given a task that processed offsets 0..3 and committed, then processed 4 without committing
    // (it only went into the open window, held in memory until the next commit)
    final Task task = new Task();
    for (int i = 0; i < 4; i++) {
      task.event(i);
    }
    task.commit();
    task.event(4);

    // When it restarts on the committed state (the uncommitted event's effect is gone with it) and
    // reads from the committed offset 4
    task.restart();
    for (int i = 4; i < 9; i++) {
      task.event(i);
    }

    // Then nothing was skipped and all nine events were counted once
    task.published();
    assertThat(task.skipped).hasValue(0);
    assertThat(task.models.get("a").eventsTotal()).isEqualTo(9L);
  }
}
