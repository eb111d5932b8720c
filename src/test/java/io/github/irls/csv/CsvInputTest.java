package io.github.irls.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvInputTest {

  @TempDir Path dir;

  private static CsvInput input(final byte[] bytes, final int blockBytes) throws Exception {
    return CsvInput.of(new ByteArrayInputStream(bytes), "test.csv", bytes.length, blockBytes);
  }

  private static CsvInput input(final String csv) throws Exception {
    return input(csv.getBytes(StandardCharsets.UTF_8), 1 << 16);
  }

  /** Every block's text, in order, with a | after each. */
  private static String blocks(final CsvInput in) throws IOException {
    final StringBuilder all = new StringBuilder();
    for (int n = in.nextBlock(); n > 0; n = in.nextBlock()) {
      all.append(new String(in.block(), 0, n, StandardCharsets.UTF_8)).append('|');
    }
    return all.toString();
  }

  @Test
  void shouldReadTheHeaderAfterAByteOrderMarkWithQuotedAndPaddedNames() throws Exception {
    // Given a spreadsheet export: a byte order mark, quoted names, spaces and CRLF
    final String csv = "\uFEFF\"x 1\", model ,\"y\",offset,\"we\"\"ird\"\r\n1,m,0,0,2\r\n";

    // When it is opened
    try (CsvInput in = input(csv)) {
      // Then the names are clean and each column has its role
      final CsvHeader header = in.header();
      assertThat(header.names()).containsExactly("x 1", "model", "y", "offset", "we\"ird");
      assertThat(header.featureNames()).containsExactly("x 1", "we\"ird");
      assertThat(header.hasWeight()).isFalse();
      assertThat(header.hasOffset()).isTrue();
      assertThat(header.stride()).isEqualTo(5);
    }
  }

  @Test
  void shouldHandOutWholeLinesGrowingTheBlockForALongLine() throws Exception {
    // Given lines longer than the 16-byte block, the last one without a newline
    final String rows = "m,1,0.000000000000001\nm,0,2\nm,1,0.333333333333333333";

    // When the blocks are read
    try (CsvInput in = input(("model,y,x\n" + rows).getBytes(StandardCharsets.UTF_8), 16)) {
      final String[] blocks = blocks(in).split("\\|");

      // Then together they are the rows, and every block but the last ends at a line end
      assertThat(String.join("", blocks)).isEqualTo(rows);
      assertThat(blocks.length).isGreaterThan(1);
      for (int i = 0; i < blocks.length - 1; i++) {
        assertThat(blocks[i]).endsWith("\n");
      }
    }
  }

  @Test
  void shouldRecogniseGzipByItsMagicBytesAndCountTheCompressedBytes() throws Exception {
    // Given gzip in a file called .csv
    final Path file = dir.resolve("events.csv");
    Files.write(file, gzip("model,y,x\nm,1,0.5\n"));

    // When it is read to the end
    try (CsvInput in = CsvInput.open(file.toString(), 1 << 16)) {
      final String blocks = blocks(in);

      // Then it was decompressed, every compressed byte consumed, and the size known
      assertThat(blocks).isEqualTo("m,1,0.5\n|");
      assertThat(in.bytesRead()).isEqualTo(Files.size(file));
      assertThat(in.totalBytes()).isEqualTo(Files.size(file));
      assertThat(in.source()).isEqualTo(file.toString());
    }
  }

  @Test
  void shouldReadStandardInputForDashAndLeaveItOpen() throws Exception {
    // Given standard input that records whether it was closed
    final AtomicBoolean closed = new AtomicBoolean();
    final InputStream stdin = closeRecording("model,y\nm,1\n", closed);
    final InputStream saved = System.in;
    System.setIn(stdin);
    try {
      // When "-" is read and closed
      final String blocks;
      final String source;
      try (CsvInput in = CsvInput.open("-", 1 << 16)) {
        blocks = blocks(in);
        source = in.source();
      }

      // Then the rows came from standard input, which is still open
      assertThat(blocks).isEqualTo("m,1\n|");
      assertThat(source).isEqualTo("<stdin>");
      assertThat(closed).isFalse();
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void shouldCloseTheStreamItWasGiven() throws Exception {
    // Given a stream that records whether it was closed
    final AtomicBoolean closed = new AtomicBoolean();
    final InputStream stream = closeRecording("model,y\nm,1\n", closed);

    // When it is opened and closed
    CsvInput.of(stream, "test.csv", -1, 1 << 16).close();

    // Then the stream was closed
    assertThat(closed).isTrue();
  }

  @Test
  void shouldReportAMissingFileOrABadPathAsNoSuchFile() {
    // Given a missing file and a name that is not a path
    final String missing = dir.resolve("nope.csv").toString();

    // When they are opened / Then both are I/O errors, not format errors
    assertThat(catchThrowableOfType(NoSuchFileException.class, () -> CsvInput.open(missing, 1 << 16))).isNotNull();
    assertThat(catchThrowableOfType(NoSuchFileException.class, () -> CsvInput.open("a\0b", 1 << 16))).isNotNull();
  }

  @Test
  void shouldNameBothMissingColumnsWhenTheHeaderHasNeither() {
    // Given a header without model and y
    // When it is opened
    final CsvFormatException e = catchThrowableOfType(CsvFormatException.class, () -> input("a,b\n1,2\n"));

    // Then both are named, on line 1, with no single column to blame
    assertThat(e.getMessage())
        .isEqualTo("test.csv:1: missing columns model and y in the header (expected model,y[,weight][,offset],x1..xp)");
    assertThat(e.column()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "lone carriage returns       | model,y,x\\rm,1,2\\rm,0,3\\r | | the header line holds a carriage return",
        "text after a closing quote  | model,\"y\"z,x\\nm,1,2\\n     | y | unexpected text after the closing quote",
      })
  void shouldRejectAMalformedHeaderOnLineOne(
      final String what, final String csv, final String column, final String reason) {
    // Given a malformed header (\n and \r written as escapes in the table)
    final String text = csv.replace("\\r", "\r").replace("\\n", "\n");

    // When it is opened
    final CsvFormatException e = catchThrowableOfType(CsvFormatException.class, () -> input(text));

    // Then line 1 and the column, if one is to blame, are named with the reason
    assertThat(e).as(what).isNotNull();
    assertThat(e.line()).as(what).isEqualTo(1);
    assertThat(e.column().orElse(null)).as(what).isEqualTo(column);
    assertThat(e.reason()).as(what).startsWith(reason);
  }

  /** A stream of {@code text} that records in {@code closed} whether it was closed. */
  private static InputStream closeRecording(final String text, final AtomicBoolean closed) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
      @Override
      public void close() {
        closed.set(true);
      }
    };
  }

  private static byte[] gzip(final String s) throws IOException {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
