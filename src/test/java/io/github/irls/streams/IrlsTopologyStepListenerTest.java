package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IrlsTopologyStepListenerTest {

  @Test
  void shouldTellTheListenerAboutEveryPublishedStep() {
    // Given a topology with windows of two events and a listener that records what it hears
    final List<String> heard = new ArrayList<>();
    final List<Long> nanos = new ArrayList<>();
    try (Harness h = new Harness(TopologySettings.builder().windowEvents(2).build(), (key, n) -> {
      heard.add(key);
      nanos.add(n);
    })) {
      // When five events of "a" and two of "b" arrive (three windows close)
      for (int i = 0; i < 5; i++) {
        h.send("a", Harness.event(new double[] {i, 1.0 - i}, i % 2), 1_000L + i);
      }
      h.send("b", Harness.event(new double[] {0.5, 0.5}, 1), 2_000L);
      h.send("b", Harness.event(new double[] {-0.5, 1.5}, 0), 2_001L);

      // Then it heard one step per published update, with a non-negative duration
      assertThat(h.drainUpdates()).hasSize(3);
      assertThat(heard).containsExactly("a", "a", "b");
      assertThat(nanos).allSatisfy(n -> assertThat(n).isNotNegative());
    }
  }
}
