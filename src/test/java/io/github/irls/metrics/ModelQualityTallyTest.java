package io.github.irls.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.glm.Posterior;
import io.github.irls.glm.ProgressiveValidation;
import io.github.irls.glm.StepStatus;
import io.github.irls.streams.ModelState;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The distributions over models that {@code /metrics} publishes: drift-suspected models, |logloss_z| buckets. */
class ModelQualityTallyTest {

  private static ModelState model(final Optional<ProgressiveValidation> validation, final boolean drift) {
    return new ModelState(1, 3, 1500, 1500.0, 0, 100L, StepStatus.OK, "", List.of(), 0L, 3,
        new Posterior(new double[] {0.1, 0.2}, new double[] {0.1, 0.1}, new double[] {1, 0, 1}), validation, drift);
  }

  private static ModelState withZ(final double z, final boolean drift) {
    return model(Optional.of(new ProgressiveValidation(500, 0.6, 0.2, 200, 210, OptionalDouble.of(0.7),
        OptionalDouble.of(0.01), OptionalDouble.of(z))), drift);
  }

  @Test
  void shouldCountModelsByAbsoluteZCumulativelyAndTheFlaggedOnes() {
    // Given seven models: z of 0.5, -1.5, 2.5, -3.5, 4.0 and 12.9 (the last one flagged), and one
    // whose last window has no z (scored at p = 0.5), and one with no validation at all
    final ModelQualityTally tally = new ModelQualityTally();
    for (final ModelState m : List.of(withZ(0.5, false), withZ(-1.5, false), withZ(2.5, false), withZ(-3.5, false),
        withZ(4.0, false), withZ(12.9, true),
        model(Optional.of(new ProgressiveValidation(500, Math.log(2), 0.25, 250, 240, OptionalDouble.empty(),
            OptionalDouble.empty(), OptionalDouble.empty())), false),
        model(Optional.empty(), false))) {
      // When each is counted
      tally.add(m);
    }

    // Then all eight are models, one is flagged, and the buckets count |z| <= 1, 2, 3, 4 and every z
    assertThat(tally.models()).isEqualTo(8);
    assertThat(tally.driftSuspected()).isEqualTo(1);
    assertThat(ModelQualityTally.buckets()).isEqualTo(5);
    assertThat(List.of(tally.zAtMost(0), tally.zAtMost(1), tally.zAtMost(2), tally.zAtMost(3), tally.zAtMost(4)))
        .containsExactly(1L, 2L, 3L, 5L, 6L);
    assertThat(List.of(ModelQualityTally.bucketLabel(0), ModelQualityTally.bucketLabel(3),
        ModelQualityTally.bucketLabel(4))).containsExactly("1", "4", "+Inf");
  }
}
