package io.github.irls.glm;

import static io.github.irls.glm.IrlsFitterGoldenTest.relative;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hybrid step mode (renewable warm-up windows, newton afterwards) against the trajectory R
 * computed independently ({@code golden/extra/make_hybrid_ref.R}).
 */
class HybridReferenceTest {

  private static final int WINDOWS = 100;
  private static final int WINDOW_ROWS = 1000;
  private static final int WARMUP = 2;
  private static final int D = 6;

  @ParameterizedTest(name = "newton windows from {0}")
  @ValueSource(strings = {"events", "statistics"})
  void shouldReproduceTheHybridTrajectoryWithWarmUpTwo(final String newtonInput) {
    // Given synth_p5 in 100 windows of 1000 rows, the prior P_0 = 1e-6 I and R's hybrid trajectory
    final Fixtures.Rows rows = Fixtures.rows("synth_p5");
    final List<double[]> trajectory = Fixtures.hybridTrajectory();
    Posterior posterior = Posterior.initial(5, 1e-6, 1e-6);

    for (int t = 0; t < WINDOWS; t++) {
      // When windows 1-2 iterate to convergence and every later window takes one Newton step
      // (from the window's events, or from its statistics folded event by event as the processor does)
      final Design window = rows.design(WINDOW_ROWS * t, WINDOW_ROWS * (t + 1));
      final StepResult step;
      if (t < WARMUP) {
        step = StreamingStep.take(window, posterior, StepOptions.renewable(100, 1.0));
      } else if (newtonInput.equals("events")) {
        step = StreamingStep.take(window, posterior, StepOptions.newton(1.0));
      } else {
        final WindowStatistics stats = new WindowStatistics(5).reset(posterior.coefficients());
        for (int i = WINDOW_ROWS * t; i < WINDOW_ROWS * (t + 1); i++) {
          stats.add(rows.x()[i], 0, rows.y()[i], rows.weight()[i], rows.offset()[i]);
        }
        step = StreamingStep.take(stats, posterior, StepOptions.newton(1.0));
      }
      posterior = step.posterior();

      // Then coefficients and posterior SDs follow the reference to 1e-9 relative
      assertThat(step.status()).as("window %d", t + 1).isEqualTo(StepStatus.OK);
      final double[] expected = trajectory.get(t);
      for (int j = 0; j < D; j++) {
        assertThat(posterior.coefficients()[j]).as("window %d coef %d", t + 1, j)
            .isCloseTo(expected[j], relative(1e-9));
        assertThat(posterior.stdErrors()[j]).as("window %d sd %d", t + 1, j)
            .isCloseTo(expected[D + j], relative(1e-9));
      }
    }
  }

}
