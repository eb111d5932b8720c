package io.github.irls.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvRowParserTest {

  /** Parses the rows after {@code headerLine} (one block) into a parser of the given values. */
  private static CsvRowParser parse(final String headerLine, final String rows, final CsvRowParser.Values values)
      throws Exception {
    final byte[] bytes = (headerLine + "\n" + rows).getBytes(StandardCharsets.UTF_8);
    try (CsvInput in = CsvInput.of(new ByteArrayInputStream(bytes), "test.csv", -1, 1 << 16)) {
      final CsvRowParser parser = new CsvRowParser(in.header(), values);
      final int length = in.nextBlock();
      parser.parse(in.block(), 0, length);
      return parser;
    }
  }

  @Test
  void shouldSkipBlankAndWhitespaceOnlyLinesButCountThem() throws Exception {
    // Given rows separated by an empty line, a line of spaces and tabs, and CRLF line ends
    final String rows = "a,1,2\r\n\r\n \t \r\nb,0,3\n\nc,1,4";

    // When they are parsed
    final CsvRowParser parser = parse("model,y,x", rows, CsvRowParser.Values.BINOMIAL);

    // Then three rows, each knowing its line, and all six lines were read
    assertThat(parser.failed()).isFalse();
    assertThat(parser.rows()).isEqualTo(3);
    assertThat(parser.lines()).isEqualTo(6);
    assertThat(new int[] {parser.lineIndex(0), parser.lineIndex(1), parser.lineIndex(2)}).containsExactly(0, 3, 5);
    assertThat(parser.key(2)).isEqualTo("c");
    assertThat(parser.feature(2, 0)).isEqualTo(4.0);
  }

  @Test
  void shouldUnquoteKeysAndNumbersAndTakeTheKeyAsItStands() throws Exception {
    // Given a quoted key with a comma and a doubled quote, a key with spaces and quoted numbers
    final String rows = "\"a,\"\"b\"\"\",\"1\",\" 2.5 \"\n  c d ,0, -1 \n";

    // When they are parsed
    final CsvRowParser parser = parse("model,y,x", rows, CsvRowParser.Values.BINOMIAL);

    // Then the key is unescaped (spaces kept) and the numbers are stripped of spaces
    assertThat(parser.key(0)).isEqualTo("a,\"b\"");
    assertThat(parser.y(0)).isEqualTo(1.0);
    assertThat(parser.feature(0, 0)).isEqualTo(2.5);
    assertThat(parser.key(1)).isEqualTo("  c d ");
    assertThat(parser.feature(1, 0)).isEqualTo(-1.0);
  }

  @Test
  void shouldPlaceWeightAndOffsetAndDefaultThemWhenAbsent() throws Exception {
    // Given files with and without weight and offset columns
    final CsvRowParser with = parse("offset,x1,model,weight,y,x2", "0.5,10,m,3,1,20\n", CsvRowParser.Values.ANY);
    final CsvRowParser without = parse("model,y,x1", "m,0,7\n", CsvRowParser.Values.ANY);

    // Then each value is where its name says, and a missing weight is 1 and offset 0
    assertThat(new double[] {with.feature(0, 0), with.feature(0, 1), with.y(0), with.weight(0), with.offset(0)})
        .containsExactly(10.0, 20.0, 1.0, 3.0, 0.5);
    assertThat(new double[] {without.feature(0, 0), without.y(0), without.weight(0), without.offset(0)})
        .containsExactly(7.0, 0.0, 1.0, 0.0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "y of 2           | m,2,1,1,0",
        "NaN y            | m,NaN,1,1,0",
        "negative weight  | m,1,-1,1,0",
        "infinite feature | m,1,1,Infinity,0",
        "NaN offset       | m,1,1,1,NaN",
      })
  void shouldAcceptAnyNumberUnlessTheValuesMustSuitABinomialFit(final String what, final String row)
      throws Exception {
    // Given a row that a binomial fit cannot take
    final String header = "model,y,weight,x,offset";

    // When it is parsed for the events topic and for a fit
    final CsvRowParser any = parse(header, row + "\n", CsvRowParser.Values.ANY);
    final CsvRowParser binomial = parse(header, row + "\n", CsvRowParser.Values.BINOMIAL);

    // Then the first keeps it as parsed and the second rejects it on line 2
    assertThat(any.failed()).as(what).isFalse();
    assertThat(any.rows()).as(what).isEqualTo(1);
    assertThat(binomial.failed()).as(what).isTrue();
    assertThat(binomial.rows()).as(what).isZero();
    assertThat(binomial.failure("test.csv", 2).line()).as(what).isEqualTo(2);
  }

  @Test
  void shouldStopAtTheFirstMalformedLineKeepingTheRowsBeforeIt() throws Exception {
    // Given a good row, a blank line, a row with a bad number and a good row after it
    final String rows = "a,1,2\n\na,0,x7\nb,1,3\n";

    // When they are parsed
    final CsvRowParser parser = parse("model,y,x", rows, CsvRowParser.Values.ANY);

    // Then the row before the error is kept and the error is on the range's third line
    assertThat(parser.rows()).isEqualTo(1);
    assertThat(parser.lines()).isEqualTo(2);
    assertThat(parser.failed()).isTrue();
    final CsvFormatException e = parser.failure("test.csv", 10);
    assertThat(e.getMessage()).isEqualTo("test.csv:12: cannot parse \"x7\" in column \"x\" as a number");
    assertThat(e.column()).contains("x");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "text after a closing quote | m,\"1\"2,3 | y | unexpected text after a closing quote",
        "a quote inside a field     | m,1,2\"3  | x | cannot parse \"2\"3\" in column \"x\" as a number",
        "escaped quote in a number  | m,1,\"2\"\"\" | x | cannot parse \"2\"\"\" in column \"x\" as a number",
      })
  void shouldTakeQuotesOnlyAroundAWholeField(
      final String what, final String row, final String column, final String reason) throws Exception {
    // Given a row whose quotes do not enclose a whole field
    // When it is parsed
    final CsvRowParser parser = parse("model,y,x", row + "\n", CsvRowParser.Values.ANY);

    // Then the field is blamed
    assertThat(parser.failed()).as(what).isTrue();
    final CsvFormatException e = parser.failure("test.csv", 2);
    assertThat(e.column()).as(what).contains(column);
    assertThat(e.reason()).as(what).isEqualTo(reason);
  }
}
