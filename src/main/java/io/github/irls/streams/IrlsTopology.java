package io.github.irls.streams;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.Prediction;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.RegistryFramedSerializer;
import io.github.irls.streams.internals.DeadLetterProcessor;
import io.github.irls.streams.internals.FitInput;
import io.github.irls.streams.internals.FitOutput;
import io.github.irls.streams.internals.FitProcessor;
import io.github.irls.streams.internals.HistoryProcessor;
import io.github.irls.streams.internals.ModelStateSerde;
import io.github.irls.streams.internals.NonNegativeTimestampExtractor;
import io.github.irls.streams.internals.RegistryGate;
import io.github.irls.streams.internals.Rejection;
import io.github.irls.streams.internals.Routed;
import io.github.irls.streams.internals.ScoreProcessor;
import io.github.irls.streams.internals.SourcePosition;
import io.github.irls.streams.internals.SpecProcessor;
import io.github.irls.streams.internals.ValidateProcessor;
import io.github.irls.streams.internals.WindowStoreBuilder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the online IRLS topology: events (raw bytes) → validation → fitting → coefficient updates,
 * with every unusable record going to the dead-letter topic. A pure function of its settings.
 *
 * <pre>
 * irls-events-source → irls-validate ─→ irls-fit ─→ irls-history ─→ irls-coefficients-sink
 * irls-specs-source  → irls-specs ────↗    │
 *       (both)       └──────────→ irls-dead-letter ←┘ (wrong feature count, spec mismatch)
 *                                         └→ irls-dlq-sink
 * </pre>
 *
 * <p>With a {@link ScoringStream} ({@code scoring.input.topic}), a third source, {@value
 * #SCORING_SOURCE}, feeds {@value #SCORE_PROCESSOR}, which reads the models store (it does not
 * write it) and answers each request on the predictions topic ({@value #PREDICTIONS_SINK}; plain
 * Avro, or framed for a schema registry like the updates when {@link
 * TopologySettings#predictionSchemaId()} is set) or sends it to the dead-letter processor:
 *
 * <pre>
 * irls-scoring-source → irls-score ─→ irls-predictions-sink
 *                            └──────→ irls-dead-letter
 * </pre>
 *
 * <p>The scoring topic, like the model-spec topic, must be co-partitioned with the events topic.
 *
 * <p>The model-spec topic is a second source of the same sub-topology, so a key's specs and events
 * meet in one task; it must have as many partitions as the events topic (co-partitioned), which
 * {@code Topics} ensures when it creates them.
 *
 * <p>State, all persistent (RocksDB), changelogged and cached:
 *
 * <ul>
 *   <li>{@value #MODELS_STORE}: model key (String) → {@link ModelState}; written once per closed
 *       window. Queryable with {@code QueryableStoreTypes.keyValueStore()}.
 *   <li>{@value #WINDOWS_STORE}: every known key's open window — its bookkeeping (start, end, count,
 *       weight, late count, last activity, feature count) and, in step mode {@code newton}, the
 *       window's sufficient statistics ({@code O(d^2)}, whatever the window size), or, in step
 *       mode {@code renewable}, its events in chunks. Worked on in memory and written once per
 *       commit, inside the commit's transaction ({@code WindowStore}); read with {@link
 *       IrlsStores#windows}.
 *   <li>{@value #DEAD_LETTER_COUNTS_STORE}: {@link DeadLetterReason} name → records dead-lettered
 *       for that reason (per task).
 *   <li>{@value #MODEL_DEAD_LETTERS_STORE}: model key (String) → that model's dead-letter counts by
 *       reason ({@link IrlsStores#modelDeadLetterCounts}); only keys known to the task (a valid event
 *       or a spec) are counted.
 *   <li>{@value #SPECS_STORE}: model key (String) → its current {@code ModelSpec} (Avro binary, as
 *       received and validated); written and deleted by the fitting processor.
 *   <li>{@value #HISTORY_STORE}: (key length, key, version) → that update without its covariance
 *       (Avro binary); the last {@value #HISTORY_ENTRIES} updates per key, written by {@value
 *       #HISTORY_PROCESSOR} once per closed window ({@link IrlsStores#history}).
 * </ul>
 */
public final class IrlsTopology {

  public static final String EVENTS_SOURCE = "irls-events-source";
  public static final String SPECS_SOURCE = "irls-specs-source";
  public static final String VALIDATE_PROCESSOR = "irls-validate";
  public static final String SPECS_PROCESSOR = "irls-specs";
  public static final String FIT_PROCESSOR = "irls-fit";
  public static final String DEAD_LETTER_PROCESSOR = "irls-dead-letter";
  public static final String HISTORY_PROCESSOR = "irls-history";
  public static final String COEFFICIENTS_SINK = "irls-coefficients-sink";
  public static final String DLQ_SINK = "irls-dlq-sink";
  /** With a scoring stream: the source of scoring requests. */
  public static final String SCORING_SOURCE = "irls-scoring-source";
  /** With a scoring stream: the processor that scores them against the models store. */
  public static final String SCORE_PROCESSOR = "irls-score";
  /** With a scoring stream: the sink of predictions. */
  public static final String PREDICTIONS_SINK = "irls-predictions-sink";
  /**
   * The bytes of factored posteriors a scoring processor (one per task) and the HTTP API (one per
   * instance) keep, so that a model is factored once per version: 16 MiB hold about 2,000 factors of
   * 30 features, or one of 1,000.
   */
  public static final long SCORING_FACTOR_CACHE_BYTES = 16L * 1024 * 1024;

  public static final String MODELS_STORE = "irls-models";
  public static final String WINDOWS_STORE = "irls-open-windows";
  public static final String DEAD_LETTER_COUNTS_STORE = "irls-dead-letter-counts";
  public static final String MODEL_DEAD_LETTERS_STORE = "irls-model-dead-letters";
  public static final String SPECS_STORE = "irls-model-specs";
  public static final String HISTORY_STORE = "irls-model-history";
  /** With {@code input.format=registry-avro}: records held back while the schema registry cannot be asked. */
  public static final String REGISTRY_WAITING_STORE = "irls-registry-waiting";
  /** With {@code input.format=registry-avro}: the processor that holds records back. */
  public static final String REGISTRY_GATE_PROCESSOR = "irls-registry-gate";

  /** Updates kept per model key in {@value #HISTORY_STORE}. */
  public static final int HISTORY_ENTRIES = 200;

  /** Dead-letter header: the {@link DeadLetterReason} name. */
  public static final String HEADER_REASON = "irls.error.reason";
  /** Dead-letter header: a human explanation. */
  public static final String HEADER_MESSAGE = "irls.error.message";
  /** Dead-letter header: the topic the record was read from. */
  public static final String HEADER_SOURCE_TOPIC = SourcePosition.TOPIC_HEADER;
  /** Dead-letter header: its partition, in decimal. */
  public static final String HEADER_SOURCE_PARTITION = SourcePosition.PARTITION_HEADER;
  /** Dead-letter header: its offset, in decimal. */
  public static final String HEADER_SOURCE_OFFSET = SourcePosition.OFFSET_HEADER;

  private IrlsTopology() {}

  /** The topology for {@code settings}; builds nothing else and starts nothing. */
  public static Topology build(final TopologySettings settings) {
    return build(settings, StepListener.NONE);
  }

  /** The topology for {@code settings}, telling {@code steps} about every step it takes. */
  public static Topology build(final TopologySettings settings, final StepListener steps) {
    return build(settings, steps, InputProgress.UNKNOWN);
  }

  /**
   * The topology for {@code settings}, telling {@code steps} about every step it takes, and closing
   * the windows of a quiet input at the end of the data when {@code progress} confirms the input
   * caught up (without it, windows close by their records alone).
   */
  public static Topology build(final TopologySettings settings, final StepListener steps,
      final InputProgress progress) {
    return build(settings, steps, progress, Optional.empty());
  }

  /**
   * As {@link #build(TopologySettings, StepListener, InputProgress)}, reading events framed for a
   * schema registry with {@code registry} (required when the input format is {@code
   * registry-avro}, ignored otherwise): a gate ({@value #REGISTRY_GATE_PROCESSOR}, store {@value
   * #REGISTRY_WAITING_STORE}) in front of both sources holds records back while their writer
   * schema cannot be had ({@link RegistryGate}).
   *
   * @throws IllegalArgumentException if the input format needs a registry and none is given
   */
  public static Topology build(final TopologySettings settings, final StepListener steps,
      final InputProgress progress, final Optional<RegistryInput> registry) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(steps, "steps");
    Objects.requireNonNull(progress, "progress");
    final boolean gated = settings.inputFormat().needsRegistry();
    if (gated && registry.isEmpty()) {
      throw new IllegalArgumentException("input format " + settings.inputFormat().configName()
          + " needs a schema registry");
    }
    final InputProgress inputProgress = gated ? registry.get().waiting().guard(progress) : progress;
    final StoreBuilder<KeyValueStore<String, ModelState>> models =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(MODELS_STORE), Serdes.String(), new ModelStateSerde())
            .withCachingEnabled();
    // Open windows are worked on in memory and written once per commit (write-behind), never per event.
    final WindowStoreBuilder windows = new WindowStoreBuilder(WINDOWS_STORE, settings.windowMemoryBytes());
    final StoreBuilder<KeyValueStore<String, Long>> counts =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DEAD_LETTER_COUNTS_STORE), Serdes.String(), Serdes.Long())
            .withCachingEnabled();

    final StoreBuilder<KeyValueStore<String, byte[]>> modelDeadLetters =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(MODEL_DEAD_LETTERS_STORE), Serdes.String(), Serdes.ByteArray())
            .withCachingEnabled();
    final StoreBuilder<KeyValueStore<String, byte[]>> specs =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SPECS_STORE), Serdes.String(), Serdes.ByteArray())
            .withCachingEnabled();

    final ProcessorSupplier<byte[], byte[], byte[], Routed> specsProcessor =
        () -> new SpecProcessor(settings.maxFeatures(), FIT_PROCESSOR, DEAD_LETTER_PROCESSOR);
    final ProcessorSupplier<byte[], byte[], byte[], Routed> validate = gated
        ? () -> new ValidateProcessor(settings.inputFormat(), registry.get().schemas(), settings.maxFeatures(),
            FIT_PROCESSOR, DEAD_LETTER_PROCESSOR)
        : () -> new ValidateProcessor(
            settings.inputFormat(), settings.maxFeatures(), FIT_PROCESSOR, DEAD_LETTER_PROCESSOR);
    final ProcessorSupplier<byte[], FitInput, byte[], FitOutput> fit =
        new ProcessorSupplier<>() {
          @Override
          public FitProcessor get() {
            return new FitProcessor(
                settings, MODELS_STORE, WINDOWS_STORE, SPECS_STORE, HISTORY_PROCESSOR, DEAD_LETTER_PROCESSOR, steps,
                inputProgress);
          }

          @Override
          public Set<StoreBuilder<?>> stores() {
            return new LinkedHashSet<>(List.of(windows, models, specs));
          }
        };
    final ProcessorSupplier<byte[], Rejection, byte[], byte[]> deadLetter =
        new ProcessorSupplier<>() {
          @Override
          public DeadLetterProcessor get() {
            return new DeadLetterProcessor(
                DEAD_LETTER_COUNTS_STORE, MODEL_DEAD_LETTERS_STORE, WINDOWS_STORE, SPECS_STORE, HEADER_REASON,
                HEADER_MESSAGE);
          }

          @Override
          public Set<StoreBuilder<?>> stores() {
            return new LinkedHashSet<>(List.of(counts, modelDeadLetters));
          }
        };

    final StoreBuilder<KeyValueStore<Bytes, byte[]>> historyStore =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(HISTORY_STORE), Serdes.Bytes(), Serdes.ByteArray())
            .withCachingEnabled();
    final ProcessorSupplier<byte[], FitOutput, byte[], CoefficientUpdate> history =
        new ProcessorSupplier<>() {
          @Override
          public HistoryProcessor get() {
            return new HistoryProcessor(HISTORY_STORE, HISTORY_ENTRIES);
          }

          @Override
          public Set<StoreBuilder<?>> stores() {
            return Set.of(historyStore);
          }
        };

    final Topology topology = new Topology();
    // earliest: a new application id folds the whole retained history of the events topic
    topology.addSource(
        AutoOffsetReset.earliest(), EVENTS_SOURCE, new NonNegativeTimestampExtractor(), new ByteArrayDeserializer(),
        new ByteArrayDeserializer(), settings.eventsTopic());
    // earliest as well: a new application id must see every spec still in the compacted topic
    topology.addSource(
        AutoOffsetReset.earliest(), SPECS_SOURCE, new NonNegativeTimestampExtractor(), new ByteArrayDeserializer(),
        new ByteArrayDeserializer(), settings.modelSpecsTopic());
    if (gated) {
      final StoreBuilder<KeyValueStore<Long, byte[]>> waiting =
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(REGISTRY_WAITING_STORE), Serdes.Long(), Serdes.ByteArray())
              .withCachingEnabled();
      topology.addProcessor(REGISTRY_GATE_PROCESSOR, new ProcessorSupplier<byte[], byte[], byte[], byte[]>() {
        @Override
        public RegistryGate get() {
          return new RegistryGate(settings.modelSpecsTopic(), REGISTRY_WAITING_STORE, VALIDATE_PROCESSOR,
              SPECS_PROCESSOR, registry.get().schemas(), registry.get().waiting());
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
          return Set.of(waiting);
        }
      }, EVENTS_SOURCE, SPECS_SOURCE);
      topology.addProcessor(VALIDATE_PROCESSOR, validate, REGISTRY_GATE_PROCESSOR);
      topology.addProcessor(SPECS_PROCESSOR, specsProcessor, REGISTRY_GATE_PROCESSOR);
    } else {
      topology.addProcessor(VALIDATE_PROCESSOR, validate, EVENTS_SOURCE);
      topology.addProcessor(SPECS_PROCESSOR, specsProcessor, SPECS_SOURCE);
    }
    topology.addProcessor(FIT_PROCESSOR, fit, VALIDATE_PROCESSOR, SPECS_PROCESSOR);
    if (settings.scoring().isPresent()) {
      final ScoringStream scoring = settings.scoring().get();
      // earliest: like the events, every request still retained is answered by a new application id
      topology.addSource(
          AutoOffsetReset.earliest(), SCORING_SOURCE, new NonNegativeTimestampExtractor(), new ByteArrayDeserializer(),
          new ByteArrayDeserializer(), scoring.inputTopic());
      topology.addProcessor(SCORE_PROCESSOR,
          () -> new ScoreProcessor(scoring.inputFormat(), MODELS_STORE, SCORING_FACTOR_CACHE_BYTES, PREDICTIONS_SINK,
              DEAD_LETTER_PROCESSOR),
          SCORING_SOURCE);
      // read only; sharing the store puts the scoring source in the fitting sub-topology (one task per key)
      topology.connectProcessorAndStateStores(SCORE_PROCESSOR, MODELS_STORE);
      topology.addProcessor(
          DEAD_LETTER_PROCESSOR, deadLetter, VALIDATE_PROCESSOR, SPECS_PROCESSOR, FIT_PROCESSOR, SCORE_PROCESSOR);
      topology.addSink(
          PREDICTIONS_SINK, scoring.predictionsTopic(), new ByteArraySerializer(), predictionSerializer(settings),
          SCORE_PROCESSOR);
    } else {
      topology.addProcessor(
          DEAD_LETTER_PROCESSOR, deadLetter, VALIDATE_PROCESSOR, SPECS_PROCESSOR, FIT_PROCESSOR);
    }
    // the dead-letter processor only reads these, to tell a known model key from garbage
    topology.connectProcessorAndStateStores(DEAD_LETTER_PROCESSOR, WINDOWS_STORE, SPECS_STORE);
    topology.addProcessor(HISTORY_PROCESSOR, history, FIT_PROCESSOR);
    topology.addSink(
        // keys are the model keys' UTF-8 bytes, as received (validated UTF-8)
        COEFFICIENTS_SINK, settings.coefficientsTopic(), new ByteArraySerializer(),
        updateSerializer(settings), HISTORY_PROCESSOR);
    topology.addSink(
        DLQ_SINK, settings.deadLetterTopic(), new ByteArraySerializer(), new ByteArraySerializer(),
        DEAD_LETTER_PROCESSOR);
    return topology;
  }

  /** Plain Avro binary, or framed with the registry's id of {@code CoefficientUpdate} ({@code output.format=registry-avro}). */
  private static Serializer<CoefficientUpdate> updateSerializer(final TopologySettings settings) {
    final Serializer<CoefficientUpdate> avro = AvroSerde.of(CoefficientUpdate.class).serializer();
    return settings.outputSchemaId().isEmpty() ? avro
        : RegistryFramedSerializer.of(settings.outputSchemaId().getAsInt(), avro);
  }

  /**
   * Plain Avro binary, or framed with the registry's id of {@code Prediction} (with {@code
   * output.format=registry-avro}), so that every Avro topic the application writes is framed alike.
   */
  private static Serializer<Prediction> predictionSerializer(final TopologySettings settings) {
    final Serializer<Prediction> avro = AvroSerde.of(Prediction.class).serializer();
    return settings.predictionSchemaId().isEmpty() ? avro
        : RegistryFramedSerializer.of(settings.predictionSchemaId().getAsInt(), avro);
  }
}
