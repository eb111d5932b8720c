package io.github.irls.glm;

import static io.github.irls.glm.IrlsFitterGoldenTest.relative;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A newton step from a window's statistics alone (no events kept), and its separation guard. */
class WindowStatisticsStepTest {

  @Test
  void shouldReproduceTheSequentialLaplaceRecursionFromStatisticsAccumulatedEventByEvent() {
    // Given synth_p5 in 100 windows of 1000 rows and the prior P_0 = 1e-6 I
    final Fixtures.Rows rows = Fixtures.rows("synth_p5");
    final List<double[]> trajectory = Fixtures.sequentialTrajectory(1.0);
    Posterior posterior = Posterior.initial(5, 1e-6, 1e-6);
    final WindowStatistics stats = new WindowStatistics(5);

    for (int t = 0; t < 100; t++) {
      // When each window's events are folded one by one at the previous coefficients, then one step taken
      stats.reset(posterior.coefficients());
      for (int i = 1000 * t; i < 1000 * (t + 1); i++) {
        stats.add(rows.x()[i], 0, rows.y()[i], rows.weight()[i], rows.offset()[i]);
      }
      final StepResult step = StreamingStep.take(stats, posterior, StepOptions.newton(1.0));
      posterior = step.posterior();

      // Then coefficients and posterior SDs follow the reference to 1e-9 relative
      assertThat(step.status()).isEqualTo(StepStatus.OK);
      for (int j = 0; j < 6; j++) {
        assertThat(posterior.coefficients()[j]).as("window %d coef %d", t + 1, j)
            .isCloseTo(trajectory.get(t)[j], relative(1e-9));
        assertThat(posterior.stdErrors()[j]).as("window %d sd %d", t + 1, j)
            .isCloseTo(trajectory.get(t)[6 + j], relative(1e-9));
      }
    }
  }

  @Test
  void shouldGiveTheSameStepFromRestoredStatistics() {
    // Given the statistics of a window of pima_tr at the prior
    final Fixtures.Rows rows = Fixtures.rows("pima_tr");
    final Posterior prior = Posterior.initial(7, 1e-6, 1e-6);
    final WindowStatistics stats = WindowStatistics.of(rows.design(0, 50), prior.coefficients());

    // When they are restored into fresh statistics (as from a state store)
    final WindowStatistics restored = new WindowStatistics(7).restore(stats.beta(), stats.packedInformation(),
        stats.score(), stats.maxAbsFeatures(), stats.count(), stats.weightSum(), stats.logLikelihood(),
        stats.extremeFitted(), stats.sawNonFinite());

    // Then the step taken from them is the same, bit for bit
    final StepResult a = StreamingStep.take(stats, prior, StepOptions.newton(1.0));
    final StepResult b = StreamingStep.take(restored, prior, StepOptions.newton(1.0));
    assertThat(b.posterior()).isEqualTo(a.posterior());
    assertThat(b.windowLogLikelihood()).isEqualTo(a.windowLogLikelihood());
  }

  @Test
  void shouldCapAStepFromStatisticsByTheBoundOfTheFeatures() {
    // Given a model far into separated territory: |eta| > 30 for every event of the window at its start
    final Fixtures.Rows rows = Fixtures.rows("sep_perfect");
    final Posterior start = new Posterior(new double[] {0, 40, 40}, new double[] {1, 1, 1},
        new double[] {1e-3, 0, 0, 1e-3, 0, 1e-3});
    final WindowStatistics stats = WindowStatistics.of(rows.design(0, 20), start.coefficients());

    // When a newton step with strong forgetting is taken from the window's statistics
    final StepResult step = StreamingStep.take(stats, start, StepOptions.newton(0.5));

    // Then it is flagged and, wherever the bound exceeded the cap, no event's linear predictor moved by more
    assertThat(step.status()).isEqualTo(StepStatus.SEPARATION);
    assertThat(step.reason()).contains("numerically 0 or 1").contains("capped");
    final Design design = rows.design(0, 20);
    final double[] x = new double[2];
    for (int i = 0; i < design.rows(); i++) {
      design.row(i, x);
      double delta = step.posterior().coefficients()[0] - start.coefficients()[0];
      for (int j = 0; j < 2; j++) {
        delta += (step.posterior().coefficients()[j + 1] - start.coefficients()[j + 1]) * x[j];
      }
      assertThat(Math.abs(delta)).isLessThanOrEqualTo(StreamingStep.MAX_ETA_STEP * (1 + 1e-9));
    }
  }

  @Test
  void shouldRefuseStatisticsWithANonFiniteContribution() {
    // Given statistics of an event whose linear predictor overflows
    final Posterior prior = Posterior.initial(2, 1e-6, 1e-6);
    final WindowStatistics stats = new WindowStatistics(2).reset(new double[] {0, 1, 1});
    stats.add(new double[] {Double.MAX_VALUE, Double.MAX_VALUE}, 0, 1.0, 1.0, 0.0);
    final Posterior at = new Posterior(new double[] {0, 1, 1}, prior.stdErrors(), prior.packedPrecision());

    // When the step is taken
    final StepResult step = StreamingStep.take(stats, at, StepOptions.newton(1.0));

    // Then it is refused and the posterior kept
    assertThat(step.status()).isEqualTo(StepStatus.NON_FINITE);
    assertThat(step.accepted()).isFalse();
    assertThat(step.posterior()).isEqualTo(at);
    assertThat(step.reason()).contains("refused");
  }

  @Test
  void shouldRefuseToIterateOrToStepFromOtherCoefficients() {
    // Given statistics at b = 0
    final WindowStatistics stats = new WindowStatistics(1);
    stats.add(new double[] {1}, 0, 1, 1, 0);

    // When asked to iterate, or to step from a posterior at other coefficients, Then those are programming errors
    assertThatThrownBy(() -> StreamingStep.take(stats, Posterior.initial(1, 1, 1), StepOptions.renewable(10, 1.0)))
        .isInstanceOf(IllegalArgumentException.class);
    final Posterior elsewhere = new Posterior(new double[] {1, 1}, new double[] {1, 1}, new double[] {1, 0, 1});
    assertThatThrownBy(() -> StreamingStep.take(stats, elsewhere, StepOptions.newton(1.0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

}
