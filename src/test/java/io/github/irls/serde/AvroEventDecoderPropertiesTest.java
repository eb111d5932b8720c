package io.github.irls.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.LabeledEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The hand-read Avro decoder of the per-event path against Avro's own reader: the same values for
 * every encoded event, and the same verdict (refused, or the same values) for every corrupted one.
 */
class AvroEventDecoderPropertiesTest {

  private final AvroSerde<LabeledEvent> avro = AvroSerde.of(LabeledEvent.class);

  @Property(tries = 500)
  void shouldDecodeEveryEventAsAvrosReaderDoes(@ForAll("events") final LabeledEvent event) {
    // Given an event as Avro binary
    final byte[] bytes = avro.encode(event);

    // When the per-event decoder reads it
    final EventBuffer buffer = new EventBuffer();
    EventFormat.AVRO.decoder().decode(bytes, buffer);

    // Then it holds the values Avro's reader gives
    assertThat(values(buffer.toEvent())).isEqualTo(values(avro.decode(bytes)));
  }

  @Property(tries = 2000)
  void shouldRefuseWhatAvrosReaderRefusesAndReadTheRestAlike(@ForAll("events") final LabeledEvent event,
      @ForAll @IntRange(min = 0, max = 1000) final int where, @ForAll @IntRange(min = 0, max = 255) final int value,
      @ForAll @IntRange(min = 0, max = 2) final int how) {
    // Given an encoded event with one byte changed, the payload cut short, or a byte appended
    final byte[] good = avro.encode(event);
    final byte[] bytes;
    if (how == 0) {
      bytes = good.clone();
      bytes[where % bytes.length] = (byte) value;
    } else if (how == 1) {
      bytes = Arrays.copyOf(good, where % good.length);
    } else {
      bytes = Arrays.copyOf(good, good.length + 1);
      bytes[good.length] = (byte) value;
    }

    // When both read it
    LabeledEvent expected = null;
    try {
      expected = avro.decode(bytes);
    } catch (final EventDecodingException e) {
      // Avro refuses it
    }
    LabeledEvent actual = null;
    try {
      final EventBuffer buffer = new EventBuffer();
      EventFormat.AVRO.decoder().decode(bytes, buffer);
      actual = buffer.toEvent();
    } catch (final EventDecodingException e) {
      assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNDECODABLE_AVRO);
    }

    // Then they agree: both refuse, or both read the same values
    assertThat(values(actual)).isEqualTo(values(expected));
  }

  /** An event's values as text: Avro's record equality holds NaN unequal to itself, the text does not. */
  private static String values(final LabeledEvent event) {
    return event == null ? "refused" : event.toString();
  }

  @Provide
  Arbitrary<LabeledEvent> events() {
    final Arbitrary<List<Double>> features = Arbitraries.doubles().list().ofMaxSize(60);
    final Arbitrary<Double> numbers = Arbitraries.oneOf(Arbitraries.doubles(),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1.0, 0.0));
    final Arbitrary<Instant> times = Arbitraries.longs().between(-1L << 40, 1L << 45).map(Instant::ofEpochMilli)
        .injectNull(0.3);
    return net.jqwik.api.Combinators.combine(features, numbers, numbers, numbers, times)
        .as((x, y, w, o, t) -> LabeledEvent.newBuilder().setFeatures(new ArrayList<>(x)).setLabel(y).setWeight(w)
            .setOffset(o).setEventTime(t).build());
  }
}
