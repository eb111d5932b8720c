package io.github.irls.cli;

import io.github.irls.app.IrlsApplication;
import io.github.irls.app.KafkaIo;
import io.github.irls.app.KafkaUnavailableException;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.avro.ModelSpec;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.DemoSpecs;
import io.github.irls.demo.Simulator;
import io.github.irls.kafka.EmbeddedKafkaBroker;
import io.github.irls.query.HistoryEntry;
import io.github.irls.query.ModelView;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.EventFormat;
import io.github.irls.streams.IrlsTopology;
import io.github.irls.streams.TopologySettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: an embedded broker, the application and a simulator of known-truth models, with a
 * live table of how close each model is to its truth.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Starts an embedded Kafka broker, the streaming application (windows of --window-events "
          + "events) and a simulator producing events for four model keys with known true "
          + "coefficients, one of them drifting. Prints the HTTP address, then every few seconds a "
          + "table per key: version, events, coefficients +- standard errors, the distance to "
          + "the truth, max_j |b_j - b_true_j| / SE_j, and the last update's logloss_z with its "
          + "drift flag. Runs until Ctrl-C or --duration.",
      "",
      "Exit codes: 0 stopped, 1 could not start (e.g. the HTTP port is taken), 2 usage error."
    })
public final class DemoCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop after this long, e.g. 120s or 2m (default: until Ctrl-C).")
  Duration duration;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "HTTP port (default: ${DEFAULT-VALUE}); 0 picks a free one.")
  int httpPort;

  @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "2000",
      description = "Events per second over all keys (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--window-events", paramLabel = "N", defaultValue = "500",
      description = "Events per step window (default: ${DEFAULT-VALUE}).")
  long windowEvents;

  @Option(names = "--gamma", paramLabel = "G", defaultValue = "1.0",
      description = "Forgetting factor in (0, 1]; below 1 the drifting model is followed "
          + "(default: ${DEFAULT-VALUE}).")
  double gamma;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
      description = "How often the table is printed (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException, IOException {
    final CommandLine cmd = spec.commandLine();
    if (httpPort < 0 || httpPort > 65_535) {
      throw new CommandLine.ParameterException(cmd, "--http-port must be in [0, 65535], got " + httpPort);
    }
    if (rate < 1) {
      throw new CommandLine.ParameterException(cmd, "--rate must be >= 1, got " + rate);
    }
    if (windowEvents < 1) {
      throw new CommandLine.ParameterException(cmd, "--window-events must be >= 1, got " + windowEvents);
    }
    if (!(gamma > 0 && gamma <= 1)) {
      throw new CommandLine.ParameterException(cmd, "--gamma must be in (0, 1], got " + gamma);
    }
    final PrintWriter out = cmd.getOut();
    final PrintWriter err = cmd.getErr();
    final Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        finished.await(40, TimeUnit.SECONDS);
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "irls-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    final Path stateDir = IrlsConfig.scratchStateDir("irls-demo-state-");
    EmbeddedKafkaBroker broker = null;
    IrlsApplication app = null;
    Thread producer = null;
    try {
      err.println("Starting an embedded Kafka broker...");
      err.flush();
      try {
        broker = EmbeddedKafkaBroker.start();
      } catch (final RuntimeException e) {
        return ProduceCommand.fail(err, e.getMessage());
      }
      final Map<String, Object> props = new HashMap<>();
      props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      props.put(IrlsConfig.APPLICATION_ID_CONFIG, "irls-demo-" + UUID.randomUUID().toString().substring(0, 8));
      props.put(IrlsConfig.WINDOW_EVENTS_CONFIG, windowEvents);
      props.put(IrlsConfig.IDLE_CLOSE_MS_CONFIG, 5_000L);
      props.put(IrlsConfig.GAMMA_CONFIG, gamma);
      props.put(IrlsConfig.HTTP_PORT_CONFIG, httpPort);
      props.put(IrlsConfig.STATE_DIR_CONFIG, stateDir.toString());
      final IrlsConfig config = new IrlsConfig(props);
      try {
        app = IrlsApplication.start(config);
      } catch (final KafkaUnavailableException | IllegalStateException e) {
        return ProduceCommand.fail(err, e.getMessage()
            + (e.getMessage().contains("HTTP") ? " (choose another with --http-port, 0 for any free port)" : ""));
      }
      final String http = app.httpAddress().orElseThrow();
      final List<Simulator.Truth> truths = Simulator.demoModelsAndArms();
      final String first = http + "/models/" + truths.get(0).key().replace("/", "%2F");
      out.println("HTTP API: " + http + "  (GET /health, /models, /models/{key}; e.g. curl " + first + ")");
      out.println("Scoring: curl -d '{\"features\": [[0.5, -1, 2]]}' " + first + "/score");
      out.println("Thompson sampling: curl -d '{\"context\": [0.5, -1, 2], \"prefix\": \"bandit/\"}' " + http
          + "/choose");
      out.println("Dashboard: " + http + "/  (the models; per key, coefficient trajectories with 95% bands, and"
          + " the progressive log-loss, calibration and logloss_z with its drift alarms)");
      out.printf("Kafka: %s; events topic %s; %,d events/s over %d models; windows of %,d events; gamma %s%n",
          broker.bootstrapServers(), config.inputTopic(), rate, truths.size(), windowEvents, gamma);
      out.flush();

      publishSpecs(config, truths);

      final Simulator simulator = new Simulator(truths, seed);
      final AtomicLongArray produced = new AtomicLongArray(truths.size());
      final AtomicLong sent = new AtomicLong();
      final AtomicReference<Exception> producerFailure = new AtomicReference<>();
      producer = new Thread(
          () -> produce(config, simulator, produced, sent, producerFailure), "irls-demo-producer");
      producer.setDaemon(true);
      producer.start();

      final long started = System.nanoTime();
      final long end = duration == null ? Long.MAX_VALUE : started + duration.toNanos();
      while (!stop.await(Math.min(interval.toMillis(),
          Math.max(1, (end - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS)) {
        if (producerFailure.get() != null) {
          return ProduceCommand.fail(err, "The simulator cannot produce: " + producerFailure.get().getMessage());
        }
        if (app.awaitTermination(Duration.ZERO)) {
          return ProduceCommand.fail(err, "The streams application stopped (" + app.state() + ")");
        }
        printTable(out, app, truths, gamma, produced, sent.get(), (System.nanoTime() - started) / 1e9, http);
        if (System.nanoTime() >= end) {
          break;
        }
      }
      err.println("Stopping...");
      err.flush();
      return 0;
    } finally {
      stop.countDown();
      if (producer != null) {
        producer.join(10_000);
      }
      if (app != null) {
        app.close();
      }
      if (broker != null) {
        broker.close();
      }
      deleteTree(stateDir);
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (final IllegalStateException e) {
        // the JVM is shutting down: the hook is waiting for us
      }
    }
  }

  /** Publishes the demo's model specs ({@link DemoSpecs}): the model-spec topic at work. */
  private void publishSpecs(final IrlsConfig config, final List<Simulator.Truth> truths)
      throws InterruptedException {
    final AvroSerde<ModelSpec> serde = AvroSerde.of(ModelSpec.class);
    final String topic = config.modelSpecsTopic();
    try (Producer<String, byte[]> p = KafkaIo.eventProducer(config.clientProperties())) {
      for (final Simulator.Truth truth : truths) {
        final ModelSpec spec = DemoSpecs.of(truth);
        p.send(new ProducerRecord<>(topic, truth.key(), serde.encode(spec)));
      }
      p.flush();
    } catch (final RuntimeException e) {
      throw new IllegalStateException("cannot publish the demo's model specs: " + e.getMessage(), e);
    }
  }

  private void produce(final IrlsConfig config, final Simulator simulator, final AtomicLongArray produced,
      final AtomicLong sent, final AtomicReference<Exception> failure) {
    final Serializer<LabeledEvent> serializer = EventFormat.AVRO.serde().serializer();
    final String topic = config.inputTopic();
    final List<Simulator.Truth> truths = simulator.truths();
    try (Producer<String, byte[]> p = KafkaIo.eventProducer(config.clientProperties())) {
      final long tickNanos = 10_000_000L;
      final long started = System.nanoTime();
      long due = 0;
      long tick = 0;
      while (stop.getCount() > 0) {
        tick++;
        final long target = (long) Math.floor(rate * (tick * tickNanos / 1e9));
        for (; due < target; due++) {
          final int k = (int) (due % truths.size()); // round-robin: every model gets the same rate
          final Simulator.Event e = simulator.next(k);
          final LabeledEvent event = e.toLabeledEvent();
          p.send(new ProducerRecord<>(topic, e.key(), serializer.serialize(topic, event)), (md, ex) -> {
            if (ex != null) {
              failure.compareAndSet(null, ex);
            }
          });
          produced.set(k, simulator.produced(k));
          sent.incrementAndGet();
        }
        final long sleep = started + tick * tickNanos - System.nanoTime();
        if (sleep > 0) {
          stop.await(sleep, TimeUnit.NANOSECONDS);
        }
      }
    } catch (final Exception e) {
      failure.compareAndSet(null, e);
    }
  }

  private static void printTable(final PrintWriter out, final IrlsApplication app, final List<Simulator.Truth> truths,
      final double gamma, final AtomicLongArray produced, final long sent, final double seconds,
      final String http) {
    final StringBuilder t = new StringBuilder();
    t.append(String.format("%n--- %5.0f s  %,d events produced (%,.0f/s)  %s  state %s%n", seconds, sent,
        sent / Math.max(seconds, 1e-9), http, app.state()));
    t.append(String.format(ROW, "model", "version", "events", "distance", "z", "drift", "alarms",
        "coefficients: estimate +- SE [truth]  (intercept, x1, x2, ...)"));
    for (int k = 0; k < truths.size(); k++) {
      final Simulator.Truth truth = truths.get(k);
      final Optional<ModelView> view = app.queries().model(truth.key());
      if (view.isEmpty() || view.get().version() == 0) {
        t.append(String.format(ROW, truth.key(), "-", "-", "-", "-", "", "-",
            String.format("(no window closed yet; %,d events produced)", produced.get(k))));
        continue;
      }
      t.append(row(truth, view.get(), app.queries().history(truth.key(), IrlsTopology.HISTORY_ENTRIES)));
    }
    t.append("distance = max |estimate - truth| / SE. z = the last update's logloss_z, how surprised the model was by"
        + " its last window (about N(0, 1) while it describes the data); drift = that update is drift_suspected"
        + " (z > drift.z.threshold, " + TopologySettings.DEFAULT_DRIFT_Z_THRESHOLD + "); alarms = drift-suspected updates among the last "
        + IrlsTopology.HISTORY_ENTRIES + " (the version of the latest).\n");
    t.append(String.format("The drifting model's truth switches regime every %,d of its events (x1's slope 0.5 <->"
        + " 1.5, x2's 1.0 <-> -1.0): its z jumps in the first windows after each switch; its ModelSpec sets gamma = "
        + DemoSpecs.DRIFTING_GAMMA + " (old windows discounted) so it follows; the others use gamma = " + gamma
        + ".%n", Simulator.DEMO_REGIME_EVENTS));
    out.print(t);
    out.flush();
  }

  /** The columns of the demo's table: model, version, events, distance, z, drift, alarms, coefficients. */
  private static final String ROW = "%-24s %7s %9s %9s %7s %-5s %-10s  %s%n";

  /**
   * The demo's table row of one model: how far from {@code truth} it is, how surprised it was by its
   * last window ({@code logloss_z}, its drift flag) and how many of its kept updates ({@code
   * history}) were marked drift-suspected, so that an alarm between two tables is not missed.
   */
  static String row(final Simulator.Truth truth, final ModelView m, final List<HistoryEntry> history) {
    // the truth the model should be near: the coefficients at the events it has seen
    final double[] b = truth.betaAt(m.eventsTotal());
    double distance = 0;
    final StringBuilder coefs = new StringBuilder();
    for (int j = 0; j < m.coefficients().length; j++) {
      final double se = m.stdErrors()[j];
      distance = Math.max(distance, Math.abs(m.coefficients()[j] - b[j]) / se);
      coefs.append(String.format("%7.3f+-%.3f [%6.3f]  ", m.coefficients()[j], se, b[j]));
    }
    final OptionalDouble z = m.quality().logLossZ();
    final List<HistoryEntry> alarms = history.stream().filter(e -> e.quality().driftSuspected()).toList();
    final String alarmText = alarms.isEmpty() ? "0"
        : alarms.size() + " (v" + alarms.get(alarms.size() - 1).version() + ")";
    return String.format(ROW, truth.key(), m.version(), String.format("%,d", m.eventsTotal()),
        String.format("%.2f", distance), z.isPresent() ? String.format("%.2f", z.getAsDouble()) : "-",
        m.quality().driftSuspected() ? "DRIFT" : "", alarmText,
        coefs.toString().stripTrailing() + (truth.drifts() ? "  (drifting truth)" : ""));
  }

  private static void deleteTree(final Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (final IOException e) {
      // a temporary directory: best effort
    }
  }
}
