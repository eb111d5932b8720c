package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Usage errors (exit 2) and an unreachable broker (exit 1) for run, demo, produce, replay and bench. */
class AppCommandsTest {

  /** Nothing listens on port 1 of the loopback interface. */
  private static final String UNREACHABLE = "127.0.0.1:1";

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
      "run                                                    | --bootstrap-servers",
      "run --bootstrap-servers localhost:9092 --http-port x   | --http-port",
      "run --bootstrap-servers localhost:9092 -D window.events=0 | window.events",
      "run --bootstrap-servers localhost:9092 -D gamma=2       | gamma",
      "produce --input x.csv                                  | --bootstrap-servers",
      "produce --bootstrap-servers localhost:9092             | --input",
      "produce --bootstrap-servers localhost:9092 --input x.csv --format xml | --format",
      "produce --bootstrap-servers localhost:9092 --input x.csv --format registry-avro | schema.registry.url",
      "replay                                                 | --input",
      "replay --input x.csv --step-mode fast                  | --step-mode",
      "replay --input x.csv --gamma 1.5                       | --gamma must be in (0, 1]",
      "replay --input x.csv --gamma 0                         | --gamma must be in (0, 1]",
      "replay --input x.csv --window-events 0                 | --window-events must be >= 1",
      "replay --input x.csv --lambda -1                       | --lambda must be finite",
      "replay --input x.csv --partitions 0                    | --partitions must be >= 1",
      "demo --duration soon                                   | not a duration",
      "demo --rate 0                                          | --rate must be >= 1",
      "demo --http-port 70000                                 | --http-port must be in",
      "bench --p 0                                            | --p values must be in",
      "bench --keys 0                                         | must be >= 1",
      "run --no-such-option --bootstrap-servers localhost:9092 | --no-such-option",
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
  void shouldFailWithOneClearMessageWhenTheBrokerIsUnreachableForRun() {
    // Given nothing listening, When run starts
    final Run run = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> run("run", "--bootstrap-servers", UNREACHABLE, "--http-port", "0"));

    // Then it gives up with exit code 1 and names the broker
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("No Kafka broker answered at " + UNREACHABLE).contains("within 15 s");
    assertThat(run.err().lines().filter(l -> l.startsWith("Error:")).count()).isEqualTo(1);
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void shouldFailWithOneClearMessageWhenTheBrokerIsUnreachableForProduce(@TempDir final Path dir) throws Exception {
    // Given a valid file and nothing listening
    final Path csv = dir.resolve("events.csv");
    Files.writeString(csv, "model,y,x1\na,1,0.5\n");

    // When
    final Run run = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> run("produce", "--bootstrap-servers", UNREACHABLE, "--input", csv.toString()));

    // Then
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("No Kafka broker answered at").contains(UNREACHABLE);
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void shouldFailClearlyOnAMissingInputFile(@TempDir final Path dir) {
    // Given / When
    final Run run = run("replay", "--input", dir.resolve("missing.csv").toString());

    // Then
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("Cannot read").contains("missing.csv");
  }

  @Test
  void shouldFailClearlyOnAnUnresolvableHost(@TempDir final Path dir) throws Exception {
    // Given
    final Path csv = dir.resolve("events.csv");
    Files.writeString(csv, "model,y,x1\na,1,0.5\n");

    // When
    final Run run = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> run("produce", "--bootstrap-servers", "no-such-host.invalid:9092", "--input", csv.toString()));

    // Then
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("no-such-host.invalid:9092");
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void shouldListTheApplicationCommandsInTheHelp() {
    // Given / When
    final Run run = run("--help");

    // Then
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("run").contains("demo").contains("produce").contains("replay").contains("bench");
  }
}
