package io.github.irls.testing;

import io.github.irls.demo.Simulator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Event files in the fixtures CSV format for the integration tests. */
public final class EventFiles {

  private EventFiles() {}

  /**
   * Writes {@code keys} simulated models x {@code eventsPerKey} events of {@code p} features (one
   * seeded simulator, rows in a seeded random order) to {@code file}; returns the rows per key.
   */
  public static Map<String, Long> writeShuffled(final Path file, final int keys, final int eventsPerKey, final int p,
      final long seed) throws IOException {
    final Simulator simulator = new Simulator(Simulator.randomModels(keys, p, seed), seed + 1);
    final int[] order = new int[keys * eventsPerKey];
    for (int i = 0; i < order.length; i++) {
      order[i] = i % keys;
    }
    final Random random = new Random(seed + 2);
    for (int i = order.length - 1; i > 0; i--) {
      final int j = random.nextInt(i + 1);
      final int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    final Map<String, Long> rows = new LinkedHashMap<>();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("model,y");
      for (int j = 1; j <= p; j++) {
        w.write(",x" + j);
      }
      w.write("\n");
      for (final int k : order) {
        final Simulator.Event e = simulator.next(k);
        w.write(e.key());
        w.write(e.label() == 1.0 ? ",1" : ",0");
        for (final double x : e.features()) {
          w.write(",");
          w.write(Double.toString(x));
        }
        w.write("\n");
        rows.merge(e.key(), 1L, Long::sum);
      }
    }
    return rows;
  }
}
