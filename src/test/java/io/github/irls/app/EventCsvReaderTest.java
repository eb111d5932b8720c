package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.csv.CsvFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class EventCsvReaderTest {

  private static EventCsvReader reader(final byte[] bytes) throws Exception {
    return EventCsvReader.open(new ByteArrayInputStream(bytes), "test.csv", bytes.length);
  }

  @Test
  void shouldReadRowsInFileOrderWithWeightsOffsetsAndQuotes() throws Exception {
    // Given columns in an unusual order, a quoted key with a comma and a blank line
    final String csv = "x1,\"model\",y,offset,weight,x2\n"
        + "1.5,\"a,b\",1,0.25,2,-3\n"
        + "\n"
        + "2.5,c,0,0,1,4e-3\n";

    // When
    final List<String> keys = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    try (EventCsvReader r = reader(csv.getBytes(StandardCharsets.UTF_8))) {
      assertThat(r.features()).isEqualTo(2);
      while (r.next()) {
        keys.add(r.key());
        events.add(r.event().getFeatures() + " y=" + r.event().getLabel() + " w=" + r.event().getWeight()
            + " o=" + r.event().getOffset());
      }
    }

    // Then
    assertThat(keys).containsExactly("a,b", "c");
    assertThat(events).containsExactly("[1.5, -3.0] y=1.0 w=2.0 o=0.25", "[2.5, 0.004] y=0.0 w=1.0 o=0.0");
  }

  @Test
  void shouldRecogniseGzipByItsContent() throws Exception {
    // Given
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write("model,y,x1\nk,1,0.5\nk,0,-0.5\n".getBytes(StandardCharsets.UTF_8));
    }

    // When
    int rows = 0;
    try (EventCsvReader r = reader(bytes.toByteArray())) {
      while (r.next()) {
        rows++;
      }
      // Then the whole compressed input was consumed
      assertThat(r.bytesRead()).isEqualTo(bytes.size());
    }
    assertThat(rows).isEqualTo(2);
  }

  @Test
  void shouldNameTheLineAndColumnOfABadNumber() throws Exception {
    // Given
    final String csv = "model,y,x1\nk,1,0.5\nk,0,abc\n";

    // When / Then
    try (EventCsvReader r = reader(csv.getBytes(StandardCharsets.UTF_8))) {
      assertThat(r.next()).isTrue();
      assertThatThrownBy(r::next).isInstanceOf(CsvFormatException.class)
          .hasMessageContaining("test.csv:3").hasMessageContaining("x1").hasMessageContaining("abc");
    }
  }

  @Test
  void shouldRequireTheModelAndYColumns() {
    // Given / When / Then
    assertThatThrownBy(() -> reader("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CsvFormatException.class).hasMessageContaining("model and y");
  }
  @Test
  void shouldNumberTheLinesOfRowsAndErrorsAcrossBlocks() throws Exception {
    // Given 20000 rows (several read blocks) with a blank line after every 1000th and a bad last row
    final StringBuilder csv = new StringBuilder("model,y,x1\n");
    for (int i = 0; i < 20_000; i++) {
      csv.append("k").append(i % 3).append(",1,").append(i).append('\n');
      if (i % 1000 == 999) {
        csv.append('\n');
      }
    }
    csv.append("k0,1,oops\n");

    // When every row is read
    long expectedLine = 1;
    long rows = 0;
    try (EventCsvReader r = reader(csv.toString().getBytes(StandardCharsets.UTF_8))) {
      while (rows < 20_000) {
        assertThat(r.next()).isTrue();
        expectedLine += rows > 0 && rows % 1000 == 0 ? 2 : 1;

        // Then each row has its own line number and values
        assertThat(r.line()).isEqualTo(expectedLine);
        assertThat(r.event().getFeatures()).containsExactly((double) rows);
        rows++;
      }
      // And the bad row is reported at its line, after all the rows before it
      final long badLine = expectedLine + 2;
      assertThatThrownBy(r::next).isInstanceOf(CsvFormatException.class).hasMessageStartingWith("test.csv:" + badLine + ":");
    }
  }

  @Test
  void shouldSendValuesThatTheTopologyDeadLetters() throws Exception {
    // Given rows that a fit would reject: a NaN feature, a label of 2 and a negative weight
    final String csv = "model,y,weight,x1\nk,1,1,NaN\nk,2,1,0\nk,0,-1,0\n";

    // When they are read
    final List<String> events = new ArrayList<>();
    try (EventCsvReader r = reader(csv.getBytes(StandardCharsets.UTF_8))) {
      while (r.next()) {
        events.add(r.event().getFeatures() + " y=" + r.event().getLabel() + " w=" + r.event().getWeight());
      }
    }

    // Then they are events as written, for the topology to dead-letter
    assertThat(events).containsExactly("[NaN] y=1.0 w=1.0", "[0.0] y=2.0 w=1.0", "[0.0] y=0.0 w=-1.0");
  }
}
