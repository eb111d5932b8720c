package io.github.irls.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The JSON decoder reads every number to the very double {@link Double#parseDouble} gives (it
 * parses with FastDoubleParser, which must round alike): the updates of a JSON stream are those of
 * the same events in Avro only if each feature is the same bits.
 */
class JsonEventDecoderPropertiesTest {

  @Property(tries = 3000)
  void shouldReadEveryDoubleWrittenByJavaToItsOwnBits(@ForAll final double x) {
    // Given a finite double written as Java writes it (shortest repr that reads back), and its negation
    final double value = Double.isFinite(x) ? x : 0.5;

    // When it is a feature, the label's neighbour and the weight of a JSON event
    final EventBuffer read = decode(Double.toString(value), Double.toString(-value));

    // Then each is the same bits
    assertThat(Double.doubleToRawLongBits(read.feature(0))).isEqualTo(Double.doubleToRawLongBits(value));
    assertThat(Double.doubleToRawLongBits(read.feature(1))).isEqualTo(Double.doubleToRawLongBits(-value));
  }

  @Property(tries = 5000)
  void shouldRoundEveryDecimalAsDoubleParseDoubleDoes(@ForAll("decimals") final String decimal) {
    // Given a decimal of up to 40 digits and any exponent a double reaches, near halfway cases included
    final double expected = Double.parseDouble(decimal);

    // When it is read as a feature
    final double read;
    try {
      read = decode(decimal, "0").feature(0);
    } catch (final EventDecodingException e) {
      // out of the range of a double: refused, as the JDK's infinity says it must be
      assertThat(Double.isFinite(expected)).as(decimal).isFalse();
      return;
    }

    // Then it is the double the JDK rounds it to, to the bit (but for the sign of a zero: JSON's
    // integer -0 is read as the integer 0, a zero that weighs nothing either way)
    if (expected == 0.0) {
      assertThat(read).as(decimal).isZero();
    } else {
      assertThat(Double.doubleToRawLongBits(read)).as(decimal).isEqualTo(Double.doubleToRawLongBits(expected));
    }
  }

  @Provide
  Arbitrary<String> decimals() {
    final Arbitrary<String> sign = Arbitraries.of("", "-");
    final Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(40)
        .filter(d -> d.charAt(0) != '0' || d.length() == 1);
    final Arbitrary<String> fraction = Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(25)
        .map(f -> f.isEmpty() ? "" : "." + f);
    final Arbitrary<String> exponent = Arbitraries.integers().between(-345, 330)
        .map(e -> e == 0 ? "" : "e" + e);
    // halfway between two doubles: the exact decimal of a double's midpoint with its upper neighbour
    final Arbitrary<String> halfway = Arbitraries.doubles().between(-1e300, 1e300).map(d ->
        new java.math.BigDecimal(d).add(new java.math.BigDecimal(Math.nextUp(d))).divide(java.math.BigDecimal.valueOf(2))
            .toString().replace("E+", "e").replace('E', 'e'));
    return Arbitraries.oneOf(Combinators.combine(sign, digits, fraction, exponent).as((s, d, f, e) -> s + d + f + e),
        halfway);
  }

  private static EventBuffer decode(final String feature0, final String feature1) {
    final String json = "{\"features\":[" + feature0 + "," + feature1 + "],\"label\":1}";
    final EventBuffer into = new EventBuffer();
    EventFormat.JSON.decoder().decode(json.getBytes(StandardCharsets.UTF_8), into);
    return into;
  }
}
