package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.demo.DemoSpecs;
import io.github.irls.demo.Simulator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo's alarm: its four simulated models as the {@code demo} command runs them (its specs,
 * windows of 500 events, the default drift threshold of 4), events sent round-robin as its producer
 * does. The drifting model's {@code logloss_z} must cross the threshold soon after its truth
 * switches regime, and no steady model's ever.
 */
class IrlsTopologyDemoDriftTest {

  /** The demo's default {@code --window-events}. */
  private static final int WINDOW = 500;
  /** The version whose window holds the drifting model's first events of its second regime. */
  private static final long FIRST_SHIFTED_VERSION = Simulator.DEMO_REGIME_EVENTS / WINDOW + 1;
  /** Three windows past the switch. */
  private static final int EVENTS_PER_KEY = (int) Simulator.DEMO_REGIME_EVENTS + 3 * WINDOW;

  @Test
  void shouldFlagTheDriftingModelWithinAFewWindowsOfItsSwitchAndNoSteadyModel() {
    final List<Simulator.Truth> truths = Simulator.demoModels();
    final TopologySettings settings = TopologySettings.builder().windowEvents(WINDOW).idleCloseMs(5_000).build();
    try (Harness h = new Harness(settings)) {
      // Given the demo's models and their specs (the drifting one with gamma 0.8)
      for (final Simulator.Truth truth : truths) {
        h.sendSpec(truth.key(), DemoSpecs.of(truth), 0);
      }

      // When each key receives its first regime's 20,000 events and three windows of the next, round-robin
      final Simulator simulator = new Simulator(truths, 42);
      long time = 1_000;
      for (int i = 0; i < EVENTS_PER_KEY; i++) {
        for (int k = 0; k < truths.size(); k++) {
          final Simulator.Event e = simulator.next(k);
          h.send(e.key(), Harness.event(e.features(), e.label()), time++);
        }
      }
      final List<CoefficientUpdate> updates = h.drainUpdates();

      // Then every key published one update per window
      for (final Simulator.Truth truth : truths) {
        assertThat(updates).filteredOn(u -> u.getModelKey().equals(truth.key()))
            .hasSize(EVENTS_PER_KEY / WINDOW);
      }
      // And no key is flagged before the switch, nor any steady key after it
      System.out.printf("[demo drift] %s%n", updates.stream()
          .filter(u -> u.getLoglossZ() != null && Math.abs(u.getLoglossZ()) > 3)
          .map(u -> u.getModelKey() + " v" + u.getVersion() + String.format(" z %.1f", u.getLoglossZ())).toList());
      assertThat(updates).filteredOn(u -> u.getVersion() < FIRST_SHIFTED_VERSION)
          .noneMatch(CoefficientUpdate::getDriftSuspected);
      for (final Simulator.Truth truth : truths.subList(0, 3)) {
        assertThat(truth.drifts()).isFalse();
        assertThat(updates).filteredOn(u -> u.getModelKey().equals(truth.key()))
            .noneMatch(CoefficientUpdate::getDriftSuspected)
            .allMatch(u -> u.getLoglossZ() == null || u.getLoglossZ() < TopologySettings.DEFAULT_DRIFT_Z_THRESHOLD);
      }
      // And the drifting key's z exceeds the threshold within three windows of its switch
      final Simulator.Truth drifting = truths.get(3);
      assertThat(drifting.drifts()).isTrue();
      assertThat(updates).filteredOn(u -> u.getModelKey().equals(drifting.key()))
          .filteredOn(u -> u.getVersion() >= FIRST_SHIFTED_VERSION)
          .anyMatch(u -> u.getDriftSuspected() && u.getLoglossZ() > TopologySettings.DEFAULT_DRIFT_Z_THRESHOLD);
    }
  }
}
