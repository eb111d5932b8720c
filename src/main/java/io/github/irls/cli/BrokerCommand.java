package io.github.irls.cli;

import io.github.irls.kafka.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code broker [--port 9092] [--data-dir DIR]}: a standalone single-node KRaft broker in this JVM
 * for local work; prints {@code bootstrap.servers=localhost:PORT} on stdout and runs until Ctrl-C.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a single-node Kafka broker (combined broker and KRaft controller) in this JVM until "
          + "Ctrl-C, for local work without a cluster.",
      "Prints 'bootstrap.servers=localhost:PORT' on stdout once clients can connect.",
      "",
      "Exit codes: 0 stopped, 1 could not start (e.g. the port is taken), 2 usage error."
    })
public final class BrokerCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "9092",
      description = "Client port (default: ${DEFAULT-VALUE}); 0 picks a free one.")
  int port;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Keep the log and metadata here across runs (default: a temporary directory "
          + "deleted on exit).")
  Path dataDir;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch running = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be in [0, 65535], got " + port);
    }
    final PrintWriter out = spec.commandLine().getOut();
    final PrintWriter err = spec.commandLine().getErr();
    final EmbeddedKafkaBroker broker;
    try {
      broker = EmbeddedKafkaBroker.start(
          new EmbeddedKafkaBroker.Settings(
              port, Optional.ofNullable(dataDir), Map.of()));
    } catch (final RuntimeException e) {
      err.println("Cannot start the broker: " + e.getMessage());
      err.flush();
      return 1;
    }
    final Thread hook = new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "irls-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("bootstrap.servers=" + broker.bootstrapServers());
    out.flush();
    err.println("Kafka broker running (data in " + broker.dataDir() + ", started in "
        + broker.startupMillis() + " ms); Ctrl-C to stop.");
    err.flush();
    running.countDown();
    try {
      stopped.await();
    } finally {
      broker.close();
      removeHook(hook);
    }
    return 0;
  }

  /** Stops a running {@link #call()} as Ctrl-C would (for tests and embedding). */
  void stop() {
    stopped.countDown();
  }

  /** Waits until the broker accepts clients; false if it did not within the timeout. */
  boolean awaitRunning(final Duration timeout) throws InterruptedException {
    return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void removeHook(final Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (final IllegalStateException e) {
      // the JVM is already shutting down and runs the hook itself
    }
  }
}
