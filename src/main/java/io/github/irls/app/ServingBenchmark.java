package io.github.irls.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.Simulator;
import io.github.irls.query.ModelView;
import io.github.irls.serde.EventFormat;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serving benchmark behind {@code bench-serve}: the application runs in this JVM with its HTTP
 * API on {@code 127.0.0.1:0}, simulated labelled events are produced until every one of the models
 * has a version, then HTTP clients in this JVM score against it: a closed loop of batched requests,
 * a closed loop of single ones, and an open loop of single requests at a fixed rate (see {@link
 * ScoreLoad}). Each phase runs a warm-up of the same load first, unmeasured.
 *
 * <p>Clients and server share the machine's cores; the CPU each side used is measured per phase
 * ({@link ThreadCpu}) so that the figures can be read against it.
 */
public final class ServingBenchmark {

  private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(60);
  private static final int ROUNDS = 3;

  /**
   * @param models model keys
   * @param p features per model
   * @param windowEvents window size, so each model needs this many events for its first version
   * @param partitions partitions of the topics
   * @param clients closed-loop client threads
   * @param batch vectors per request of the batched phase
   * @param duration of each measured phase
   * @param warmup of each phase, before it (zero: none)
   * @param rate requests per second of the open-loop phase
   * @param bootstrapServers the broker
   * @param extra further application options
   * @param seed of the simulated models, events and request bodies
   * @param jfr where to write a Flight Recorder profile of the three phases, if anywhere
   * @param transport how the closed loops send (the open loop always uses HttpClient's async sends)
   */
  public record Settings(int models, int p, long windowEvents, int partitions, int clients, int batch,
      Duration duration, Duration warmup, double rate, String bootstrapServers, Map<String, Object> extra, long seed,
      Optional<Path> jfr, ScoreLoad.Transport transport) {
    public Settings {
      extra = Map.copyOf(extra);
    }
  }

  /**
   * The machine the figures were measured on, and whether the JDK server's connections had
   * TCP_NODELAY ({@code sun.net.httpserver.nodelay}).
   */
  public record Machine(int cores, String jdk, String os, long maxHeapBytes, double loadAverageBefore,
      double loadAverageAfter, String serverNoDelay) {}

  /**
   * What was measured.
   *
   * @param machine where
   * @param eventsProduced events produced until every model had a version
   * @param setupSeconds from the application's start until every model had a version
   * @param httpAddress the application's HTTP API
   * @param phases batched, single, open loop, in that order
   * @param profile the Flight Recorder summary, when one was recorded
   */
  public record Report(Settings settings, Machine machine, long eventsProduced, double setupSeconds,
      String httpAddress, List<ScoreLoad.Result> phases, Optional<JfrSummary> profile) {

    public long errors() {
      return phases.stream().mapToLong(ScoreLoad.Result::errors).sum();
    }
  }

  private final Settings settings;
  private final Consumer<String> log;
  private final String runId = "irls-bench-serve-" + UUID.randomUUID().toString().substring(0, 8);

