package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.testing.KafkaIntegrationTest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench-serve} on tiny settings against a real broker: the report's shape, never its timings. */
class BenchServeCommandIT extends KafkaIntegrationTest {

  @TempDir Path dir;

  @Test
  void shouldScoreEveryPhaseWithoutErrorsAndReportTheTargetsAndTheProfile() throws Exception {
    // Given 20 models of 3 features, each needing 50 events for its first version
    final Path jfr = dir.resolve("serve.jfr");

    // When bench-serve runs its three phases for a second each, recording a profile
    final FitCommandTest.Run run = FitCommandTest.run("bench-serve", "--bootstrap-servers", bootstrapServers(),
        "--models", "20", "--p", "3", "--window-events", "50", "--partitions", "2", "--clients", "2",
        "--batch", "10", "--duration", "1s", "--warmup", "0", "--rate", "100", "--jfr", jfr.toString());

    // Then it exits 0 with one row per phase, each with requests and no error
    assertThat(run.exit()).as(run.err() + run.out()).isZero();
    assertThat(run.err()).contains("Every one of the 20 models has a version");
    assertThat(run.out()).contains("20 models (p = 3)").contains("machine: ");
    for (final String phase : List.of("closed loop, batched", "closed loop, single", "open loop, single")) {
      final List<String> rows = run.out().lines().filter(l -> l.startsWith(phase + " ")).toList();
      assertThat(rows).as(run.out()).hasSize(1);
      // batch, clients, rate/s, requests, errors, ... after the phase's name
      final String[] columns = rows.get(0).substring(phase.length()).trim().split("\\s+");
      assertThat(Long.parseLong(columns[3].replace(",", ""))).as(rows.get(0)).isPositive();
      assertThat(columns[4]).as(rows.get(0)).isEqualTo("0");
      assertThat(columns[0]).isEqualTo(phase.contains("batched") ? "10" : "1");
    }
    assertThat(run.out()).doesNotContain("first error");
    // And the targets are set against the figures, the open loop's below its rate of 1,000/s
    assertThat(run.out()).contains(">= 20,000 scores/s in batches of 100: ")
        .contains("p99 < 10 ms for single requests at 1,000 requests/s: ").contains("NOT MEASURED");
    // And the profile was written and summarised
    assertThat(jfr).isNotEmptyFile();
    assertThat(run.out()).contains("profile: " + jfr).contains("server threads: ");
  }
}
