package io.github.irls.app;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.Simulator;
import io.github.irls.kafka.Topics;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.EventFormat;
import io.github.irls.streams.IrlsStores;
import io.github.irls.streams.IrlsTopology;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.OpenWindow;
import io.github.irls.streams.ReadOnlyWindows;
import io.github.irls.streams.StepMode;
import io.github.irls.streams.TopologySettings;
import io.github.irls.streams.internals.ModelStateSerde;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The streaming benchmark behind {@code bench}: on one broker, under the configured processing
 * guarantee (exactly-once v2 by default), the IRLS topology in each step mode and a pass-through
 * topology (same source, Avro decode of every event, Avro encode to a sink) read the same
 * pre-produced events, and their throughputs are compared. A probe processor, a second child of
 * each topology's source, times the first and the last measured record, so start-up and rebalancing
 * are not counted.
 *
 * <p>When step mode hybrid is measured, each topic starts with a warm-up prefix that gives every
 * key exactly {@code window events x hybrid.warmup.windows} events (its renewable windows); every
 * topology reads the prefix unmeasured and is timed on the events after it, so hybrid is measured
 * in its steady state.
 */
public final class StreamsBenchmark {

  private static final Duration STALL = Duration.ofSeconds(180);
  private static final String PROBE = "bench-probe";

  /**
   * @param ps feature counts to measure
   * @param keys model keys
   * @param events events per measured run
   * @param warmupEvents events of the warm-up run of each topology (0: none)
   * @param partitions partitions of the topics
   * @param windowEvents window size of the fitting topology
   * @param bootstrapServers the broker
   * @param extra further configuration for both topologies (e.g. processing.guarantee)
   * @param modes the step modes to measure the fitting topology in
   */
  public record Settings(List<Integer> ps, int keys, long events, long warmupEvents, int partitions,
      long windowEvents, String bootstrapServers, Map<String, Object> extra, List<StepMode> modes) {
    public Settings {
      ps = List.copyOf(ps);
      extra = Map.copyOf(extra);
      modes = List.copyOf(modes);
    }
  }

  /** One measured run. */
  public record Run(String topology, int p, long events, double seconds, double eventsPerSecond,
      double committedSeconds) {}

  /**
   * Memory of the fitting topology after a run, measured from its stores.
   *
   * @param keys model keys of the run (all of them have an open window or a model)
   * @param models keys whose first window has closed (they have a model record)
   * @param windowStoreBytesPerKey the open-window store (headers, statistics, rows), keys and values
   * @param modelStoreBytesPerKey the model records (coefficients, SEs, packed P, counters), keys and values
   * @param historyStoreBytesPerKey the kept updates per key (the last 200 versions, without covariance)
   * @param openEventsPerKey events waiting in open windows, on average per key, at the end of the run
   * @param storeBytesPerKey all three stores
   * @param stateDirBytesPerKey the state directory on disk (RocksDB files), divided by the keys
   * @param heapGrowthBytes heap in use after GC while running, minus before the run
   */
  public record Memory(long keys, long models, double windowStoreBytesPerKey, double modelStoreBytesPerKey,
      double historyStoreBytesPerKey, double openEventsPerKey, double storeBytesPerKey, double stateDirBytesPerKey,
      long heapGrowthBytes) {}

  /** Both topologies at one p, the fitting one in step mode {@code mode}. */
  public record Comparison(int p, StepMode mode, Run fitting, Run passThrough, Memory memory) {
    public double ratio() {
      return fitting.eventsPerSecond() / passThrough.eventsPerSecond();
    }
  }

  private final Settings settings;
  private final Consumer<String> log;
  private final String runId = "irls-bench-" + UUID.randomUUID().toString().substring(0, 8);

  public StreamsBenchmark(final Settings settings, final Consumer<String> log) {
    this.settings = settings;
    this.log = log;
  }

