package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.client.ModelCoefficients;
import io.github.irls.client.Scoring;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ScoreCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelCoefficients MODEL = new ModelCoefficients("shop/7", 4,
      List.of("intercept", "x1", "x2"), new double[] {0.5, -1.0, 2.0}, new double[] {0.2, 0.3, 0.4},
      Optional.empty(), "OK", 0L);

  @Test
  void shouldPrintOneJsonLinePerRowAndReportBadRowsOnStderr() throws Exception {
    // Given rows for a known key, an unknown key, a wrong count, a non-number, a comment and a blank
    final String rows = String.join("\n",
        "# key,x1,x2",
        "shop/7,1.0,0.5",
        "nobody,1,2",
        "",
        "shop/7,1",
        "shop/7,1,abc",
        " shop/7 , 0 , 0 ");
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    // When they are scored
    final int failed = ScoreCommand.scoreRows(new BufferedReader(new StringReader(rows)),
        key -> "shop/7".equals(key) ? Optional.of(MODEL) : Optional.empty(),
        new PrintWriter(out), new PrintWriter(err));

    // Then the two good rows are JSON lines, the three bad ones are on stderr with their line numbers
    assertThat(failed).isEqualTo(3);
    final List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(2);
    final JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.get("model").asText()).isEqualTo("shop/7");
    assertThat(first.get("version").asLong()).isEqualTo(4);
    assertThat(first.get("probability").asDouble()).isEqualTo(Scoring.sigmoid(0.5));
    assertThat(first.get("ci95_low").asDouble()).isCloseTo(0.42357519257620024, within(1e-14));
    assertThat(first.get("ci95_high").asDouble()).isCloseTo(0.7871973640871297, within(1e-14));
    assertThat(first.get("exact").asBoolean()).isFalse();
    assertThat(JSON.readTree(lines.get(1)).get("probability").asDouble()).isEqualTo(Scoring.sigmoid(0.5));
    assertThat(err.toString().lines().toList()).containsExactly(
        "line 3: no model with key 'nobody'",
        "line 5: model shop/7 has 2 features, got 1",
        "line 6: feature 2 of model shop/7 is not a number: 'abc'");
  }

  @Test
  void shouldBeAUsageErrorWithoutBootstrapServers() {
    // Given the score command without --bootstrap-servers and no IRLS_* variables
    final CommandLine cmd = IrlsCommand.commandLine();
    final ScoreCommand score = cmd.getSubcommands().get("score").getCommand();
    score.client.environment = Map.of();
    final StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err));

    // When it runs
    final int exit = cmd.execute("score");

    // Then it is a usage error naming the missing option
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("bootstrap.servers");
  }

  @Test
  void shouldFailWithExitCode1WhenKafkaIsUnreachable() {
    // Given bootstrap servers from the environment, where nothing listens
    final CommandLine cmd = IrlsCommand.commandLine();
    final ScoreCommand score = cmd.getSubcommands().get("score").getCommand();
    score.client.environment = Map.of("IRLS_BOOTSTRAP_SERVERS", "127.0.0.1:1");
    final StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err));

    // When it runs
    final int exit = cmd.execute("score", "--wait", "1s");

    // Then it fails with exit code 1 naming the address it tried
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("127.0.0.1:1");
  }
}
