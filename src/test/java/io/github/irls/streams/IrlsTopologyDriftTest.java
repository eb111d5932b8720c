package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code logloss_z} on simulated keys with known coefficients: close to N(0, 1) while the model
 * describes the data, above the threshold soon after the truth jumps.
 */
class IrlsTopologyDriftTest {

  private static final int WINDOW = 500;
  private static final double[] BETA = {-0.5, 1.0, -0.7, 0.4};

  private static TopologySettings settings() {
    return TopologySettings.builder().windowEvents(WINDOW).windowMs(Long.MAX_VALUE).idleCloseMs(Long.MAX_VALUE)
        .lambdaIntercept(1e-6).lambda(1e-6).build();
  }

  /** Sends {@code windows} windows of events of {@code key} drawn from the logistic model {@code beta}. */
  private static void simulate(final Harness h, final String key, final double[] beta, final int windows,
      final SplittableRandom random) {
    final double[] x = new double[beta.length - 1];
    for (int i = 0; i < windows * WINDOW; i++) {
      double eta = beta[0];
      for (int j = 0; j < x.length; j++) {
        x[j] = random.nextGaussian();
        eta += beta[j + 1] * x[j];
      }
      final double y = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
      h.send(key, Harness.event(x.clone(), y), 1_000L);
    }
  }

  @Test
  void shouldBeCloseToStandardNormalWhileTheModelDescribesTheData() {
    try (Harness h = new Harness(settings())) {
      // Given 8 keys of a stationary model, 60 windows of 500 events each
      final SplittableRandom random = new SplittableRandom(20261206L);
      for (int k = 0; k < 8; k++) {
        simulate(h, "steady-" + k, BETA, 60, random);
      }

      // When the z of every window after each key's first 10 is read
      final List<CoefficientUpdate> updates = h.drainUpdates();
      final double[] z = updates.stream().filter(u -> u.getVersion() > 10).mapToDouble(CoefficientUpdate::getLoglossZ)
          .toArray();

      // Then their mean and variance are those of N(0, 1) within four standard errors (400 draws:
      // 0.2 for the mean, 0.28 for the variance), and no window is marked as drifting
      final double mean = java.util.Arrays.stream(z).average().orElseThrow();
      final double variance = java.util.Arrays.stream(z).map(v -> (v - mean) * (v - mean)).sum() / (z.length - 1);
      System.out.printf("[drift] stationary: %d windows, mean z %.3f, variance %.3f%n", z.length, mean, variance);
      assertThat(z).hasSize(8 * 50);
      assertThat(mean).isBetween(-0.2, 0.2);
      assertThat(variance).isBetween(1 - 0.28, 1 + 0.28);
      assertThat(updates.stream().filter(u -> u.getVersion() > 10).filter(CoefficientUpdate::getDriftSuspected))
          .isEmpty();
    }
  }

  @Test
  void shouldExceedTheThresholdWithinAFewWindowsAfterTheCoefficientsJump() {
    try (Harness h = new Harness(settings())) {
      // Given a key whose model has learned 20 windows of the truth
      final SplittableRandom random = new SplittableRandom(7L);
      simulate(h, "jumping", BETA, 20, random);
      final List<CoefficientUpdate> before = h.drainUpdates();

      // When the truth's first slope jumps from 1.0 to -1.0 for the next 5 windows
      simulate(h, "jumping", new double[] {-0.5, -1.0, -0.7, 0.4}, 5, random);
      final List<CoefficientUpdate> after = h.drainUpdates();

      // Then the last windows before were not flagged, and z exceeds the threshold of 4 within 3 windows
      System.out.printf("[drift] z before the jump: %s; after: %s%n",
          before.subList(15, 20).stream().map(u -> String.format("%.2f", u.getLoglossZ())).toList(),
          after.stream().map(u -> String.format("%.2f", u.getLoglossZ())).toList());
      assertThat(before.subList(10, 20)).noneMatch(CoefficientUpdate::getDriftSuspected);
      assertThat(after.subList(0, 3)).anyMatch(u -> u.getLoglossZ() > 4 && u.getDriftSuspected());
    }
  }
}
