package io.github.irls.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.irls.glm.Design;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupedCsvReaderTest {

  @TempDir Path dir;

  private static GroupedRows read(final String csv) throws Exception {
    return read(csv, new GroupedCsvReader(1));
  }

  private static GroupedRows read(final String csv, final GroupedCsvReader reader) throws Exception {
    return reader.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "test.csv");
  }

  private static CsvFormatException readFailure(final String csv) {
    return catchThrowableOfType(CsvFormatException.class, () -> read(csv));
  }

  private static double[] column(final Design d, final int j) {
    final double[] c = new double[d.rows()];
    System.arraycopy(d.column(j), 0, c, 0, d.rows());
    return c;
  }

  private static double[] prefix(final double[] a, final int n) {
    final double[] c = new double[n];
    System.arraycopy(a, 0, c, 0, n);
    return c;
  }

  @Test
  void shouldReadTheMinimalHeaderWithUnitWeightsAndZeroOffsets() throws Exception {
    // Given a file with model, y and two features
    final String csv = "model,y,age,dose\nm,0,1.5,-2\nm,1,2.25,3e-1\n";

    // When it is read
    final GroupedRows rows = read(csv);

    // Then the features keep their header names and the rows their values
    assertThat(rows.featureNames()).containsExactly("age", "dose");
    assertThat(rows.coefNames()).containsExactly("intercept", "age", "dose");
    assertThat(rows.hasWeight()).isFalse();
    assertThat(rows.hasOffset()).isFalse();
    assertThat(rows.rows()).isEqualTo(2);
    final Design d = rows.models().get(0).design();
    assertThat(d.rows()).isEqualTo(2);
    assertThat(column(d, 0)).containsExactly(1.5, 2.25);
    assertThat(column(d, 1)).containsExactly(-2.0, 0.3);
    assertThat(prefix(d.y(), 2)).containsExactly(0.0, 1.0);
    assertThat(prefix(d.weight(), 2)).containsExactly(1.0, 1.0);
    assertThat(prefix(d.offset(), 2)).containsExactly(0.0, 0.0);
    assertThat(d.hasOffset()).isFalse();
  }

  @Test
  void shouldFindWeightOffsetAndFeaturesByNameInAnyColumnOrder() throws Exception {
    // Given a header in an unusual order
    final String csv = "x2,offset,model,weight,y,x1\n20,0.5,a,3,1,10\n";

    // When it is read
    final GroupedRows rows = read(csv);

    // Then each value lands in its role and the features keep their file order
    assertThat(rows.featureNames()).containsExactly("x2", "x1");
    assertThat(rows.hasWeight()).isTrue();
    assertThat(rows.hasOffset()).isTrue();
    final Design d = rows.models().get(0).design();
    assertThat(d.column(0)[0]).isEqualTo(20.0);
    assertThat(d.column(1)[0]).isEqualTo(10.0);
    assertThat(d.y()[0]).isEqualTo(1.0);
    assertThat(d.weight()[0]).isEqualTo(3.0);
    assertThat(d.offset()[0]).isEqualTo(0.5);
    assertThat(d.hasOffset()).isTrue();
  }

  @Test
  void shouldGroupRowsByModelInTheOrderOfFirstAppearance() throws Exception {
    // Given interleaved keys
    final String csv = "model,y,x\nb,0,1\na,1,2\nb,1,3\nc,0,4\na,0,5\n";

    // When it is read
    final GroupedRows rows = read(csv);

    // Then each key has its rows in file order, keys ordered by first appearance
    assertThat(rows.models()).extracting(GroupedRows.ModelRows::key).containsExactly("b", "a", "c");
    assertThat(column(rows.models().get(0).design(), 0)).containsExactly(1.0, 3.0);
    assertThat(column(rows.models().get(1).design(), 0)).containsExactly(2.0, 5.0);
    assertThat(column(rows.models().get(2).design(), 0)).containsExactly(4.0);
  }

  @Test
  void shouldAcceptQuotedFieldsCrlfBlankLinesAndAByteOrderMark() throws Exception {
    // Given what R's write.csv and spreadsheets produce
    final String csv = "\uFEFF\"model\",\"y\",\"x 1\"\r\n\"a,b\",0,1\r\n\r\n\"say \"\"hi\"\"\",1, 2 \r\na,0,3,4";

    // When it is read
    final CsvFormatException e = readFailure(csv);

    // Then the quoted "a,b" on line 2 was one field, and line 5 has one field too many
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.reason()).isEqualTo("expected 3 columns, found 4");

    // And without that line everything parses
    final GroupedRows rows = read(csv.substring(0, csv.lastIndexOf("\r\n")));
    assertThat(rows.featureNames()).containsExactly("x 1");
    assertThat(rows.models()).extracting(GroupedRows.ModelRows::key).containsExactly("a,b", "say \"hi\"");
    assertThat(rows.models().get(1).design().column(0)[0]).isEqualTo(2.0);
  }

  @Test
  void shouldAcceptAFileWithoutFeatures() throws Exception {
    // Given an intercept-only file
    final GroupedRows rows = read("model,y\nm,0\nm,1\nm,1\n");

    // Then there are no features and three rows
    assertThat(rows.featureNames()).isEmpty();
    assertThat(rows.models().get(0).design().rows()).isEqualTo(3);
  }

  @Test
  void shouldDetectGzipByItsMagicBytesWhateverTheFileIsCalled() throws Exception {
    // Given gzipped CSV in a file whose name says plain CSV
    final Path file = dir.resolve("data.csv");
    Files.write(file, gzip("model,y,x\nm,1,0.125\n"));

    // When it is read by name
    final GroupedRows rows = new GroupedCsvReader(1).read(file.toString());

    // Then it was decompressed
    assertThat(rows.models().get(0).design().column(0)[0]).isEqualTo(0.125);
  }

  @Test
  void shouldReadTheGzippedFixture() throws Exception {
    // Given the synthetic fixture (gzip, 100000 rows, 5 features)
    final Path file = Path.of("src/test/resources/golden/data/synth_p5.csv.gz");

    // When it is read with two threads
    final GroupedRows rows = new GroupedCsvReader(2).read(file.toString());

    // Then every row is there, in one model
    assertThat(rows.rows()).isEqualTo(100_000);
    assertThat(rows.models()).hasSize(1);
    assertThat(rows.models().get(0).key()).isEqualTo("synth_p5");
    assertThat(rows.models().get(0).design().rows()).isEqualTo(100_000);
    assertThat(rows.models().get(0).design().column(0)[0]).isEqualTo(-0.3270);
  }

  @Test
  void shouldReadStandardInputForDash() throws Exception {
    // Given standard input holding a gzipped CSV
    final InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(gzip("model,y,x\nm,1,7\n")));
    try {
      // When "-" is read
      final GroupedRows rows = new GroupedCsvReader(1).read("-");

      // Then the rows came from stdin
      assertThat(rows.models().get(0).design().column(0)[0]).isEqualTo(7.0);
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void shouldParseNumbersCorrectlyRounded() throws Exception {
    // Given decimal strings that a naive parser rounds wrongly
    final String[] values = {
      "0.1", "2.2250738585072011e-308", "9007199254740993", "1.00000000000000011102230246251565404236316680908203125",
      "-4.9e-324", "1.7976931348623157e308", "2.4703282292062328e-324",
      "0.1000000000000000055511151231257827021181583404541015625000000000000000001", "0.30000000000000004", "123456.789e-2"
    };
    final StringBuilder csv = new StringBuilder("model,y,x\n");
    for (final String v : values) {
      csv.append("m,0,").append(v).append('\n');
    }

    // When they are read
    final double[] x = read(csv.toString()).models().get(0).design().column(0);

    // Then each equals Double.parseDouble's correctly rounded value
    for (int i = 0; i < values.length; i++) {
      assertThat(x[i]).as(values[i]).isEqualTo(Double.parseDouble(values[i]));
    }
  }

  @Test
  void shouldGiveTheSameRowsAndErrorsWhateverTheBlockSizeAndThreadCount() throws Exception {
    // Given 5000 rows of 7 keys with a malformed line near the end
    final SplittableRandom random = new SplittableRandom(7);
    final StringBuilder csv = new StringBuilder("model,y,weight,x1,x2,x3\n");
    for (int i = 0; i < 5000; i++) {
      csv.append("key").append(random.nextInt(7)).append(',').append(random.nextInt(2)).append(',')
          .append(random.nextInt(1, 4));
      for (int j = 0; j < 3; j++) {
        csv.append(',').append(random.nextGaussian());
      }
      csv.append('\n');
      if (i % 997 == 0) {
        csv.append('\n');
      }
    }
    final GroupedRows expected = read(csv.toString());

    // When it is read with tiny blocks (lines cross block ends) on 1, 2 and 3 threads
    for (final int threads : new int[] {1, 2, 3}) {
      final GroupedRows actual = read(csv.toString(), new GroupedCsvReader(threads, 64, 0));

      // Then the designs are identical
      assertThat(actual.models()).extracting(GroupedRows.ModelRows::key)
          .containsExactlyElementsOf(expected.models().stream().map(GroupedRows.ModelRows::key).toList());
      for (int m = 0; m < expected.models().size(); m++) {
        final Design e = expected.models().get(m).design();
        final Design a = actual.models().get(m).design();
        assertThat(a.rows()).isEqualTo(e.rows());
        for (int j = 0; j < 3; j++) {
          assertThat(prefix(a.column(j), a.rows())).containsExactly(prefix(e.column(j), e.rows()));
        }
        assertThat(prefix(a.y(), a.rows())).containsExactly(prefix(e.y(), e.rows()));
        assertThat(prefix(a.weight(), a.rows())).containsExactly(prefix(e.weight(), e.rows()));
      }
    }

    // And a malformed line is reported at the same line number whatever the threads
    final String broken = csv.append("key1,0,1,0.5,oops,1\n").append("key2,0,1,1,1,1\n").toString();
    final long lines = broken.chars().filter(c -> c == '\n').count();
    for (final int threads : new int[] {1, 2, 3}) {
      final CsvFormatException e =
          catchThrowableOfType(CsvFormatException.class, () -> read(broken, new GroupedCsvReader(threads, 64, 0)));
      assertThat(e.line()).isEqualTo(lines - 1);
      assertThat(e.column()).contains("x2");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "wrong column count | model,y,x\\nm,0,1\\nm,1,2\\nm,1\\n | 4 | | expected 3 columns, found 2",
        "extra column | model,y,x\\nm,0,1\\nm,1,2,3,4\\n | 3 | | expected 3 columns, found 5",
        "unparsable number | model,y,x\\nm,0,1\\nm,0,1.2.3\\n | 3 | x | cannot parse \"1.2.3\" in column \"x\" as a number",
        "missing value | model,y,x\\nm,0,\\n | 2 | x | empty value in column \"x\" (missing values are not supported)",
        "NA | model,y,x\\nm,0,NA\\n | 2 | x | cannot parse \"NA\" in column \"x\" as a number",
        "y above one | model,y,x\\nm,0,1\\n\\nm,2,1\\n | 4 | y | response y must be in [0, 1], got \"2\"",
        "y negative | model,y,x\\nm,-0.5,1\\n | 2 | y | response y must be in [0, 1], got \"-0.5\"",
        "y NaN | model,y,x\\nm,NaN,1\\n | 2 | y | response y must be in [0, 1], got \"NaN\"",
        "negative weight | model,y,weight,x\\nm,1,-1,0\\n | 2 | weight | weight must be finite and >= 0, got \"-1\"",
        "infinite weight | model,y,weight,x\\nm,1,Infinity,0\\n | 2 | weight | weight must be finite and >= 0, got \"Infinity\"",
        "NaN weight | model,y,weight,x\\nm,1,NaN,0\\n | 2 | weight | weight must be finite and >= 0, got \"NaN\"",
        "non-finite feature | model,y,x\\nm,1,-Infinity\\n | 2 | x | value in column \"x\" must be finite, got \"-Infinity\"",
        "non-finite offset | model,y,offset,x\\nm,1,NaN,1\\n | 2 | offset | value in column \"offset\" must be finite, got \"NaN\"",
        "unterminated quote | model,y,x\\n\"m,0,1\\n | 2 | model | unterminated quoted field",
        "missing y | model,x1,x2\\nm,1,2\\n | 1 | y | missing column \"y\" in the header (expected model,y[,weight][,offset],x1..xp)",
        "missing model | y,x1\\n1,2\\n | 1 | model | missing column \"model\" in the header (expected model,y[,weight][,offset],x1..xp)",
        "duplicate column | model,y,x,x\\nm,1,2,3\\n | 1 | x | column \"x\" appears twice in the header",
        "unnamed column | model,y,,x\\nm,1,2,3\\n | 1 | | column 3 of the header has no name",
        "header only | model,y,x\\n | 2 | | no data rows after the header",
        "empty file | '' | 1 | | the file is empty; expected a header model,y[,weight][,offset],x1..xp",
      })
  void shouldRejectMalformedInputNamingTheLineAndColumn(
      final String what, final String csv, final long line, final String column, final String reason) {
    // Given a malformed file (\n written as an escape in the table)
    final String text = csv.replace("\\n", "\n");

    // When it is read
    final CsvFormatException e = readFailure(text);

    // Then the exception says where and what
    assertThat(e).as(what).isNotNull();
    assertThat(e.source()).isEqualTo("test.csv");
    assertThat(e.line()).as(what).isEqualTo(line);
    assertThat(e.column().orElse(null)).as(what).isEqualTo(column);
    assertThat(e.reason()).as(what).isEqualTo(reason);
    assertThat(e.getMessage()).isEqualTo("test.csv:" + line + ": " + reason);
  }

  @Test
  void shouldReportAMissingFileAsAnIoError() {
    // Given a path that does not exist
    final String missing = dir.resolve("nope.csv").toString();

    // When it is read
    final Throwable t = catchThrowableOfType(NoSuchFileException.class, () -> new GroupedCsvReader(1).read(missing));

    // Then it is an I/O error, not a format error
    assertThat(t).isNotNull();
  }

  @Test
  void shouldReadLinesLongerThanTheBlock() throws Exception {
    // Given 300 features (a header and rows far longer than a 64-byte block)
    final StringBuilder header = new StringBuilder("model,y");
    final StringBuilder row = new StringBuilder("m,1");
    for (int j = 0; j < 300; j++) {
      header.append(",f").append(j);
      row.append(',').append(j);
    }
    final String csv = header + "\n" + row + "\n" + row + "\n";

    // When it is read with tiny blocks
    final GroupedRows rows = read(csv, new GroupedCsvReader(2, 64, 0));

    // Then the rows are whole
    assertThat(rows.featureNames()).hasSize(300);
    assertThat(rows.models().get(0).design().rows()).isEqualTo(2);
    assertThat(rows.models().get(0).design().column(299)[1]).isEqualTo(299.0);
  }

  @Test
  void shouldHandleManyKeys() throws Exception {
    // Given 5000 distinct keys, each with two rows, in two passes
    final StringBuilder csv = new StringBuilder("model,y,x\n");
    for (int pass = 0; pass < 2; pass++) {
      for (int k = 0; k < 5000; k++) {
        csv.append('k').append(k).append(",1,").append(pass).append('\n');
      }
    }

    // When it is read
    final List<GroupedRows.ModelRows> models = read(csv.toString()).models();

    // Then every key has both of its rows, in order
    assertThat(models).hasSize(5000);
    assertThat(models.get(4321).key()).isEqualTo("k4321");
    assertThat(prefix(models.get(4321).design().column(0), 2)).containsExactly(0.0, 1.0);
  }

  private static byte[] gzip(final String s) throws IOException {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
