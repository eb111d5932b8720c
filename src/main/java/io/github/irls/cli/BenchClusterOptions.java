package io.github.irls.cli;

import io.github.irls.kafka.RunCluster;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * {@code --bootstrap-servers} and {@code -D}: where a benchmark runs (an embedded broker unless a
 * real one is named) and the further options it passes to what it measures; shared by {@code bench}
 * and {@code bench-serve}.
 */
final class BenchClusterOptions {

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Use this broker instead of an embedded one.")
  String bootstrapServers;

  @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "A further option of what is measured: the topologies of bench, the application of "
          + "bench-serve (e.g. -D processing.guarantee=at_least_once).")
  Map<String, String> properties = new HashMap<>();

  /** The broker named, or an embedded one started now, its progress on {@code err}. */
  RunCluster open(final PrintWriter err) {
    return RunCluster.of(Optional.ofNullable(bootstrapServers), progress(err));
  }

  /** The {@code -D} options, a copy. */
  Map<String, Object> extra() {
    return new HashMap<>(properties);
  }

  /** Progress lines to {@code err}, each flushed at once. */
  static Consumer<String> progress(final PrintWriter err) {
    return line -> {
      err.println(line);
      err.flush();
    };
  }
}
