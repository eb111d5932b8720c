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
}
