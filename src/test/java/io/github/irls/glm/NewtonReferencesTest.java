package io.github.irls.glm;

import static io.github.irls.glm.IrlsFitterGoldenTest.relative;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.irls.glm.linalg.PackedSymmetric;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Newton iterates, ridge (MAP) fits and the sequential recursion against their references. */
class NewtonReferencesTest {

  @Test
  void shouldReproduceEveryBatchIrlsIterateFromZero() {
    // Given pima_tr and the reference Newton iterates from beta = 0
    final Fixtures.Rows rows = Fixtures.rows("pima_tr");
    final JsonNode iterates = Fixtures.ref("irls_iterates_pima_tr").get("iterates");

    for (final JsonNode iterate : iterates) {
      final int k = iterate.get("iteration").asInt();
      if (k == 0) {
        continue;
      }
      // When the fitter may take only k full Newton steps
      final GlmFit fit =
          IrlsFitter.fit(rows.design(), FitOptions.builder().maxIterations(k).warmStart(false)
              .start(new double[rows.featureNames().size() + 1]).build());

      // Then the coefficients and the log-likelihood there are the reference's k-th iterate
      final double[] expected = Fixtures.doubles(iterate.get("beta"));
      for (int j = 0; j < expected.length; j++) {
        assertThat(fit.coefficients()[j])
            .as("iterate %d coef %d", k, j)
            .isCloseTo(expected[j], within(1e-10 * Math.max(1, Math.abs(expected[j]))));
      }
      assertThat(fit.loglik()).as("loglik at iterate %d", k).isCloseTo(iterate.get("loglik").asDouble(), relative(1e-10));
      assertThat(fit.residualDeviance()).isCloseTo(iterate.get("deviance").asDouble(), relative(1e-10));
    }
  }

  @ParameterizedTest(name = "lambda index {0}")
  @ValueSource(ints = {0, 1, 2})
  void shouldReproduceTheRidgeMapAndPosteriorSd(final int index) {
    // Given pima_tr and the reference ridge fit (intercept not penalised)
    final Fixtures.Rows rows = Fixtures.rows("pima_tr");
    final JsonNode result = Fixtures.ref("ridge_pima_tr").get("results").get(index);
    final double lambda = result.get("lambda").asDouble();
    final JsonNode newton = result.get("newton");
    final int d = rows.featureNames().size() + 1;

    // When fitted with the prior N(0, diag(0, lambda, ..., lambda)^-1)
    final GlmFit fit =
        IrlsFitter.fit(rows.design(), Prior.ridge(d, 0.0, lambda), FitOptions.defaults());

    // Then the MAP and the posterior SDs agree to 1e-9 relative
    assertThat(fit.converged()).isTrue();
    final double[] beta = Fixtures.doubles(newton.get("beta"));
    final double[] sd = Fixtures.doubles(newton.get("posterior_sd"));
    for (int j = 0; j < d; j++) {
      assertThat(fit.coefficients()[j]).as("coef %d", j).isCloseTo(beta[j], relative(1e-9));
      assertThat(fit.stdErrors()[j]).as("sd %d", j).isCloseTo(sd[j], relative(1e-9));
    }
    assertThat(fit.loglik()).isCloseTo(newton.get("loglik").asDouble(), relative(1e-10));
    assertThat(fit.residualDeviance()).isCloseTo(newton.get("deviance").asDouble(), relative(1e-10));
  }

  @ParameterizedTest(name = "gamma {0}")
  @ValueSource(doubles = {1.0, 0.99})
  void shouldReproduceTheSequentialLaplaceRecursion(final double gamma) {
    // Given synth_p5 in 100 windows of 1000 rows, P_0 = 1e-6 I, beta_0 = 0
    final Fixtures.Rows rows = Fixtures.rows("synth_p5");
    final List<double[]> trajectory = Fixtures.sequentialTrajectory(gamma);
    final int d = 6;
    double[] beta = new double[d];
    double[] precision = Prior.ridge(d, 1e-6, 1e-6).packedPrecision();

    for (int t = 0; t < 100; t++) {
      // When each window takes one Newton step with the discounted previous posterior as its prior
      final GlmFit step =
          IrlsFitter.fit(
              rows.design(1000 * t, 1000 * (t + 1)),
              Prior.of(beta, precision, gamma),
              FitOptions.builder().singleStep(true).start(beta).nullDeviance(false).build());
      beta = step.coefficients();
      precision = step.packedPrecision();

      // Then coefficients and posterior SDs follow the reference to 1e-9 relative
      final double[] expected = trajectory.get(t);
      for (int j = 0; j < d; j++) {
        assertThat(beta[j]).as("window %d coef %d", t + 1, j).isCloseTo(expected[j], relative(1e-9));
        assertThat(step.stdErrors()[j]).as("window %d sd %d", t + 1, j).isCloseTo(expected[d + j], relative(1e-9));
      }
    }
    assertThat(precision[PackedSymmetric.rowStart(d, 0)]).isPositive();
  }

}
