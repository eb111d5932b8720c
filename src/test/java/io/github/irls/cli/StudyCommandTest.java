package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The study command's output and exit codes on a tiny study. */
class StudyCommandTest {

  @Test
  void shouldPrintOneJsonObjectWithTheBaselineAndEveryMode() throws Exception {
    // Given a tiny study with warm-ups 1 and 3
    final FitCommandTest.Run run = FitCommandTest.run("study", "--keys", "4", "--p", "2", "--window-events", "100",
        "--min-events", "250", "--max-events", "400", "--warmup", "3,1", "--threads", "2", "--seed", "5");

    // Then one JSON object holds the MLE's coverage and each mode's numbers; progress went to stderr
    assertThat(run.exit()).as(run.err()).isZero();
    final List<JsonNode> lines = run.lines();
    assertThat(lines).hasSize(1);
    final JsonNode study = lines.get(0);
    assertThat(study.get("keys").asInt()).isEqualTo(4);
    assertThat(study.get("events").asLong()).isBetween(4L * 250, 4L * 400);
    assertThat(study.get("mle").get("coverage").asDouble()).isBetween(0.0, 1.0);
    final JsonNode modes = study.get("modes");
    assertThat(modes).extracting(m -> m.get("mode").asText()).containsExactly("renewable", "newton", "hybrid", "hybrid");
    assertThat(modes.get(2).get("warmup_windows").asInt()).isEqualTo(1);
    assertThat(modes.get(3).get("warmup_windows").asInt()).isEqualTo(3);
    assertThat(modes.get(0).has("warmup_windows")).isFalse();
    for (final JsonNode mode : modes) {
      assertThat(mode.get("coverage").asDouble()).isBetween(0.0, 1.0);
      assertThat(mode.get("distance_to_mle").get("p95").asDouble())
          .isBetween(mode.get("distance_to_mle").get("median").asDouble(), mode.get("distance_to_mle").get("max").asDouble());
      assertThat(mode.get("se_ratio_median").asDouble()).isPositive();
    }
    assertThat(run.err()).contains("4 of 4 keys");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "--keys 0          | keys must be >= 1",
    "--warmup 0        | warm-up must be >= 1",
    "--warmup x        | '--warmup'",
    "--window-events 0 | window events must be >= 1",
    "--rho 1           | rho must be in (-1, 1)",
  })
  void shouldExitTwoOnAUsageError(final String args, final String message) {
    // Given a bad option, when the study is asked for, then exit 2 with the reason and no output
    final FitCommandTest.Run run = FitCommandTest.run(("study " + args).split(" "));
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains(message);
    assertThat(run.out()).isEmpty();
  }
}
