package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.glm.Design;
import io.github.irls.glm.FitOptions;
import io.github.irls.glm.Fixtures;
import io.github.irls.glm.GlmFit;
import io.github.irls.glm.IrlsFitter;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.Prior;
import io.github.irls.glm.StepOptions;
import io.github.irls.glm.StreamingStep;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** synth_p5 through the topology against the sequential reference and the math core. */
class IrlsTopologyReferenceTest {

  private static final int WINDOW = 1000;
  private static final int D = 6;
  private static Fixtures.Rows rows;

  @BeforeAll
  static void loadRows() {
    rows = Fixtures.rows("synth_p5");
  }

  /** The reference's setting: windows of 1000 events, P_0 = 1e-6 I, never closed by time or idleness. */
  private static TopologySettings settings(final StepMode mode, final double gamma) {
    return TopologySettings.builder()
        .windowEvents(WINDOW)
        .windowMs(Long.MAX_VALUE)
        .idleCloseMs(Long.MAX_VALUE)
        .stepMode(mode)
        .lambdaIntercept(1e-6)
        .lambda(1e-6)
        .gamma(gamma)
        .build();
  }

  /** Feeds every row of synth_p5, in file order, to one key. */
  private static List<CoefficientUpdate> replay(final Harness h) {
    for (int i = 0; i < rows.size(); i++) {
      h.send("synth", Harness.event(rows.x()[i], rows.y()[i], rows.weight()[i], rows.offset()[i], null), 1_000L);
    }
    return h.drainUpdates();
  }

  @ParameterizedTest(name = "gamma {0}")
  @ValueSource(doubles = {1.0, 0.99})
  void shouldReproduceTheSequentialReferenceInNewtonMode(final double gamma) {
    try (Harness h = new Harness(settings(StepMode.NEWTON, gamma))) {
      // Given synth_p5 and the reference trajectory of the sequential Laplace recursion
      final List<double[]> expected = Fixtures.sequentialTrajectory(gamma);

      // When the rows go through the topology in newton mode, windows of 1000
      final List<CoefficientUpdate> updates = replay(h);

      // Then the 100 updates follow the reference's coefficients and SEs to 1e-9 relative
      assertThat(updates).hasSize(100);
      for (int t = 0; t < 100; t++) {
        final CoefficientUpdate u = updates.get(t);
        assertThat(u.getVersion()).isEqualTo(t + 1);
        assertThat(u.getIterations()).isEqualTo(1);
        assertThat(u.getStepMode()).isEqualTo("newton");
        for (int j = 0; j < D; j++) {
          final double b = expected.get(t)[j];
          final double se = expected.get(t)[D + j];
          assertThat(u.getCoefficients().get(j)).as("window %d coef %d", t + 1, j)
              .isCloseTo(b, within(1e-9 * Math.abs(b)));
          assertThat(u.getStdErrors().get(j)).as("window %d se %d", t + 1, j)
              .isCloseTo(se, within(1e-9 * se));
        }
      }
      assertThat(updates.get(99).getEventsTotal()).isEqualTo(100_000);
    }
  }

  @Test
  void shouldMatchTheBatchFitterWindowByWindowInRenewableMode() {
    try (Harness h = new Harness(settings(StepMode.RENEWABLE, 1.0))) {
      // Given synth_p5 fed through the topology in renewable mode
      final List<CoefficientUpdate> updates = replay(h);
      assertThat(updates).hasSize(100);

      // When the math core fits each window with the previous posterior as prior
      double[] beta = new double[D];
      double[] precision = Prior.ridge(D, 1e-6, 1e-6).packedPrecision();
      for (int t = 0; t < 100; t++) {
        final Design window = rows.design(WINDOW * t, WINDOW * (t + 1));
        final GlmFit fit =
            IrlsFitter.fit(window, Prior.of(beta, precision, 1.0),
                FitOptions.builder().start(beta).nullDeviance(false).warmStart(false).build());
        beta = fit.coefficients();
        precision = fit.packedPrecision();

        // Then every update equals that fit to 1e-12
        final CoefficientUpdate u = updates.get(t);
        assertThat(u.getStatus()).isEqualTo(fit.status().name());
        assertThat(u.getIterations()).isEqualTo(fit.iterations());
        assertThat(u.getWindowLoglik()).isCloseTo(fit.startLogLikelihood(), within(1e-12 * Math.abs(fit.startLogLikelihood())));
        for (int j = 0; j < D; j++) {
          assertThat(u.getCoefficients().get(j)).as("window %d coef %d", t + 1, j)
              .isCloseTo(beta[j], within(1e-12 * Math.abs(beta[j])));
          assertThat(u.getStdErrors().get(j)).as("window %d se %d", t + 1, j)
              .isCloseTo(fit.stdErrors()[j], within(1e-12 * fit.stdErrors()[j]));
        }
      }

      // And the one-pass result is within 0.1 standard errors of the batch MLE (R, glm_tight)
      final JsonNode tight = Fixtures.ref("synth_p5").get("glm_tight");
      final double[] mle = Fixtures.doubles(tight.get("coefficients"));
      final double[] se = Fixtures.doubles(tight.get("std_errors"));
      final CoefficientUpdate last = updates.get(99);
      for (int j = 0; j < D; j++) {
        assertThat(Math.abs(last.getCoefficients().get(j) - mle[j]) / se[j]).as("coef %d in SEs", j).isLessThan(0.1);
      }
    }
  }