  public ServingBenchmark(final Settings settings, final Consumer<String> log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Runs the application, brings every model to a version, measures the three phases.
   *
   * @throws KafkaUnavailableException if the broker does not answer
   * @throws IllegalStateException if the application fails, the models do not all get a version,
   *     or the score route does not answer as specified
   */
  public Report run() throws IOException, InterruptedException {
    final double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    final Path stateDir = IrlsConfig.scratchStateDir(runId + "-state-");
    try {
      final IrlsConfig config = config(stateDir);
      final long started = System.nanoTime();
      try (IrlsApplication app = IrlsApplication.start(config)) {
        if (!app.awaitRunning(RUNNING_TIMEOUT)) {
          throw new IllegalStateException("Kafka Streams is not RUNNING after " + RUNNING_TIMEOUT.toSeconds() + " s");
        }
        final List<Simulator.Truth> truths = Simulator.randomModels(settings.models(), settings.p(), settings.seed());
        final List<String> keys = truths.stream().map(Simulator.Truth::key).toList();
        final long produced = bringEveryModelToAVersion(app, config, truths);
        final double setup = (System.nanoTime() - started) / 1e9;
        log.accept(String.format("Every one of the %,d models has a version (%,d events, %.1f s)", keys.size(),
            produced, setup));
        final String base = app.httpAddress().orElseThrow();
        final HttpClient client = ScoreLoad.defaultClient();
        checkTheRoute(client, base, keys.get(0));
        final List<ScoreLoad.Result> phases = new ArrayList<>();
        if (System.getProperty("http.maxConnections") == null) {
          // HttpURLConnection keeps 5 idle connections per server by default: more clients would reconnect
          System.setProperty("http.maxConnections", String.valueOf(Math.max(5, settings.clients())));
        }
        final Optional<JfrSummary> profile = measure(new ScoreLoad(client, settings.transport()), base, keys, phases);
        requireAlive(app);
        final double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        final Machine machine = new Machine(Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name") + " " + Runtime.version(),
            System.getProperty("os.name") + " " + System.getProperty("os.arch"), Runtime.getRuntime().maxMemory(),
            loadBefore, loadAfter, System.getProperty("sun.net.httpserver.nodelay", "false"));
        return new Report(settings, machine, produced, setup, base, phases, profile);
      }
    } finally {
      Replay.deleteRecursively(stateDir);
    }
  }

  private IrlsConfig config(final Path stateDir) {
    final Map<String, Object> props = new HashMap<>(settings.extra());
    props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(IrlsConfig.APPLICATION_ID_CONFIG, runId);
    // topics of this run only, so that a shared --bootstrap-servers broker is never mixed in
    props.put(IrlsConfig.INPUT_TOPIC_CONFIG, runId + ".events");
    props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, runId + ".coefficients");
    props.put(IrlsConfig.DLQ_TOPIC_CONFIG, runId + ".dlq");
    props.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, runId + ".model-specs");
    props.put(IrlsConfig.WINDOW_EVENTS_CONFIG, settings.windowEvents());
    props.put(IrlsConfig.TOPIC_PARTITIONS_CONFIG, settings.partitions());
    props.put(IrlsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(IrlsConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    props.put(IrlsConfig.HTTP_PORT_CONFIG, 0);
    return new IrlsConfig(props);
  }

  /**
   * Produces a window of events for every model (round robin) until each has a version, at most
   * {@value #ROUNDS} windows each.
   *
   * @return the events produced
   */
  private long bringEveryModelToAVersion(final IrlsApplication app, final IrlsConfig config,
      final List<Simulator.Truth> truths) throws InterruptedException {
    final Simulator simulator = new Simulator(truths, settings.seed());
    final Serializer<LabeledEvent> serializer = EventFormat.AVRO.serde().serializer();
    final List<String> waiting = new ArrayList<>(truths.stream().map(Simulator.Truth::key).toList());
    long produced = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      produced += produceRound(config, simulator, serializer);
      log.accept(String.format("Produced %,d events (%,d per model); waiting for every model's first version...",
          produced, produced / truths.size()));
      final long deadline = System.nanoTime() + ROUND_TIMEOUT.toNanos();
      while (!waiting.isEmpty() && System.nanoTime() < deadline) {
        requireAlive(app);
        waiting.removeIf(key -> app.queries().model(key).map(ModelView::version).orElse(0L) >= 1);
        if (!waiting.isEmpty()) {
          Thread.sleep(250);
        }
      }
      if (waiting.isEmpty()) {
        return produced;
      }
      log.accept(String.format("%,d models still without a version; producing another window each", waiting.size()));
    }
    throw new IllegalStateException(String.format("%,d of the %,d models have no version after %,d events each "
        + "(e.g. %s)", waiting.size(), truths.size(), ROUNDS * settings.windowEvents(), waiting.get(0)));
  }

