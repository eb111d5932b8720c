package io.github.irls.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.irls.app.KafkaUnavailableException;
import io.github.irls.app.StreamsBenchmark;
import io.github.irls.config.IrlsConfig;
import io.github.irls.kafka.RunCluster;
import io.github.irls.streams.StepMode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench}: fitting vs pass-through throughput on one broker, and memory per key, as JSON. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures, on one embedded broker (or --bootstrap-servers), under exactly-once v2, the "
          + "throughput of the fitting topology in each --step-mode and of a pass-through topology "
          + "(same source, Avro decode, Avro encode, sink; same partitions) over the same pre-produced "
          + "simulated events, for each --p; warms them up first. Step mode hybrid is measured in its "
          + "steady state: every key is first given its warm-up windows, unmeasured. Prints JSON on "
          + "stdout: per (step mode, p) events/s of both topologies, their ratio, and the fitting "
          + "topology's store bytes per key (open windows, models, history), its state directory and "
          + "heap growth. Progress goes to stderr.",
      "",
      "Exit codes: 0 measured, 1 failure, 2 usage error."
    })
public final class BenchCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--p", paramLabel = "P[,P...]", split = ",", defaultValue = "10,50",
      description = "Feature counts (default: ${DEFAULT-VALUE}).")
  List<Integer> ps;

  @Option(names = "--keys", paramLabel = "N", defaultValue = "1000", description = "Model keys (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--events", paramLabel = "N", defaultValue = "1000000",
      description = "Events per measured run (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--warmup-events", paramLabel = "N", defaultValue = "300000",
      description = "Events of the warm-up run of each topology; 0 for none (default: ${DEFAULT-VALUE}).")
  long warmupEvents;

  @Option(names = "--window-events", paramLabel = "N", defaultValue = "1000",
      description = "Window size of the fitting topology (default: ${DEFAULT-VALUE}).")
  long windowEvents;

  @Option(names = "--step-mode", paramLabel = "MODE[,MODE...]", split = ",", defaultValue = "renewable,newton,hybrid",
      description = "Step modes of the fitting topology (default: ${DEFAULT-VALUE}).")
  List<String> stepModes;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "4", description = "Partitions (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Mixin BenchClusterOptions cluster;

  @Override
  public Integer call() throws Exception {
    final CommandLine cmd = spec.commandLine();
    if (ps.isEmpty() || ps.stream().anyMatch(p -> p < 1 || p > 1000)) {
      throw new CommandLine.ParameterException(cmd, "--p values must be in [1, 1000], got " + ps);
    }
    if (keys < 1 || events < 1 || warmupEvents < 0 || windowEvents < 1 || partitions < 1) {
      throw new CommandLine.ParameterException(cmd,
          "--keys, --events, --window-events and --partitions must be >= 1, --warmup-events >= 0");
    }
    final List<StepMode> modes = new ArrayList<>();
    for (final String name : stepModes) {
      try {
        modes.add(StepMode.parse(name));
      } catch (final IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cmd, "--step-mode: " + e.getMessage());
      }
    }
    final PrintWriter out = cmd.getOut();
    final PrintWriter err = cmd.getErr();
    try (RunCluster run = cluster.open(err)) {
      final String servers = run.bootstrapServers();
      final Map<String, Object> extra = cluster.extra();
      final StreamsBenchmark bench = new StreamsBenchmark(
          new StreamsBenchmark.Settings(ps, keys, events, warmupEvents, partitions, windowEvents, servers, extra, modes),
          BenchClusterOptions.progress(err));
      final List<StreamsBenchmark.Comparison> results = bench.run();
      out.println(json(results, extra));
      out.flush();
      return 0;
    } catch (final KafkaUnavailableException | IllegalStateException e) {
      return ProduceCommand.fail(err, e.getMessage());
    }
  }

  private String json(final List<StreamsBenchmark.Comparison> results, final Map<String, Object> extra)
      throws Exception {
    final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    final ObjectNode root = mapper.createObjectNode();
    final IrlsConfig defaults = new IrlsConfig(Map.of(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:1"));
    root.put("processing_guarantee",
        String.valueOf(extra.getOrDefault(IrlsConfig.PROCESSING_GUARANTEE_CONFIG, defaults.processingGuarantee())));
    root.put("commit_interval_ms",
        Long.parseLong(String.valueOf(extra.getOrDefault(IrlsConfig.COMMIT_INTERVAL_MS_CONFIG, defaults.commitIntervalMs()))));
    root.put("keys", keys);
    root.put("events", events);
    root.put("warmup_events", warmupEvents);
    root.put("window_events", windowEvents);
    root.put("partitions", partitions);
    root.put("cores", Runtime.getRuntime().availableProcessors());
    final ArrayNode runs = root.putArray("results");
    for (final StreamsBenchmark.Comparison c : results) {
      final ObjectNode r = runs.addObject();
      r.put("p", c.p());
      r.put("step_mode", c.mode().configName());
      r.put("fitting_events_per_s", Math.round(c.fitting().eventsPerSecond()));
      r.put("pass_through_events_per_s", Math.round(c.passThrough().eventsPerSecond()));
      r.put("ratio", round(c.ratio(), 3));
      r.put("fitting_seconds", round(c.fitting().seconds(), 3));
      r.put("pass_through_seconds", round(c.passThrough().seconds(), 3));
      r.put("fitting_seconds_until_committed", round(c.fitting().committedSeconds(), 3));
      r.put("pass_through_seconds_until_committed", round(c.passThrough().committedSeconds(), 3));
      final StreamsBenchmark.Memory m = c.memory();
      final ObjectNode mem = r.putObject("memory_per_key");
      mem.put("keys", m.keys());
      mem.put("keys_with_a_model", m.models());
      mem.put("window_store_bytes", Math.round(m.windowStoreBytesPerKey()));
      mem.put("model_store_bytes", Math.round(m.modelStoreBytesPerKey()));
      mem.put("history_store_bytes", Math.round(m.historyStoreBytesPerKey()));
      mem.put("store_bytes", Math.round(m.storeBytesPerKey()));
      mem.put("open_window_events", round(m.openEventsPerKey(), 1));
      mem.put("state_dir_bytes", Math.round(m.stateDirBytesPerKey()));
      final int d = c.p() + 1;
      mem.put("newton_window_budget_bytes", 8L * (d * (d + 1) / 2 + 3L * d + 16));
      mem.put("heap_growth_bytes_total", m.heapGrowthBytes());
      r.put("store_bytes_all_keys", Math.round(m.storeBytesPerKey() * m.keys()));
    }
    return mapper.writeValueAsString(root);
  }

  private static double round(final double v, final int digits) {
    final double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }
}
