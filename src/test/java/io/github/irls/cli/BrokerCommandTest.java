package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BrokerCommandTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(final String... args) {
    final CommandLine cmd = IrlsCommand.commandLine();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    final int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void shouldRejectAPortOutOfRangeAsAUsageError() {
    // Given / When
    final Run run = run("broker", "--port", "70000");

    // Then
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--port must be in [0, 65535], got 70000");
    assertThat(run.out()).doesNotContain("bootstrap.servers=");
  }

  @Test
  void shouldRejectANonNumericPortAsAUsageError() {
    // Given / When
    final Run run = run("broker", "--port", "ninety");

    // Then
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--port").contains("ninety");
  }

  @Test
  void shouldDescribeItselfInTheHelp() {
    // Given / When
    final Run run = run("broker", "--help");

    // Then
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("--port=PORT").contains("--data-dir=DIR").contains("Ctrl-C");
  }
}