  /** Warms up, then measures the pass-through topology and the fitting one in every mode, at every p. */
  public List<Comparison> run() throws IOException, InterruptedException {
    KafkaReachability.check(Map.of(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()));
    final List<Comparison> out = new ArrayList<>();
    final long prefixPerKey = settings.modes().contains(StepMode.HYBRID)
        ? settings.windowEvents() * warmupWindows() : 0;
    try (Admin admin = Admin.create(Map.of(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
      if (settings.warmupEvents() > 0) {
        final int p = settings.ps().get(0);
        final String topic = produce(admin, "warmup-p" + p, p, 0, settings.warmupEvents(), 7L);
        log.accept("Warming up (" + settings.warmupEvents() + " events, p = " + p + ")...");
        measure(admin, topic, null, p, 0, settings.warmupEvents());
        for (final StepMode mode : settings.modes()) {
          measure(admin, topic, mode, p, 0, settings.warmupEvents());
        }
      }
      for (final int p : settings.ps()) {
        final String topic = produce(admin, "p" + p, p, prefixPerKey, settings.events(), 11L + p);
        final long prefix = prefixPerKey * settings.keys();
        final Measured passThrough = measure(admin, topic, null, p, prefix, settings.events());
        for (final StepMode mode : settings.modes()) {
          final Measured fitting = measure(admin, topic, mode, p, prefix, settings.events());
          final Comparison c = new Comparison(p, mode, fitting.run(), passThrough.run(), fitting.memory());
          log.accept(String.format("p = %d, %s: fitting %,.0f events/s, pass-through %,.0f events/s, ratio %.2f", p,
              mode.configName(), c.fitting().eventsPerSecond(), c.passThrough().eventsPerSecond(), c.ratio()));
          out.add(c);
        }
      }
    }
    return out;
  }

  /** The warm-up of step mode hybrid as configured ({@code hybrid.warmup.windows}, or its default). */
  private long warmupWindows() {
    final Object configured = settings.extra().get(IrlsConfig.HYBRID_WARMUP_WINDOWS_CONFIG);
    return configured == null ? TopologySettings.DEFAULT_HYBRID_WARMUP_WINDOWS : Long.parseLong(configured.toString());
  }

  private record Measured(Run run, Memory memory) {}

  /**
   * Produces {@code prefixPerKey} events of every one of {@code keys} models with {@code p} features
   * (round robin), then {@code count} events of uniformly chosen models.
   */
  private String produce(final Admin admin, final String name, final int p, final long prefixPerKey,
      final long count, final long seed) {
    final String topic = runId + "." + name + ".events";
    Topics.ensure(admin, List.of(new NewTopic(topic, settings.partitions(), (short) 1)));
    final Simulator simulator = new Simulator(Simulator.randomModels(settings.keys(), p, seed), seed);
    final Serializer<LabeledEvent> serializer = EventFormat.AVRO.serde().serializer();
    final Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    final long started = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      final long prefix = prefixPerKey * settings.keys();
      for (long i = 0; i < prefix + count; i++) {
        final Simulator.Event e = i < prefix ? simulator.next((int) (i % settings.keys())) : simulator.next();
        final LabeledEvent event = e.toLabeledEvent();
        producer.send(new ProducerRecord<>(topic, e.key().getBytes(StandardCharsets.UTF_8),
            serializer.serialize(topic, event)));
      }
      producer.flush();
    }
    log.accept(String.format("Produced %,d events (p = %d, %,d keys; %,d of them a warm-up prefix) in %.1f s",
        prefixPerKey * settings.keys() + count, p, settings.keys(), prefixPerKey * settings.keys(),
        (System.nanoTime() - started) / 1e9));
    return topic;
  }

  /**
   * Runs the fitting topology in {@code mode} (the pass-through one when null) over {@code topic},
   * timing the {@code events} records after the first {@code skip}.
   */
  private Measured measure(final Admin admin, final String topic, final StepMode mode, final int p, final long skip,
      final long events) throws IOException, InterruptedException {
    final boolean fitting = mode != null;
    final String id = runId + "-" + (fitting ? mode.configName() : "pass") + "-"
        + UUID.randomUUID().toString().substring(0, 4);
    final Path stateDir = IrlsConfig.scratchStateDir(id + "-state-");
    try {
      final Map<String, Object> props = new HashMap<>(settings.extra());
      props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
      props.put(IrlsConfig.APPLICATION_ID_CONFIG, id);
      props.put(IrlsConfig.INPUT_TOPIC_CONFIG, topic);
      props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, id + ".out");
      props.put(IrlsConfig.DLQ_TOPIC_CONFIG, id + ".dlq");
      props.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, id + ".model-specs");
      props.put(IrlsConfig.WINDOW_EVENTS_CONFIG, settings.windowEvents());
      props.put(IrlsConfig.WINDOW_MS_CONFIG, Long.MAX_VALUE);
      props.put(IrlsConfig.IDLE_CLOSE_MS_CONFIG, Long.MAX_VALUE);
      props.put(IrlsConfig.TOPIC_PARTITIONS_CONFIG, settings.partitions());
      props.put(IrlsConfig.STATE_DIR_CONFIG, stateDir.toString());
      if (fitting) {
        props.put(IrlsConfig.STEP_MODE_CONFIG, mode.configName());
      }
      final IrlsConfig config = new IrlsConfig(props);
      final Probe probe = new Probe(skip, events);
      final Topology topology;
      if (fitting) {
        topology = IrlsTopology.build(config.topologySettings());
        topology.addProcessor(PROBE, probe, IrlsTopology.EVENTS_SOURCE);
      } else {
        topology = passThrough(topic, config.outputTopic());
        topology.addProcessor(PROBE, probe, "bench-source");
      }
      final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      final long heapBefore = usedHeapAfterGc(memory);
      final long started = System.nanoTime();
      Run run;
      Memory mem = null;
      try (IrlsApplication app = IrlsApplication.start(config, topology, false)) {
        final Map<TopicPartition, Long> end = KafkaIo.endOffsets(admin, topic);
        KafkaIo.awaitCommitted(admin, app, end, STALL, n -> { });
        final double committed = (System.nanoTime() - started) / 1e9;
        final double seconds = (probe.last.get() - probe.first.get()) / 1e9;
        run = new Run(fitting ? "fitting" : "pass-through", p, events, seconds, events / Math.max(seconds, 1e-9),
            committed);
        if (fitting) {
          mem = memory(app, usedHeapAfterGc(memory) - heapBefore, stateDir);
        }
      }
      return new Measured(run, mem);
    } finally {
      Replay.deleteRecursively(stateDir);
    }
  }

  /** Source, Avro decode, Avro encode, sink: what any topology over these events must pay at least. */
  static Topology passThrough(final String input, final String output) {
    final Deserializer<LabeledEvent> decode = EventFormat.AVRO.serde().deserializer();
    final Topology t = new Topology();
    t.addSource(AutoOffsetReset.earliest(), "bench-source", new ByteArrayDeserializer(), new ByteArrayDeserializer(),
        input);
    final ProcessorSupplier<byte[], byte[], byte[], LabeledEvent> pass = () -> new ContextualProcessor<>() {
      @Override
      public void process(final org.apache.kafka.streams.processor.api.Record<byte[], byte[]> record) {
        context().forward(record.withValue(decode.deserialize(input, record.value())));
      }
    };
    t.addProcessor("bench-pass", pass, "bench-source");
    t.addSink("bench-sink", output, new ByteArraySerializer(), AvroSerde.of(LabeledEvent.class).serializer(),
        "bench-pass");
    return t;
  }

  private Memory memory(final IrlsApplication app, final long heapDelta, final Path stateDir) {
    final ModelStateSerde serde = new ModelStateSerde();
    long models = 0;
    long modelBytes = 0;
    try (KeyValueIterator<String, ModelState> it = IrlsStores.models(app.streams()).all()) {
      while (it.hasNext()) {
        final KeyValue<String, ModelState> kv = it.next();
        models++;
        modelBytes += kv.key.getBytes(StandardCharsets.UTF_8).length + serde.serializer().serialize("", kv.value).length;
      }
    }
    final ReadOnlyWindows windows = IrlsStores.windows(app.streams(), false);
    long openEvents = 0;
    for (final OpenWindow w : windows.all()) {
      openEvents += w.events();
    }
    final double keys = settings.keys();
    final double window = windows.storedBytes() / keys;
    final double model = modelBytes / keys;
    final double history = IrlsStores.historyBytes(app.streams()) / keys;
    return new Memory(settings.keys(), models, window, model, history, openEvents / keys, window + model + history,
        directorySize(stateDir) / keys, heapDelta);
  }

  private static long usedHeapAfterGc(final MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static long directorySize(final Path dir) {
    try (var paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (final IOException e) {
      return -1;
    }
  }

  /** Counts records and times the first and the last measured one (after {@code skip}). */
  private static final class Probe implements ProcessorSupplier<byte[], byte[], Void, Void> {
    final AtomicLong count = new AtomicLong();
    final AtomicLong first = new AtomicLong();
    final AtomicLong last = new AtomicLong();
    private final long skip;
    private final long expected;

    Probe(final long skip, final long expected) {
      this.skip = skip;
      this.expected = expected;
    }

    @Override
    public Processor<byte[], byte[], Void, Void> get() {
      return record -> {
        final long n = count.incrementAndGet();
        if (n == skip + 1) {
          first.compareAndSet(0, System.nanoTime());
        }
        if (n >= skip + expected) {
          last.compareAndSet(0, System.nanoTime());
        }
      };
    }
  }
}
