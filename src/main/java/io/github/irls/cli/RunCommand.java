package io.github.irls.cli;

import io.github.irls.app.IrlsApplication;
import io.github.irls.app.KafkaUnavailableException;
import io.github.irls.config.IrlsConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code run --bootstrap-servers HOST:PORT}: the streams application and its HTTP API, until SIGTERM. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the streaming application against a Kafka cluster until SIGTERM or Ctrl-C: creates the "
          + "missing topics, fits every model key of the events topic, publishes coefficient "
          + "updates, and serves GET /health, GET /models and GET /models/{key} over HTTP.",
      "",
      "SIGTERM or Ctrl-C commits the work in progress, leaves the consumer group, prints "
          + "'irls-streams stopped' and exits 0.",
      "",
      "Exit codes: 0 stopped by SIGTERM/SIGINT after a clean close; 1 Kafka unreachable, a topic "
          + "missing (topics.create=false), the state directory unusable, the application failed, "
          + "or it did not close in time; 2 usage error, including an invalid option value "
          + "(-D, --config)."
    })
public final class RunCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT",
      description = "Kafka brokers, host:port[,host:port...].")
  String bootstrapServers;

  @Option(names = "--http-port", paramLabel = "PORT",
      description = "HTTP port (default: http.port, 8080); 0 picks a free one.")
  Integer httpPort;

  @Option(names = "--http-host", paramLabel = "HOST",
      description = "Address the HTTP server binds (default: http.host, 127.0.0.1).")
  String httpHost;

  @Mixin ClientOptions client;

  private final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException {
    final Map<String, Object> overrides = new HashMap<>();
    overrides.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    if (httpPort != null) {
      overrides.put(IrlsConfig.HTTP_PORT_CONFIG, httpPort);
    }
    if (httpHost != null) {
      overrides.put(IrlsConfig.HTTP_HOST_CONFIG, httpHost);
    }
    final IrlsConfig config = client.config(spec.commandLine(), overrides);
    final PrintWriter err = spec.commandLine().getErr();
    final IrlsApplication app;
    try {
      app = IrlsApplication.start(config);
    } catch (final ConfigException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Invalid configuration: " + e.getMessage(), e);
    } catch (final KafkaUnavailableException | IllegalStateException e) {
      return ProduceCommand.fail(err, e.getMessage());
    }
    final Map<Signal, SignalHandler> previousHandlers = trapStopSignals();
    // other ways the JVM may end (SIGHUP, System.exit elsewhere) still close the application
    final Thread hook = new Thread(() -> {
      stop.countDown();
      app.close();
    }, "irls-run-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      err.printf("irls-streams running: application id %s, events from %s, updates to %s, HTTP at %s%n",
          config.applicationId(), config.inputTopic(), config.outputTopic(), app.httpAddress().orElse("-"));
      err.flush();
      while (!stop.await(200, TimeUnit.MILLISECONDS)) {
        if (app.awaitTermination(Duration.ZERO)) {
          break;
        }
      }
      if (stop.getCount() == 0) {
        if (!app.closeAndReport()) {
          return ProduceCommand.fail(err, "Kafka Streams did not stop within the close timeout; the next "
              + "start resumes from the last commit");
        }
        err.printf("irls-streams stopped: work committed, consumer group %s left%n", config.applicationId());
        err.flush();
        return 0;
      }
      return ProduceCommand.fail(err, "The streams application stopped (" + app.state() + ")"
          + app.failure().map(e -> ": " + e).orElse(""));
    } finally {
      app.close();
      previousHandlers.forEach(Signal::handle);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (final IllegalStateException e) {
        // the JVM is shutting down and runs the hook itself
      }
    }
  }

  /**
   * Routes SIGTERM and SIGINT to {@link #stop()}, so that {@link #call()} closes the application
   * and returns its own exit code: a JVM that shuts down on a signal exits with 128 + the signal's
   * number (143 for SIGTERM), whatever its shutdown hooks do.
   *
   * @return the handlers replaced, to put back
   */
  private Map<Signal, SignalHandler> trapStopSignals() {
    final Map<Signal, SignalHandler> previous = new HashMap<>();
    for (final String name : List.of("TERM", "INT")) {
      try {
        final Signal signal = new Signal(name);
        previous.put(signal, Signal.handle(signal, s -> stop()));
      } catch (final IllegalArgumentException e) {
        // not available on this platform or with -Xrs: the shutdown hook still closes the application
      }
    }
    return previous;
  }

  /** Stops a running {@link #call()} as SIGTERM would (for tests). */
  void stop() {
    stop.countDown();
  }
}
