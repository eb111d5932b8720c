package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.serde.EventFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever arrives, the topology neither throws nor loses a record: every input is either folded
 * into a published window or dead-lettered, and the dead-letter counts agree with the topic.
 */
class IrlsTopologyAccountingPropertiesTest {

  /** One driver for all tries (opening RocksDB per try would dominate); accounting is cumulative. */
  private static Harness harness;
  private static long sent;
  private static long published;
  private static long deadLettered;

  @BeforeContainer
  static void start() {
    harness = new Harness(
        TopologySettings.builder().windowEvents(5).windowMs(1_000).idleCloseMs(1_000)
            .graceMs(100).lambdaIntercept(1.0).lambda(1.0).maxFeatures(3).build());
  }

  @AfterContainer
  static void stop() {
    harness.close();
  }

  record Raw(byte[] key, byte[] value, long timestamp) {}

  @Property(tries = 300)
  void shouldFoldOrDeadLetterEveryRecordWithoutThrowing(@ForAll("records") @Size(max = 40) final List<Raw> records) {
    // Given any mix of valid and invalid records
    // When they arrive, and then enough wall-clock time passes to close every open window
    for (final Raw r : records) {
      harness.sendRaw(r.key(), r.value(), r.timestamp(), null);
    }
    harness.advanceWallClock(2_000);
    sent += records.size();
    for (final CoefficientUpdate u : harness.drainUpdates()) {
      published += u.getWindowEvents();
    }
    deadLettered += harness.deadLetters.readRecordsToList().size();

    // Then every record so far was either published in a window or dead-lettered, and counted
    assertThat(harness.openWindows()).isEmpty();
    assertThat(harness.storedEvents()).isZero();
    assertThat(published + deadLettered).isEqualTo(sent);
    assertThat(harness.deadLetterCounts().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(deadLettered);
  }

  @Provide
  Arbitrary<List<Raw>> records() {
    return raw().list();
  }

  private static Arbitrary<Raw> raw() {
    final Arbitrary<byte[]> key = Arbitraries.<byte[]>frequencyOf(
        w(1, Arbitraries.just((byte[]) null)),
        w(1, Arbitraries.just(new byte[] {(byte) 0xFF, 0x41})),
        w(10, Arbitraries.of("k0", "k1", "k2", "k3", "").map(Harness::utf8)));
    final Arbitrary<byte[]> value = Arbitraries.<byte[]>frequencyOf(
        w(12, event().map(IrlsTopologyAccountingPropertiesTest::avro)),
        w(1, Arbitraries.just((byte[]) null)),
        w(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(30)));
    return Combinators.combine(key, value, Arbitraries.longs().between(0, 5_000)).as(Raw::new);
  }

  private static Arbitrary<LabeledEvent> event() {
    final Arbitrary<Double> number = Arbitraries.<Double>frequencyOf(
        w(30, Arbitraries.doubles().between(-5, 5)),
        w(1, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e200, -0.0)));
    final Arbitrary<List<Double>> features = number.list().ofMaxSize(4);
    final Arbitrary<Double> label = Arbitraries.<Double>frequencyOf(
        w(10, Arbitraries.of(0.0, 1.0)),
        w(3, Arbitraries.doubles().between(0, 1)),
        w(1, Arbitraries.of(-0.5, 1.5, Double.NaN)));
    final Arbitrary<Double> weight = Arbitraries.<Double>frequencyOf(
        w(10, Arbitraries.just(1.0)),
        w(3, Arbitraries.doubles().between(0, 10)),
        w(1, Arbitraries.of(-1.0, Double.NaN, Double.POSITIVE_INFINITY)));
    final Arbitrary<Double> offset = Arbitraries.<Double>frequencyOf(
        w(10, Arbitraries.just(0.0)),
        w(1, Arbitraries.of(0.5, Double.NaN)));
    final Arbitrary<Long> time = Arbitraries.<Long>frequencyOf(
        w(5, Arbitraries.just((Long) null)),
        w(5, Arbitraries.longs().between(0, 5_000).map(Long::valueOf)),
        w(1, Arbitraries.just(-1L)));
    return Combinators.combine(features, label, weight, offset, time)
        .as((x, y, w, o, t) -> {
          final double[] v = new double[x.size()];
          for (int j = 0; j < v.length; j++) {
            v[j] = x.get(j);
          }
          return Harness.event(v, y, w, o, t);
        });
  }

  private static byte[] avro(final LabeledEvent e) {
    return EventFormat.AVRO.serde().serializer().serialize("", e);
  }

  /** A weighted choice for {@link Arbitraries#frequencyOf}. */
  private static <T> Tuple.Tuple2<Integer, Arbitrary<? extends T>> w(final int weight, final Arbitrary<? extends T> a) {
    return Tuple.of(weight, a);
  }

}
