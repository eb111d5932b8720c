package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.irls.config.IrlsConfig;
import io.github.irls.kafka.Topics;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code run}'s startup errors as a user meets them: a missing topic with topic creation off, an
 * unreachable broker and a bad value in a real child process (real exit code, everything it prints).
 */
class StartupErrorsIT extends KafkaIntegrationTest {

  private static final Duration BOUND = Duration.ofSeconds(90);

  @TempDir Path dir;

  private static List<String> topicOptions(final String id) {
    return List.of("-D", "application.id=" + id, "-D", "input.topic=" + id + ".events",
        "-D", "output.topic=" + id + ".coefficients", "-D", "dlq.topic=" + id + ".dlq",
        "-D", "model.specs.topic=" + id + ".specs");
  }

  private static IrlsConfig config(final String id) {
    final Map<String, Object> props = new HashMap<>();
    props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(IrlsConfig.APPLICATION_ID_CONFIG, id);
    props.put(IrlsConfig.INPUT_TOPIC_CONFIG, id + ".events");
    props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, id + ".coefficients");
    props.put(IrlsConfig.DLQ_TOPIC_CONFIG, id + ".dlq");
    props.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, id + ".specs");
    return new IrlsConfig(props);
  }

  /** Runs the CLI in this JVM with {@code args}, its stderr into {@code err}; the exit code. */
  private static int execute(final List<String> args, final StringWriter err) {
    final CommandLine cmd = IrlsCommand.commandLine();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(err, true));
    return assertTimeoutPreemptively(BOUND, () -> cmd.execute(args.toArray(new String[0])));
  }

  @Test
  void shouldExitOneNamingEveryMissingTopicWhenTopicCreationIsOff() throws Exception {
    // Given topics that do not exist and topics.create=false
    final String id = uniqueTopic("no-topics");
    final List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrapServers(),
        "--http-port", "0", "-D", "topics.create=false", "-D", "state.dir=" + dir));
    args.addAll(topicOptions(id));

    // When
    final StringWriter err = new StringWriter();
    final int exit = execute(args, err);

    // Then one line names all four and how to fix it, and none was created
    assertThat(exit).as(err.toString()).isEqualTo(1);
    final List<String> errors = err.toString().lines().filter(l -> l.startsWith("Error:")).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0))
        .contains(id + ".events", id + ".coefficients", id + ".dlq", id + ".specs")
        .contains("topics.create is false").contains("4 partitions");
    assertThat(err.toString()).doesNotContain("\tat ");
    try (Admin admin = admin()) {
      final Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertThat(topics).noneMatch(t -> t.startsWith(id));
    }
  }

  @Test
  void shouldExitOneWhenTheRegistryForFramedUpdatesCannotBeReached() throws Exception {
    // Given framed updates and a schema registry URL where nothing listens
    final String id = uniqueTopic("no-registry");
    final int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    final List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrapServers(),
        "--http-port", "0", "-D", "state.dir=" + dir, "-D", "output.format=registry-avro",
        "-D", "schema.registry.url=http://127.0.0.1:" + port, "-D", "schema.registry.basic.auth.user.info=u:s3cret"));
    args.addAll(topicOptions(id));

    // When
    final StringWriter err = new StringWriter();
    final int exit = execute(args, err);

    // Then one error line says what could not be registered where, and no password is shown
    assertThat(exit).as(err.toString()).isEqualTo(1);
    final List<String> errors = err.toString().lines().filter(l -> l.startsWith("Error:")).toList();
    assertThat(errors).singleElement().asString()
        .contains("Cannot register CoefficientUpdate under " + id + ".coefficients-value")
        .contains("127.0.0.1:" + port);
    assertThat(err.toString()).doesNotContain("\tat ").doesNotContain("s3cret");
  }

  @Test
  void shouldRunOnExistingTopicsWhenTopicCreationIsOffAndSayStoppedWhenStopped() throws Exception {
    // Given the topics, created beforehand, and topics.create=false
    final String id = uniqueTopic("own-topics");
    try (Admin admin = admin()) {
      Topics.ensure(admin, config(id));
    }
    final List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrapServers(),
        "--http-port", "0", "-D", "topics.create=false", "-D", "state.dir=" + dir));
    args.addAll(topicOptions(id));
    final CommandLine cmd = IrlsCommand.commandLine();
    final StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(err, true));

    // When it starts and is stopped as SIGTERM would
    final CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> cmd.execute(args.toArray(new String[0])));
    final long deadline = System.nanoTime() + BOUND.toNanos();
    while (!err.toString().contains("irls-streams running") && !exit.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(err.toString()).contains("irls-streams running");
    ((RunCommand) cmd.getSubcommands().get("run").getCommand()).stop();

    // Then it exits 0 saying it stopped
    assertThat(exit.get(BOUND.toSeconds(), TimeUnit.SECONDS)).as(err.toString()).isZero();
    assertThat(err.toString()).contains("irls-streams stopped: work committed, consumer group " + id + " left");
  }

  @Test
  void shouldPrintOneErrorLineAndExitOneFromAProcessWhoseBrokerIsUnreachable() throws Exception {
    // Given / When a real process pointed at a port nothing listens on
    try (RunProcess run = RunProcess.start("unreachable", dir.resolve("unreachable.log"),
        List.of("run", "--bootstrap-servers", "127.0.0.1:1", "--http-port", "0", "-D", "state.dir=" + dir))) {
      final int exit = run.awaitExit(BOUND);

      // Then it gives up by itself: exit code 1, one Error line naming the broker, no stack trace
      assertThat(exit).as(run.log()).isEqualTo(1);
      assertThat(run.log().lines().filter(l -> l.startsWith("Error:")))
          .singleElement().asString().contains("No Kafka broker answered at 127.0.0.1:1");
      assertThat(run.log()).doesNotContain("\tat ").doesNotContain("irls-streams running");
    }
  }

  @Test
  void shouldPrintTheBadValueWithoutTheUsageAndExitTwoFromAProcess() throws Exception {
    // Given / When a real process with an unknown step mode
    try (RunProcess run = RunProcess.start("bad-value", dir.resolve("bad-value.log"),
        List.of("run", "--bootstrap-servers", bootstrapServers(), "-D", "step.mode=fast"))) {
      final int exit = run.awaitExit(BOUND);

      // Then
      assertThat(exit).as(run.log()).isEqualTo(2);
      assertThat(run.log()).contains("Invalid value fast for configuration step.mode: Value must be one of renewable, newton")
          .contains("Try 'irls-streams run --help' for usage.")
          .doesNotContain("Usage:").doesNotContain("\tat ");
    }
  }
}
