package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.cli.IrlsCommand;
import io.github.irls.glm.Fixtures;
import io.github.irls.testing.KafkaIntegrationTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code replay} of synth_p5 on a real broker reproduces the sequential reference trajectory. */
class ReplayIT extends KafkaIntegrationTest {

  private static final int D = 6;
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "gamma {0}")
  @ValueSource(doubles = {1.0, 0.99})
  void shouldReproduceTheSequentialReferenceInNewtonMode(final double gamma) throws Exception {
    // Given synth_p5 and the reference trajectory of the sequential Laplace recursion
    final Path input = Path.of(ReplayIT.class.getResource("/golden/data/synth_p5.csv.gz").toURI());
    final List<double[]> expected = Fixtures.sequentialTrajectory(gamma);

    // When replay runs it through the broker in newton mode, windows of 1000
    final CommandLine cmd = IrlsCommand.commandLine();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    // gamma 1 runs on the test class's broker (--bootstrap-servers), gamma 0.99 on replay's own
    // embedded broker (the default a user gets). Two replays back to back on one embedded broker
    // once stalled for 60 s on NOT_LEADER_OR_FOLLOWER right after the first one deleted its topics
    // (see the closing note of issue 4); that path is not what this test is about.
    final List<String> args = new ArrayList<>(List.of("replay", "--input", input.toString(), "--step-mode", "newton",
        "--window-events", "1000", "--lambda", "1e-6", "--lambda-intercept", "1e-6",
        "--gamma", Double.toString(gamma), "--partitions", "3"));
    if (gamma == 1.0) {
      args.addAll(List.of("--bootstrap-servers", bootstrapServers()));
    }
    final int exit = cmd.execute(args.toArray(new String[0]));

    // Then it prints the 100 updates, one JSON object per line, equal to the reference to 1e-9
    assertThat(exit).as(err.toString()).isZero();
    final List<JsonNode> updates = new ArrayList<>();
    for (final String line : out.toString().split("\n")) {
      if (!line.isBlank()) {
        updates.add(JSON.readTree(line));
      }
    }
    assertThat(updates).hasSize(100);
    for (int t = 0; t < 100; t++) {
      final JsonNode u = updates.get(t);
      assertThat(u.get("model").asText()).isEqualTo("synth_p5");
      assertThat(u.get("version").asLong()).isEqualTo(t + 1);
      assertThat(u.get("events_total").asLong()).isEqualTo(1000L * (t + 1));
      assertThat(u.get("window_events").asLong()).isEqualTo(1000L);
      assertThat(u.get("status").asText()).isEqualTo("OK");
      for (int j = 0; j < D; j++) {
        final double b = expected.get(t)[j];
        final double se = expected.get(t)[D + j];
        assertThat(u.get("coefficients").get(j).asDouble()).as("window %d coef %d", t + 1, j)
            .isCloseTo(b, within(1e-9 * Math.abs(b)));
        assertThat(u.get("std_errors").get(j).asDouble()).as("window %d se %d", t + 1, j)
            .isCloseTo(se, within(1e-9 * se));
      }
    }
  }

}
