package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.serde.EventFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Fuzz: 100,000 random and adversarial records (50 tries of 1,000 per input format) through one
 * {@link org.apache.kafka.streams.TopologyTestDriver} per format. Nothing may escape, every record
 * must be counted in exactly one model (its events total, a refused window, or its open window) or
 * in the dead-letter topic, and no published number may be non-finite.
 */
class IrlsTopologyFuzzPropertiesTest {

  private static final int RECORDS_PER_TRY = 1_000;
  private static final String[] KEYS = {"k0", "k1", "k2", "k3", "k4"};

  private static final class Run {
    final Harness harness;
    long sent;
    long refused;
    long deadLettered;
    long updates;

    Run(final EventFormat format) {
      harness = new Harness(TopologySettings.builder().inputFormat(format).windowEvents(25)
          .windowMs(2_000).idleCloseMs(5_000).graceMs(100).maxFeatures(8).build());
    }
  }

  private static Run avro;
  private static Run json;

  @BeforeContainer
  static void start() {
    avro = new Run(EventFormat.AVRO);
    json = new Run(EventFormat.JSON);
  }

  @AfterContainer
  static void stop() {
    for (final Run r : new Run[] {avro, json}) {
      System.out.printf("fuzz %s: input %d, counted in models %d (of which in refused windows %d), dead letters %d,"
              + " updates %d%n",
          r.harness.settings.inputFormat(), r.sent, r.sent - r.deadLettered, r.refused, r.deadLettered, r.updates);
      r.harness.close();
    }
  }

  record Raw(byte[] key, byte[] value, long timestamp) {}

  @Property(tries = 50, shrinking = ShrinkingMode.OFF)
  void shouldCountEveryAvroRecordOnceWithoutThrowing(
      @ForAll("avroRecords") @Size(value = RECORDS_PER_TRY) final List<Raw> records) {
    check(avro, records);
  }

  @Property(tries = 50, shrinking = ShrinkingMode.OFF)
  void shouldCountEveryJsonRecordOnceWithoutThrowing(
      @ForAll("jsonRecords") @Size(value = RECORDS_PER_TRY) final List<Raw> records) {
    check(json, records);
  }

