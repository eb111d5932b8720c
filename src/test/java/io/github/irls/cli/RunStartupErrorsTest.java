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

/**
 * {@code run} refuses a bad configuration before it contacts Kafka: one line naming the option and
 * a pointer to --help (exit 2), or one {@code Error:} line for an unusable state directory (exit 1),
 * never the whole usage or a stack trace.
 */
class RunStartupErrorsTest {

  /** Nothing listens here: reaching Kafka would take the 15 s reachability timeout and say so. */
  private static final String UNREACHABLE = "127.0.0.1:1";
  private static final Duration BOUND = Duration.ofSeconds(60);

  private record Run(int exit, String err) {}

  private static Run run(final String... args) {
    final CommandLine cmd = IrlsCommand.commandLine();
    final StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(err, true));
    final int exit = assertTimeoutPreemptively(BOUND, () -> cmd.execute(args));
    return new Run(exit, err.toString());
  }

  @ParameterizedTest(name = "-D {0}")
  @CsvSource(delimiter = '|', value = {
      "window.events=0                   | window.events",
      "window.events=abc                 | window.events",
      "gamma=2                           | gamma",
      "gamma=abc                         | gamma",
      "lambda=-1                         | lambda",
      "step.mode=fast                    | step.mode",
      "input.format=xml                  | input.format",
      "input.format=registry-avro        | schema.registry.url",
      "output.format=registry-avro       | schema.registry.url",
      "output.format=json                | output.format",
      "schema.registry.url=ftp://reg:8081 | schema.registry.url",
      "schema.registry.retry.backoff.ms=0 | schema.registry.retry.backoff.ms",
      "processing.guarantee=exactly_once | processing.guarantee",
      "topics.create=maybe               | topics.create",
      "http.port=70000                   | http.port",
      "http.auth=basic                   | http.auth.credentials.file",
      "http.auth=digest                  | http.auth",
      // a Kafka Streams setting passed through is checked before Kafka is contacted, too
      "num.stream.threads=abc            | num.stream.threads",
  })
  void shouldRejectABadConfigurationValueInOneLineWithExitCodeTwo(final String setting, final String option) {
    // Given a bad value and a broker that would not answer
    // When
    final Run run = run("run", "--bootstrap-servers", UNREACHABLE, "-D", setting);

    // Then a usage error naming the option, the value and what is accepted, and nothing else
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("Invalid configuration").contains(option).contains(setting.split("=")[1]);
    assertThat(run.err()).contains("Try 'irls-streams run --help' for usage.");
    assertThat(run.err()).doesNotContain("Usage:").doesNotContain("No Kafka broker answered").doesNotContain("\tat ");
    assertThat(run.err().lines().count()).as(run.err()).isEqualTo(2);
  }

  @Test
  void shouldRefuseCredentialsInTheRegistryUrlWithoutShowingThem() {
    // Given a registry URL with a password in it
    // When
    final Run run = run("run", "--bootstrap-servers", UNREACHABLE, "-D",
        "schema.registry.url=http://irls:s3cret@registry:8081");

    // Then a usage error that points to the credentials option and never shows the password
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("schema.registry.url").contains("schema.registry.basic.auth.user.info")
        .doesNotContain("s3cret");
  }

  @Test
  void shouldRefuseUnreadableHttpSecurityFilesBeforeContactingKafkaWithoutShowingAPassword(@TempDir final Path dir) {
    // Given basic authentication against a credentials file that is not there, and a key store
    // that is not there either
    // When
    final Run users = run("run", "--bootstrap-servers", UNREACHABLE, "-D", "state.dir=" + dir.resolve("state"),
        "-D", "http.auth=basic", "-D", "http.auth.credentials.file=" + dir.resolve("absent-users"));
    final Run keystore = run("run", "--bootstrap-servers", UNREACHABLE, "-D", "state.dir=" + dir.resolve("state"),
        "-D", "http.ssl.keystore.location=" + dir.resolve("absent.p12"), "-D", "http.ssl.keystore.password=s3cret");

    // Then a usage error naming the option and the file, at once, and never the password
    for (final Run run : java.util.List.of(users, keystore)) {
      assertThat(run.exit()).as(run.err()).isEqualTo(2);
      assertThat(run.err()).contains("Invalid configuration").doesNotContain("No Kafka broker answered")
          .doesNotContain("\tat ").doesNotContain("s3cret");
    }
    assertThat(users.err()).contains("http.auth.credentials.file").contains("absent-users");
    assertThat(keystore.err()).contains("http.ssl.keystore.location").contains("absent.p12");
  }

  @Test
  void shouldRejectAMissingConfigurationFileInOneLineWithExitCodeTwo(@TempDir final Path dir) {
    // Given / When
    final Run run = run("run", "--bootstrap-servers", UNREACHABLE, "--config", dir.resolve("absent.properties").toString());

    // Then
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("absent.properties").doesNotContain("Usage:").doesNotContain("\tat ");
  }

  @Test
  void shouldFailWithOneErrorLineBeforeContactingKafkaWhenTheStateDirectoryIsAFile(@TempDir final Path dir)
      throws Exception {
    // Given a state.dir that is a regular file
    final Path file = Files.writeString(dir.resolve("not-a-directory"), "x");

    // When
    final Run run = run("run", "--bootstrap-servers", UNREACHABLE, "--http-port", "0", "-D", "state.dir=" + file);

    // Then exit 1 and one line naming the directory, without waiting for the unreachable broker
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err().lines().filter(l -> l.startsWith("Error:")))
        .containsExactly("Error: Cannot use state.dir " + file + ": it is a file");
    assertThat(run.err()).doesNotContain("No Kafka broker answered").doesNotContain("\tat ");
  }
}
