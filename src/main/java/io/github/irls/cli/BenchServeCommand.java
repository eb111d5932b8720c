package io.github.irls.cli;

import io.github.irls.app.JfrSummary;
import io.github.irls.app.KafkaUnavailableException;
import io.github.irls.app.ScoreLoad;
import io.github.irls.app.ServingBenchmark;
import io.github.irls.app.ThreadCpu;
import io.github.irls.kafka.RunCluster;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench-serve}: HTTP clients in this JVM scoring against the application, as a table. */
@Command(
    name = "bench-serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Starts an embedded broker (or uses --bootstrap-servers) and the application in this JVM with "
          + "its HTTP API on 127.0.0.1 (a free port), produces simulated labelled events for --models "
          + "keys of --p features until every model has a version, then scores against POST "
          + "/models/{key}/score from --clients threads of the JDK's HttpClient (HTTP/1.1, "
          + "keep-alive), random keys and vectors: (a) a closed loop of requests of --batch vectors, "
          + "(b) a closed loop of single vectors, (c) an open loop of single vectors at --rate "
          + "requests/s, timed from each request's intended send time (no coordinated omission). "
          + "Each phase runs --warmup first, then --duration measured. Prints a table: requests/s, "
          + "scores/s, latency percentiles, errors (any answer but 200), and the cores the HTTP "
          + "server, the clients and the rest of the process used, next to the targets; --jfr also "
          + "records a Flight Recorder profile and summarises where the server's threads spent "
          + "their time. Progress goes to stderr.",
      "",
      "Exit codes: 0 measured without errors, 1 failure or any request answered other than 200, "
          + "2 usage error."
    })
public final class BenchServeCommand implements Callable<Integer> {

  /** Scores per second that batched requests of 100 should reach on the 2-core reference machine. */
  static final double TARGET_BATCHED_SCORES_PER_S = 20_000;

  /** The p99 single requests should stay under, at {@link #TARGET_RATE} requests per second. */
  static final double TARGET_P99_MS = 10;

  /** The request rate of the latency target. */
  static final double TARGET_RATE = 1_000;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--models", paramLabel = "N", defaultValue = "1000", description = "Model keys (default: ${DEFAULT-VALUE}).")
  int models;

  @Option(names = "--p", paramLabel = "P", defaultValue = "5", description = "Features per model (default: ${DEFAULT-VALUE}).")
  int p;

  @Option(names = "--window-events", paramLabel = "N", defaultValue = "100",
      description = "Window size, so the events each model needs for its first version (default: ${DEFAULT-VALUE}).")
  long windowEvents;

