package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code simulate}: usage errors (exit 2) and an unreachable broker (exit 1). */
class SimulateCommandTest {

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

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "simulate --rate 10                                            | --bootstrap-servers",
      "simulate --bootstrap-servers localhost:9092 --rate 0          | --rate must be >= 1",
      "simulate --bootstrap-servers localhost:9092 --events 0        | --events must be >= 1",
      "simulate --bootstrap-servers localhost:9092 --duration soon   | not a duration",
      "simulate --bootstrap-servers localhost:9092 --progress-interval 0s | must be a positive duration",
      "simulate --bootstrap-servers localhost:9092 -D topic.partitions=0 | topic.partitions",
  })
  void shouldRejectBadArgumentsAsUsageErrors(final String args, final String expected) {
    // Given / When
    final Run run = run(args.trim().split("\\s+"));

    // Then
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(expected);
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void shouldFailWithOneClearMessageWhenTheBrokerIsUnreachable() {
    // Given nothing listening on port 1, When simulate starts
    final Run run = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> run("simulate", "--bootstrap-servers", "127.0.0.1:1", "--events", "10"));

    // Then it gives up with exit code 1 and names the broker, without a stack trace
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("No Kafka broker answered at 127.0.0.1:1");
    assertThat(run.err().lines().filter(l -> l.startsWith("Error:")).count()).isEqualTo(1);
    assertThat(run.err()).doesNotContain("\tat ");
  }
}
