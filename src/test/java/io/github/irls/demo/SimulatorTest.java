package io.github.irls.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.glm.Design;
import io.github.irls.glm.FitOptions;
import io.github.irls.glm.GlmFit;
import io.github.irls.glm.IrlsFitter;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {

  @Test
  void shouldDrawEventsWhoseFitRecoversTheTrueCoefficients() {
    // Given one steady simulated model
    final Simulator.Truth truth = Simulator.demoModels().get(0);
    final Simulator simulator = new Simulator(List.of(truth), 42);

    // When 50,000 of its events are fitted in batch
    final Design.Builder b = Design.builder(truth.beta().length - 1);
    for (int i = 0; i < 50_000; i++) {
      final Simulator.Event e = simulator.next();
      b.add(e.features(), e.label(), 1, 0);
    }
    final GlmFit fit = IrlsFitter.fit(b.build(), FitOptions.defaults());

    // Then every true coefficient lies within four standard errors of its estimate
    for (int j = 0; j < truth.beta().length; j++) {
      assertThat(Math.abs(fit.coefficients()[j] - truth.beta()[j])).isLessThan(4 * fit.stdErrors()[j]);
    }
  }

  @Test
  void shouldBeDeterministicForASeedAndDriftWhereTold() {
    // Given two simulators with the same seed
    final Simulator a = new Simulator(Simulator.demoModels(), 7);
    final Simulator b = new Simulator(Simulator.demoModels(), 7);

    // When each draws an event
    final Simulator.Event ea = a.next();
    final Simulator.Event eb = b.next();

    // Then the events are identical, and the drifting model's truth moves with its events
    assertThat(ea.key()).isEqualTo(eb.key());
    assertThat(ea.features()).containsExactly(eb.features());
    final Simulator.Truth drifting = Simulator.demoModels().get(3);
    assertThat(drifting.betaAt(20_000)[1]).isEqualTo(drifting.beta()[1] + 1.0);
  }

  @Test
  void shouldSwitchTheDriftingTruthsRegimeEveryRunOfEventsAndBack() {
    // Given the demo's drifting model and a steady one
    final Simulator.Truth drifting = Simulator.demoModels().get(3);
    final Simulator.Truth steady = Simulator.demoModels().get(0);
    final long run = Simulator.DEMO_REGIME_EVENTS;

    // When their truths are read around the switches
    // Then the drifting one keeps its start through the first run, is shifted through the second,
    // and is back at its start in the third; the steady one never moves
    assertThat(drifting.betaAt(run - 1)).containsExactly(drifting.beta());
    assertThat(drifting.betaAt(run)).containsExactly(-0.5, 1.5, -1.0, 0.5);
    assertThat(drifting.betaAt(2 * run - 1)).containsExactly(-0.5, 1.5, -1.0, 0.5);
    assertThat(drifting.betaAt(2 * run)).containsExactly(drifting.beta());
    assertThat(drifting.drifts()).isTrue();
    assertThat(steady.betaAt(3 * run)).containsExactly(steady.beta());
    assertThat(steady.drifts()).isFalse();
  }
}