  private long produceRound(final IrlsConfig config, final Simulator simulator,
      final Serializer<LabeledEvent> serializer) {
    final String topic = config.inputTopic();
    final int models = simulator.truths().size();
    final AtomicReference<Exception> failure = new AtomicReference<>();
    long sent = 0;
    try (Producer<String, byte[]> producer = KafkaIo.eventProducer(config.clientProperties())) {
      for (long i = 0; i < settings.windowEvents() * models; i++) {
        final Simulator.Event e = simulator.next((int) (i % models));
        final LabeledEvent event = e.toLabeledEvent();
        producer.send(new ProducerRecord<>(topic, e.key(), serializer.serialize(topic, event)), (md, ex) -> {
          if (ex != null) {
            failure.compareAndSet(null, ex);
          }
        });
        sent++;
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("cannot produce the simulated events: " + failure.get().getMessage(),
          failure.get());
    }
    return sent;
  }

  /** One batch of two vectors for a known key must answer 200 with two scores, each with a probability. */
  private void checkTheRoute(final HttpClient client, final String base, final String key)
      throws IOException, InterruptedException {
    final HttpRequest request =
        ScoreLoad.scoreRequest(base, key, ScoreLoad.featuresBody(new Random(1), settings.p(), 2)).request();
    final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    final String what = "POST " + request.uri() + " answered " + response.statusCode() + ": " + response.body();
    if (response.statusCode() != 200) {
      throw new IllegalStateException(what);
    }
    final JsonNode scores = new ObjectMapper().readTree(response.body()).path("scores");
    if (!scores.isArray() || scores.size() != 2 || !scores.get(0).path("probability").isNumber()) {
      throw new IllegalStateException("expected two scores with a probability: " + what);
    }
  }

  /** The three phases, each after its warm-up, under a Flight Recorder when asked for. */
  private Optional<JfrSummary> measure(final ScoreLoad load, final String base, final List<String> keys,
      final List<ScoreLoad.Result> phases) throws IOException, InterruptedException {
    final List<ScoreLoad.ScoreRequest> batched = ScoreLoad.requestPool(base, keys, settings.p(), settings.batch(), settings.seed());
    final List<ScoreLoad.ScoreRequest> single = ScoreLoad.requestPool(base, keys, settings.p(), 1, settings.seed() + 1);
    Recording recording = null;
    if (settings.jfr().isPresent()) {
      try {
        recording = new Recording(Configuration.getConfiguration("profile"));
      } catch (final java.text.ParseException e) {
        throw new IllegalStateException("cannot read the JDK's JFR configuration 'profile': " + e.getMessage(), e);
      }
      recording.setName("bench-serve");
      recording.start();
    }
    try {
      phases.add(closedLoop(load, "closed loop, batched", batched, settings.batch()));
      phases.add(closedLoop(load, "closed loop, single", single, 1));
      final String open = "open loop, single";
      if (!settings.warmup().isZero()) {
        log.accept(String.format("%s: warming up (%d ms)...", open, settings.warmup().toMillis()));
        load.openLoop(open, single, 1, settings.rate(), settings.warmup());
      }
      log.accept(String.format("%s: %,.0f requests/s for %d ms...", open, settings.rate(), settings.duration().toMillis()));
      phases.add(load.openLoop(open, single, 1, settings.rate(), settings.duration()));
    } finally {
      if (recording != null) {
        recording.stop();
      }
    }
    if (recording == null) {
      return Optional.empty();
    }
    try (Recording r = recording) {
      final Path file = settings.jfr().get();
      r.dump(file);
      return Optional.of(JfrSummary.of(file));
    }
  }

  private ScoreLoad.Result closedLoop(final ScoreLoad load, final String name, final List<ScoreLoad.ScoreRequest> pool,
      final int batch) throws InterruptedException {
    if (!settings.warmup().isZero()) {
      log.accept(String.format("%s: warming up (%d ms)...", name, settings.warmup().toMillis()));
      load.closedLoop(name, pool, batch, settings.clients(), settings.warmup());
    }
    log.accept(String.format("%s: %d clients, %d vectors per request, for %d ms...", name, settings.clients(), batch,
        settings.duration().toMillis()));
    return load.closedLoop(name, pool, batch, settings.clients(), settings.duration());
  }

  private static void requireAlive(final IrlsApplication app) {
    if (app.failure().isPresent()) {
      throw new IllegalStateException("the application failed: " + KafkaReachability.rootMessage(app.failure().get()),
          app.failure().get());
    }
  }
}
