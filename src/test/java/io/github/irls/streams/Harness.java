package io.github.irls.streams;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.avro.Prediction;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.EventFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** A {@link TopologyTestDriver} over {@link IrlsTopology} with typed access to its topics and stores. */
final class Harness implements AutoCloseable {

  static final long WALL_CLOCK_START = 1_000_000L;

  final TopologySettings settings;
  final TopologyTestDriver driver;
  final TestInputTopic<byte[], byte[]> events;
  final TestOutputTopic<String, CoefficientUpdate> updates;
  final TestOutputTopic<byte[], byte[]> deadLetters;
  final TestInputTopic<byte[], byte[]> specs;
  /** With a scoring stream: its requests (raw bytes) and its predictions; null without one. */
  final TestInputTopic<byte[], byte[]> scoringRequests;
  final TestOutputTopic<String, Prediction> predictions;
  private final AvroSerde<LabeledEvent> eventSerde = AvroSerde.of(LabeledEvent.class);
  /** The state directory made for this harness alone, deleted on close. */
  private final Path stateDir;
  /**
   * What the topology is told of its input: since when it has been confirmed caught up. The driver
   * processes every record it is given at once, so by default the input is caught up all along;
   * a test sets it empty to stand for a task that is behind, or whose broker cannot be asked.
   */
  final AtomicReference<OptionalLong> caughtUpSince = new AtomicReference<>(OptionalLong.of(Long.MIN_VALUE));

  Harness(final TopologySettings settings) {
    this(settings, StepListener.NONE);
  }

  Harness(final TopologySettings settings, final StepListener steps) {
    this(settings, steps, Optional.empty());
  }

  /** A topology reading events framed for a schema registry through {@code registry}. */
  Harness(final TopologySettings settings, final RegistryInput registry) {
    this(settings, StepListener.NONE, Optional.of(registry));
  }

  private Harness(final TopologySettings settings, final StepListener steps, final Optional<RegistryInput> registry) {
    this.settings = settings;
    this.stateDir = newStateDir();
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "irls-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(
        IrlsTopology.build(settings, steps, partition -> caughtUpSince.get(), registry), props,
        Instant.ofEpochMilli(WALL_CLOCK_START));
    events = driver.createInputTopic(settings.eventsTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    updates = driver.createOutputTopic(
        settings.coefficientsTopic(), new StringDeserializer(), AvroSerde.of(CoefficientUpdate.class).deserializer());
    deadLetters = driver.createOutputTopic(
        settings.deadLetterTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    specs = driver.createInputTopic(settings.modelSpecsTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    scoringRequests = settings.scoring()
        .map(s -> driver.createInputTopic(s.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer()))
        .orElse(null);
    predictions = settings.scoring()
        .map(s -> driver.createOutputTopic(
            s.predictionsTopic(), new StringDeserializer(), AvroSerde.of(Prediction.class).deserializer()))
        .orElse(null);
  }

  private static Path newStateDir() {
    try {
      return Files.createTempDirectory("irls-ttd");
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LabeledEvent event(final double[] x, final double y) {
    return event(x, y, 1.0, 0.0, null);
  }

  static LabeledEvent event(final double[] x, final double y, final double w, final double o, final Long time) {
    final List<Double> features = new ArrayList<>(x.length);
    for (final double v : x) {
      features.add(v);
    }
    return LabeledEvent.newBuilder()
        .setFeatures(features)
        .setLabel(y)
        .setWeight(w)
        .setOffset(o)
        .setEventTime(time == null ? null : Instant.ofEpochMilli(time))
        .build();
  }

  byte[] encode(final LabeledEvent event) {
    return settings.inputFormat() == EventFormat.JSON
        ? EventFormat.JSON.serde().serializer().serialize("", event)
        : eventSerde.encode(event);
  }

  void send(final String key, final LabeledEvent event, final long timestamp) {
    events.pipeInput(utf8(key), encode(event), timestamp);
  }

  void sendRaw(final byte[] key, final byte[] value, final long timestamp, final Headers headers) {
    events.pipeInput(new TestRecord<>(key, value, headers == null ? new RecordHeaders() : headers,
        Instant.ofEpochMilli(timestamp)));
  }

  /** Sends {@code spec} (null: a tombstone) for {@code key} on the model-specs topic. */
  void sendSpec(final String key, final io.github.irls.avro.ModelSpec spec, final long timestamp) {
    specs.pipeInput(utf8(key), spec == null ? null : AvroSerde.of(io.github.irls.avro.ModelSpec.class).encode(spec),
        timestamp);
  }

  /** The dead-letter counts of one model key, by reason. */
  Map<String, Long> modelDeadLetters(final String key) {
    final KeyValueStore<String, byte[]> store = driver.getKeyValueStore(IrlsTopology.MODEL_DEAD_LETTERS_STORE);
    return IrlsStores.decodeModelDeadLetters(store.get(key));
  }

  void advanceWallClock(final long ms) {
    driver.advanceWallClockTime(Duration.ofMillis(ms));
  }

  List<CoefficientUpdate> drainUpdates() {
    final List<CoefficientUpdate> out = new ArrayList<>();
    for (final KeyValue<String, CoefficientUpdate> kv : updates.readKeyValuesToList()) {
      out.add(kv.value);
    }
    return out;
  }

  List<OpenWindow> openWindows() {
    return windows().all().stream().filter(OpenWindow::isOpen).toList();
  }

  /** Events held in the windows store: kept rows, or events counted into a newton window's statistics. */
  long storedEvents() {
    return windows().storedEvents();
  }

  private ReadOnlyWindows windows() {
    return (ReadOnlyWindows) driver.getStateStore(IrlsTopology.WINDOWS_STORE);
  }

  ModelState model(final String key) {
    final KeyValueStore<String, ModelState> store = driver.getKeyValueStore(IrlsTopology.MODELS_STORE);
    return store.get(key);
  }

  Map<String, Long> deadLetterCounts() {
    final KeyValueStore<String, Long> store = driver.getKeyValueStore(IrlsTopology.DEAD_LETTER_COUNTS_STORE);
    final Map<String, Long> counts = new TreeMap<>();
    try (KeyValueIterator<String, Long> it = store.all()) {
      while (it.hasNext()) {
        final KeyValue<String, Long> kv = it.next();
        counts.put(kv.key, kv.value);
      }
    }
    return counts;
  }

  static byte[] utf8(final String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static double[] doubles(final List<Double> values) {
    final double[] v = new double[values.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = values.get(i);
    }
    return v;
  }

  @Override
  public void close() {
    driver.close();
    // the driver empties its application's directory but leaves the one it was given: a thousand a build
    try (Stream<Path> paths = Files.walk(stateDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
