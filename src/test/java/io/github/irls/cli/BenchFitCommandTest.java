package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's plumbing on tiny sizes; its timings are reported, never asserted. */
class BenchFitCommandTest {

  @TempDir Path dir;

  @Test
  void shouldReportEveryMeasurementAsAJsonLine() throws Exception {
    // Given tiny sizes
    final FitCommandTest.Run run =
        FitCommandTest.run("bench-fit", "--rows", "3000", "--features", "3", "--keyed-rows", "4000",
            "--keys", "4", "--warmup", "0", "--repetitions", "3", "--dir", dir.toString());

    // Then each benchmark printed its line, the fit command succeeded, and the files are gone
    assertThat(run.exit()).as(run.err()).isZero();
    final List<JsonNode> lines = run.lines();
    assertThat(lines).extracting(n -> n.get("bench").asText())
        .containsExactly("in_memory_fit", "write_csv", "read_csv", "end_to_end_fit", "write_csv", "read_csv",
            "end_to_end_fit");
    assertThat(lines.get(0).get("seconds")).hasSize(3);
    assertThat(lines.get(0).get("converged").asBoolean()).isTrue();
    assertThat(lines.get(5).get("keys").asInt()).isEqualTo(4);
    assertThat(lines.get(3).get("exit_code").asInt()).isZero();
    assertThat(lines.get(6).get("exit_code").asInt()).isZero();
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void shouldWriteFourDecimalsLikeTheFixtures() {
    // Given a few values, when formatted, then they are rounded to four decimals
    for (final double[] c : new double[][] {{-0.32704, -0.327}, {1.23456, 1.2346}, {0.00004, 0.0}, {-12.5, -12.5}}) {
      final byte[] out = new byte[32];
      final int n = BenchFitCommand.formatFourDecimals(c[0], out, 0);
      final String s = new String(out, 0, n, StandardCharsets.US_ASCII);
      assertThat(Double.parseDouble(s)).as(s).isEqualTo(c[1]);
      assertThat(s.substring(s.indexOf('.') + 1)).hasSize(4);
    }
  }
}