  @Test
  void shouldIterateTheFirstWindowsAndThenStepOnceInHybridMode() {
    try (Harness h = new Harness(settings(StepMode.HYBRID, 1.0))) {
      // Given synth_p5 fed through the topology in hybrid mode with its default warm-up of two windows
      final List<CoefficientUpdate> updates = replay(h);
      assertThat(updates).hasSize(100);

      // When the math core takes the same steps: renewable on windows 1 and 2, one Newton step after
      Posterior posterior = Posterior.initial(D - 1, 1e-6, 1e-6);
      for (int t = 0; t < 100; t++) {
        final Design window = rows.design(WINDOW * t, WINDOW * (t + 1));
        final StepOptions options = t < 2 ? StepOptions.renewable(100, 1.0) : StepOptions.newton(1.0);
        posterior = StreamingStep.take(window, posterior, options).posterior();

        // Then every update equals that step to 1e-12 and names the kind of step it took
        final CoefficientUpdate u = updates.get(t);
        assertThat(u.getStepMode()).isEqualTo(t < 2 ? "renewable" : "newton");
        for (int j = 0; j < D; j++) {
          assertThat(u.getCoefficients().get(j)).as("window %d coef %d", t + 1, j)
              .isCloseTo(posterior.coefficients()[j], within(1e-12 * Math.abs(posterior.coefficients()[j])));
          assertThat(u.getStdErrors().get(j)).as("window %d se %d", t + 1, j)
              .isCloseTo(posterior.stdErrors()[j], within(1e-12 * posterior.stdErrors()[j]));
        }
      }

      // And the one-pass result is within 0.15 standard errors of the batch MLE (R, glm_tight)
      final JsonNode tight = Fixtures.ref("synth_p5").get("glm_tight");
      final double[] mle = Fixtures.doubles(tight.get("coefficients"));
      final double[] se = Fixtures.doubles(tight.get("std_errors"));
      for (int j = 0; j < D; j++) {
        assertThat(Math.abs(updates.get(99).getCoefficients().get(j) - mle[j]) / se[j]).as("coef %d in SEs", j)
            .isLessThan(0.15);
      }
    }
  }

  @Test
  void shouldWarmUpAgainAfterAReset() {
    try (Harness h = new Harness(settings(StepMode.HYBRID, 1.0).toBuilder().windowEvents(100).build())) {
      // Given a hybrid model past its warm-up (four windows of 100)
      for (int i = 0; i < 400; i++) {
        h.send("k", Harness.event(rows.x()[i], rows.y()[i]), 1_000L);
      }
      final List<CoefficientUpdate> before = h.drainUpdates();

      // When a tombstone resets it and four more windows arrive
      h.sendSpec("k", null, 1_000L);
      for (int i = 400; i < 800; i++) {
        h.send("k", Harness.event(rows.x()[i], rows.y()[i]), 1_000L);
      }
      final List<CoefficientUpdate> after = h.drainUpdates();

      // Then both runs iterate their first two windows and step once afterwards, and versions keep counting
      assertThat(before).extracting(CoefficientUpdate::getStepMode)
          .containsExactly("renewable", "renewable", "newton", "newton");
      assertThat(after).extracting(CoefficientUpdate::getStepMode)
          .containsExactly("renewable", "renewable", "newton", "newton");
      assertThat(after).extracting(CoefficientUpdate::getVersion).containsExactly(5L, 6L, 7L, 8L);
      // And a newton window holds no event rows: only its statistics count its events
      h.send("k", Harness.event(rows.x()[800], rows.y()[800]), 1_000L);
      assertThat(h.storedEvents()).isEqualTo(1);
    }
  }

}