  private static void check(final Run run, final List<Raw> records) {
    // Given the driver's state from the earlier tries
    final Harness h = run.harness;

    // When a thousand random and adversarial records arrive (no exception may escape pipeInput)
    for (final Raw r : records) {
      h.sendRaw(r.key(), r.value(), r.timestamp(), null);
    }
    run.sent += records.size();

    // Then no published number is non-finite
    for (final CoefficientUpdate u : h.drainUpdates()) {
      run.updates++;
      assertFinite(u);
      if (u.getStatusReason().contains("refused")) {
        run.refused += u.getWindowEvents();
      }
    }
    run.deadLettered += h.deadLetters.readRecordsToList().size();

    // And every record so far is in exactly one place: a model, a refused window, an open window or the DLQ
    long inModels = 0;
    final KeyValueStore<String, ModelState> models = h.driver.getKeyValueStore(IrlsTopology.MODELS_STORE);
    try (KeyValueIterator<String, ModelState> it = models.all()) {
      while (it.hasNext()) {
        final KeyValue<String, ModelState> kv = it.next();
        inModels += kv.value.eventsTotal();
        assertThat(Arrays.stream(kv.value.coefficients()).allMatch(Double::isFinite)).as(kv.key).isTrue();
        assertThat(Arrays.stream(kv.value.stdErrors()).allMatch(Double::isFinite)).as(kv.key).isTrue();
      }
    }
    final long open = h.openWindows().stream().mapToLong(OpenWindow::events).sum();
    assertThat(inModels + run.refused + open + run.deadLettered).isEqualTo(run.sent);
    assertThat(h.storedEvents()).isEqualTo(open);
    assertThat(h.deadLetterCounts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(run.deadLettered);
  }

  private static void assertFinite(final CoefficientUpdate u) {
    final List<Double> numbers = new ArrayList<>(u.getCoefficients());
    numbers.addAll(u.getStdErrors());
    numbers.addAll(Arrays.asList(u.getWindowLoglik(), u.getGradientNorm(), u.getStepNorm(), u.getRidgeAdded(),
        u.getWindowWeight(), u.getWeightTotal()));
    assertThat(numbers).as("update %s v%d (%s)", u.getModelKey(), u.getVersion(), u.getStatus())
        .allMatch(Double::isFinite);
  }

  @Provide
  Arbitrary<List<Raw>> avroRecords() {
    return raw(EventFormat.AVRO).list();
  }

  @Provide
  Arbitrary<List<Raw>> jsonRecords() {
    return raw(EventFormat.JSON).list();
  }

  private static Arbitrary<Raw> raw(final EventFormat format) {
    final Arbitrary<byte[]> key = Arbitraries.<byte[]>frequencyOf(
        w(1, Arbitraries.just((byte[]) null)),
        w(1, Arbitraries.just(new byte[] {(byte) 0xFF, 0x41})),
        w(1, Arbitraries.just(new byte[DeadLetterReason.MAX_KEY_BYTES + 1])),
        w(1, Arbitraries.strings().ofMaxLength(12).map(Harness::utf8)),
        w(30, Arbitraries.of(KEYS).map(Harness::utf8)));
    final Arbitrary<byte[]> encoded = event().map(e -> encode(format, e));
    final Arbitrary<byte[]> value = Arbitraries.<byte[]>frequencyOf(
        w(40, encoded),
        w(2, Arbitraries.just((byte[]) null)),
        w(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(60)),
        w(3, Combinators.combine(encoded, Arbitraries.integers().between(0, 100))
            .as((b, cut) -> Arrays.copyOf(b, Math.min(b.length, cut * b.length / 100)))),
        w(2, Arbitraries.of(
            "{", "[]", "null", "{\"features\": \"x\", \"label\": 1}", "{\"features\": [1e999], \"label\": 0}",
            "{\"features\": [1, 2], \"label\": 0, \"extra\": 1}", "{\"features\": [NaN], \"label\": 0}",
            "{\"features\": [1, 2], \"label\": true}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[").map(s -> s.getBytes(StandardCharsets.UTF_8))),
        w(1, Arbitraries.just(encode(format, Harness.event(new double[2_000], 1.0)))),
        w(1, Arbitraries.just(new byte[] {2, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F})));
    return Combinators.combine(key, value, Arbitraries.longs().between(0, 20_000)).as(Raw::new);
  }

  private static Arbitrary<LabeledEvent> event() {
    final Arbitrary<Double> number = Arbitraries.<Double>frequencyOf(
        w(60, Arbitraries.doubles().between(-4, 4)),
        w(1, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -1e300, -0.0,
            Double.MIN_VALUE, 1e-300)));
    final Arbitrary<List<Double>> features = Arbitraries.<List<Double>>frequencyOf(
        w(20, number.list().ofSize(2)),
        w(2, number.list().ofMaxSize(10)));
    final Arbitrary<Double> label = Arbitraries.<Double>frequencyOf(
        w(20, Arbitraries.of(0.0, 1.0)),
        w(3, Arbitraries.doubles().between(0, 1)),
        w(1, Arbitraries.of(-0.5, 1.5, Double.NaN, Double.POSITIVE_INFINITY, -1e300)));
    final Arbitrary<Double> weight = Arbitraries.<Double>frequencyOf(
        w(20, Arbitraries.just(1.0)),
        w(3, Arbitraries.doubles().between(0, 10)),
        w(1, Arbitraries.of(0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, 1e300, Double.MAX_VALUE)));
    final Arbitrary<Double> offset = Arbitraries.<Double>frequencyOf(
        w(20, Arbitraries.just(0.0)),
        w(1, Arbitraries.of(0.5, -50.0, 1e300, Double.NaN, Double.NEGATIVE_INFINITY)));
    final Arbitrary<Long> time = Arbitraries.<Long>frequencyOf(
        w(5, Arbitraries.just((Long) null)),
        w(5, Arbitraries.longs().between(0, 20_000).map(Long::valueOf)),
        w(1, Arbitraries.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE)));
    return Combinators.combine(features, label, weight, offset, time)
        .as((x, y, wt, o, t) -> {
          final double[] v = new double[x.size()];
          for (int j = 0; j < v.length; j++) {
            v[j] = x.get(j);
          }
          return Harness.event(v, y, wt, o, t);
        });
  }

  private static byte[] encode(final EventFormat format, final LabeledEvent e) {
    try {
      return format.serde().serializer().serialize("", e);
    } catch (final RuntimeException notRepresentable) {
      // JSON cannot carry NaN or infinities: such an event arrives as the junk a producer would write
      return ("{\"features\": [" + e.getFeatures() + "], \"label\": " + e.getLabel() + "}")
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  /** A weighted choice for {@link Arbitraries#frequencyOf}. */
  private static <T> Tuple.Tuple2<Integer, Arbitrary<? extends T>> w(final int weight, final Arbitrary<? extends T> a) {
    return Tuple.of(weight, a);
  }
}