  @Option(names = "--clients", paramLabel = "N", defaultValue = "8",
      description = "Client threads of the closed loops (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "100",
      description = "Feature vectors per request of the batched phase, at most 10,000 (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
      description = "Measured time of each phase (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "3s", converter = WarmupConverter.class,
      description = "Unmeasured load before each phase; 0 for none (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--rate", paramLabel = "REQUESTS_PER_S", defaultValue = "1000",
      description = "Requests per second of the open-loop phase (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "4", description = "Partitions (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Seed of the simulated models, events and requests (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--client", paramLabel = "httpclient|urlconnection", defaultValue = "httpclient",
      description = "How the closed loops send: the JDK's HttpClient, or HttpURLConnection, lighter on the "
          + "client's CPU; the open loop always uses HttpClient (default: ${DEFAULT-VALUE}).")
  String client;

  @Option(names = "--jfr", paramLabel = "FILE",
      description = "Record a Flight Recorder profile of the three phases into FILE and summarise it.")
  Path jfr;

  @Mixin BenchClusterOptions cluster;

  @Override
  public Integer call() throws Exception {
    final CommandLine cmd = spec.commandLine();
    validate(cmd);
    final ScoreLoad.Transport transport;
    try {
      transport = ScoreLoad.Transport.parse(client);
    } catch (final IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, "--client: " + e.getMessage());
    }
    final PrintWriter out = cmd.getOut();
    final PrintWriter err = cmd.getErr();
    try (RunCluster run = cluster.open(err)) {
      final String servers = run.bootstrapServers();
      final ServingBenchmark.Settings settings = new ServingBenchmark.Settings(models, p, windowEvents, partitions,
          clients, batch, duration, warmup, rate, servers, cluster.extra(), seed, Optional.ofNullable(jfr),
          transport);
      final ServingBenchmark.Report report = new ServingBenchmark(settings, BenchClusterOptions.progress(err)).run();
      out.print(table(report));
      out.flush();
      if (report.errors() > 0) {
        return ProduceCommand.fail(err, String.format("%,d requests were not answered 200", report.errors()));
      }
      return 0;
    } catch (final KafkaUnavailableException | IllegalStateException e) {
      return ProduceCommand.fail(err, e.getMessage());
    }
  }

  private void validate(final CommandLine cmd) {
    if (models < 1 || windowEvents < 1 || partitions < 1) {
      throw new CommandLine.ParameterException(cmd, "--models, --window-events and --partitions must be >= 1");
    }
    if (p < 1 || p > 1000) {
      throw new CommandLine.ParameterException(cmd, "--p must be in [1, 1000], got " + p);
    }
    if (clients < 1 || clients > 1024) {
      throw new CommandLine.ParameterException(cmd, "--clients must be in [1, 1024], got " + clients);
    }
    if (batch < 1 || batch > 10_000) { // the score route's limit per request
      throw new CommandLine.ParameterException(cmd, "--batch must be in [1, 10000], got " + batch);
    }
    if (!(rate > 0 && rate <= 1_000_000)) {
      throw new CommandLine.ParameterException(cmd, "--rate must be in (0, 1000000], got " + rate);
    }
  }

  /** The report: machine, setup, one row per phase, the targets against the figures, the profile. */
  static String table(final ServingBenchmark.Report report) {
    final ServingBenchmark.Settings s = report.settings();
    final ServingBenchmark.Machine m = report.machine();
    final StringBuilder t = new StringBuilder();
    t.append(String.format("bench-serve: %,d models (p = %d), POST /models/{key}/score on %s (the JDK's HttpServer, "
        + "sun.net.httpserver.nodelay=%s); clients in the same JVM, HTTP/1.1 keep-alive: %s in the closed loops, "
        + "HttpClient's async sends in the open loop%n", s.models(), s.p(), report.httpAddress(), m.serverNoDelay(),
        s.transport() == ScoreLoad.Transport.HTTP_CLIENT ? "the JDK's HttpClient" : "HttpURLConnection"));
    t.append(String.format("machine: %d cores, %s, %s, max heap %,d MB, load average %.2f before, %.2f after "
        + "(a shared machine reads higher: other work competes for the cores)%n", m.cores(), m.jdk(), m.os(),
        m.maxHeapBytes() >> 20, m.loadAverageBefore(), m.loadAverageAfter()));
    t.append(String.format("setup: %,d events produced until every model had a version, %.1f s; each phase: %d ms "
        + "warm-up, %d ms measured%n%n", report.eventsProduced(), report.setupSeconds(), s.warmup().toMillis(),
        s.duration().toMillis()));
    t.append(String.format(ROW, "phase", "batch", "clients", "rate/s", "requests", "errors", "seconds", "requests/s",
        "scores/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "server", "clients", "other", "process"));
    for (final ScoreLoad.Result r : report.phases()) {
      t.append(String.format(ROW, r.name(), r.batch(), r.openLoop() ? "-" : String.valueOf(r.clients()),
          r.openLoop() ? String.format("%,.0f", r.targetRate()) : "-", String.format("%,d", r.requests()),
          String.format("%,d", r.errors()), String.format("%.1f", r.seconds()),
          String.format("%,.0f", r.requestsPerSecond()), String.format("%,.0f", r.scoresPerSecond()),
          ms(r.millis(0.50)), ms(r.millis(0.99)), ms(r.millis(0.999)), ms(r.millis(1.0)),
          cores(r.cpu().cores(ThreadCpu.Role.SERVER)), cores(r.cpu().cores(ThreadCpu.Role.CLIENT)), cores(r.cpu().cores(ThreadCpu.Role.OTHER)),
          cores(r.cpu().processCores())));
    }
    t.append(String.format("(server, clients, other, process: cores used on average. server = the JDK server's "
        + "dispatcher and the API's handler threads; clients = the load generator's threads and HttpClient's; "
        + "other = Kafka Streams, the broker, ...; process adds GC and JIT. Open-loop latencies are from each "
        + "request's intended send time.)%n"));
    for (final ScoreLoad.Result r : report.phases()) {
      if (r.retried() > 0) {
        t.append(String.format("%s: %,d requests sent again after their connection dropped before an answer%n",
            r.name(), r.retried()));
      }
      if (!r.firstError().isEmpty()) {
        t.append(String.format("first error of %s: %s%n", r.name(), r.firstError()));
      }
    }
    t.append(targets(report));
    report.profile().ifPresent(profile -> t.append(profile(profile)));
    return t.toString();
  }

  /** The targets of the 2-core reference machine next to what was measured, MET or MISSED. */
  static String targets(final ServingBenchmark.Report report) {
    final StringBuilder t = new StringBuilder(String.format("%ntargets (2-core machine):%n"));
    for (final ScoreLoad.Result r : report.phases()) {
      if (!r.openLoop() && r.batch() > 1) {
        final boolean met = r.errors() == 0 && r.scoresPerSecond() >= TARGET_BATCHED_SCORES_PER_S;
        t.append(String.format("  >= %,.0f scores/s in batches of 100: %,.0f scores/s in batches of %d, %d clients"
            + "  %s%n", TARGET_BATCHED_SCORES_PER_S, r.scoresPerSecond(), r.batch(), r.clients(),
            met ? "MET" : "MISSED"));
      }
      if (r.openLoop()) {
        // the target holds at 1,000 requests/s: at a lower rate, or below the rate asked for, it is not shown met
        final boolean atRate = r.targetRate() >= TARGET_RATE && r.requestsPerSecond() >= 0.98 * r.targetRate();
        final boolean met = r.errors() == 0 && atRate && r.millis(0.99) < TARGET_P99_MS;
        t.append(String.format("  p99 < %.0f ms for single requests at %,.0f requests/s: p99 %s ms at %,.0f requests/s"
            + " asked, %,.0f achieved  %s%n", TARGET_P99_MS, TARGET_RATE, ms(r.millis(0.99)), r.targetRate(),
            r.requestsPerSecond(), met ? "MET" : r.targetRate() < TARGET_RATE ? "NOT MEASURED (rate below 1,000/s)"
                : "MISSED"));
      }
    }
    return t.toString();
  }

  private static String profile(final JfrSummary p) {
    final StringBuilder t = new StringBuilder(String.format("%nprofile: %s (Java execution samples of the three "
        + "phases, warm-ups included): per thread role %s%n", p.file(), p.samplesByRole()));
    t.append(String.format("  server threads: %.0f%% of their samples inside irls-streams code (the route handlers "
        + "and the JSON and scoring they call), %.0f%% in the JDK's HTTP server and sockets outside it%n",
        100 * p.serverInProjectCode(), 100 * (1 - p.serverInProjectCode())));
    t.append("  server samples by leaf frame:");
    p.serverAreas().forEach((area, share) -> t.append(String.format(" %s %.0f%%;", area, 100 * share)));
    t.append(String.format("%n  hottest server leaf methods:%n"));
    p.serverTopMethods().forEach((method, share) -> t.append(String.format("    %5.1f%%  %s%n", 100 * share, method)));
    t.append(String.format("  irls-streams methods on the server's stacks (inclusive: what they and their callees took):%n"));
    p.serverProjectMethods().forEach((method, share) -> t.append(String.format("    %5.1f%%  %s%n", 100 * share, method)));
    return t.toString();
  }

  private static final String ROW = "%-22s %6s %7s %7s %10s %7s %8s %11s %11s %8s %8s %9s %8s  %6s %7s %6s %7s%n";

  private static String ms(final double millis) {
    return String.format(millis < 10 ? "%.2f" : "%.1f", millis);
  }

  private static String cores(final double cores) {
    return String.format("%.2f", cores);
  }

  /** Accepts {@code 0} (no warm-up) besides what {@link DurationConverter} reads. */
  static final class WarmupConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(final String value) {
      final String v = value.trim().toLowerCase(java.util.Locale.ROOT);
      if (v.equals("0") || v.equals("0s") || v.equals("0ms")) {
        return Duration.ZERO;
      }
      return new DurationConverter().convert(value);
    }
  }
}
