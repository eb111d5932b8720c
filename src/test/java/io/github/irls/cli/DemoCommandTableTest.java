package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.demo.Simulator;
import io.github.irls.query.HistoryEntry;
import io.github.irls.query.ModelView;
import io.github.irls.query.Quality;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The demo's table row: next to the coefficients, the last logloss_z, its drift flag and the alarms kept. */
class DemoCommandTableTest {

  private static Quality quality(final double z, final boolean drift) {
    return new Quality(OptionalDouble.of(0.6), OptionalDouble.of(0.2), OptionalDouble.of(200),
        OptionalDouble.of(210), OptionalDouble.of(0.7), OptionalDouble.of(0.01), OptionalDouble.of(z), drift);
  }

  private static ModelView model(final String key, final long version, final Quality quality) {
    return new ModelView(key, version, List.of("intercept", "f1", "f2", "f3"), new double[] {-0.5, 0.5, 1.0, 0.5},
        new double[] {0.1, 0.1, 0.1, 0.1}, Optional.empty(), 500 * version, 500.0 * version, 0, "OK", "", 0, -1,
        Map.of(), quality);
  }

  private static HistoryEntry entry(final long version, final Quality quality) {
    return new HistoryEntry(version, version, 500, 500 * version, List.of("intercept", "f1", "f2", "f3"),
        new double[4], new double[] {1, 1, 1, 1}, "OK", "", quality);
  }

  @Test
  void shouldShowTheLastZTheDriftFlagAndTheAlarmsNextToTheCoefficients() {
    // Given the drifting model flagged at versions 41 and 42, its last update (42) among them
    final Simulator.Truth drifting = Simulator.demoModels().get(3);
    final ModelView m = model(drifting.key(), 42, quality(12.94, true));
    final List<HistoryEntry> history = List.of(entry(40, quality(0.5, false)), entry(41, quality(22.6, true)),
        entry(42, quality(12.94, true)));

    // When its row is written
    final String row = DemoCommand.row(drifting, m, history);

    // Then it shows z, DRIFT and two alarms, the latest at version 42, before the coefficients
    assertThat(row).startsWith(drifting.key()).contains(" 12.94 DRIFT 2 (v42) ").contains("-0.500+-0.100")
        .endsWith("(drifting truth)" + System.lineSeparator());
  }

  @Test
  void shouldShowNoFlagForAQuietModelAndADashForAnUnknownZ() {
    // Given a steady model whose last update has no z (its window scored at p = 0.5), never flagged
    final Simulator.Truth steady = Simulator.demoModels().get(0);
    final ModelView m = model(steady.key(), 1, Quality.NONE);

    // When its row is written
    final String row = DemoCommand.row(steady, m, List.of(entry(1, Quality.NONE)));

    // Then z is a dash, there is no flag and no alarm
    assertThat(row).containsPattern(" - +0 +-\\d").doesNotContain("DRIFT").doesNotContain("drifting");
  }
}
