package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.demo.Simulator;
import io.github.irls.glm.Design;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.StepOptions;
import io.github.irls.glm.StepResult;
import io.github.irls.glm.StreamingStep;
import io.github.irls.streams.StepMode;
import io.github.irls.testing.KafkaIntegrationTest;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code replay} of many interleaved keys on a real broker, in every step mode: each key's updates
 * are the math core's steps over that key's own rows, in file order, cut into windows — whatever
 * the interleaving, the partitions and the tasks.
 */
class ReplayInterleavedIT extends KafkaIntegrationTest {

  private static final int KEYS = 200;
  private static final int EVENTS_PER_KEY = 250;
  private static final int P = 3;
  private static final int WINDOW = 100;
  private static final long SEED = 7_041_999L;

  @TempDir static Path dir;
  private static Path file;
  /** Each key's rows in file order: features, then the label. */
  private static final Map<String, List<double[]>> ROWS = new TreeMap<>();

  @BeforeAll
  static void writeTheFile() throws Exception {
    file = dir.resolve("interleaved.csv");
    final Simulator simulator = new Simulator(Simulator.randomModels(KEYS, P, SEED), SEED + 1);
    final List<Integer> order = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      for (int i = 0; i < EVENTS_PER_KEY; i++) {
        order.add(k);
      }
    }
    java.util.Collections.shuffle(order, new Random(SEED + 2));
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("model,y,x1,x2,x3\n");
      for (final int k : order) {
        final Simulator.Event e = simulator.next(k);
        final StringBuilder line = new StringBuilder(e.key()).append(',').append(e.label() == 1.0 ? "1" : "0");
        final double[] row = new double[P + 1];
        for (int j = 0; j < P; j++) {
          line.append(',').append(e.features()[j]);
          row[j] = e.features()[j];
        }
        row[P] = e.label();
        w.write(line.append('\n').toString());
        ROWS.computeIfAbsent(e.key(), key -> new ArrayList<>()).add(row);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StepMode.class)
  void shouldGiveEveryKeyTheStepsOfItsOwnRows(final StepMode mode) throws Exception {
    // Given 200 keys x 250 events, interleaved at random, windows of 100 (the last, partial, closed at the end)
    // When replay runs the file through the broker in this step mode
    final Replay.Result replay = Replay.run(
        new Replay.Settings(file, WINDOW, 1.0, 1e-6, 1e-6, mode, 3, Optional.of(bootstrapServers()), Map.of()),
        line -> { });
    final Map<String, List<CoefficientUpdate>> byKey = replay.updates().stream()
        .collect(Collectors.groupingBy(CoefficientUpdate::getModelKey, TreeMap::new, Collectors.toList()));

    // Then every key has three updates, each the math core's step on its own rows to 1e-11
    assertThat(byKey.keySet()).isEqualTo(ROWS.keySet());
    final Map<String, Integer> checked = new HashMap<>();
    byKey.forEach((key, updates) -> {
      assertThat(updates).extracting(CoefficientUpdate::getVersion).as(key).containsExactly(1L, 2L, 3L);
      Posterior posterior = Posterior.initial(P, 1e-6, 1e-6);
      final List<double[]> rows = ROWS.get(key);
      for (int t = 0; t < 3; t++) {
        final Design.Builder window = Design.builder(P);
        for (int i = WINDOW * t; i < Math.min(rows.size(), WINDOW * (t + 1)); i++) {
          window.add(rows.get(i), 0, rows.get(i)[P], 1.0, 0.0);
        }
        final boolean iterates = mode == StepMode.RENEWABLE || (mode == StepMode.HYBRID && t < 2);
        final StepResult step = StreamingStep.take(window.build(), posterior,
            iterates ? StepOptions.renewable(100, 1.0) : StepOptions.newton(1.0));
        posterior = step.posterior();
        final CoefficientUpdate u = updates.get(t);
        assertThat(u.getStepMode()).isEqualTo(iterates ? "renewable" : "newton");
        assertThat(u.getWindowEvents()).isEqualTo(t < 2 ? WINDOW : EVENTS_PER_KEY - 2 * WINDOW);
        for (int j = 0; j <= P; j++) {
          final double b = posterior.coefficients()[j];
          final double se = posterior.stdErrors()[j];
          assertThat(u.getCoefficients().get(j)).as("%s version %d coef %d", key, t + 1, j)
              .isCloseTo(b, within(1e-11 * Math.abs(b)));
          assertThat(u.getStdErrors().get(j)).as("%s version %d se %d", key, t + 1, j)
              .isCloseTo(se, within(1e-11 * se));
        }
      }
      checked.put(key, updates.size());
    });
    assertThat(checked).hasSize(KEYS);
    assertThat(replay.rows()).isEqualTo((long) KEYS * EVENTS_PER_KEY);
  }
}
