package io.github.irls.glm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fitter against R's glm(binomial) on every shared fixture, with the fixtures' tolerances. */
class IrlsFitterGoldenTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pima_tr", "mtcars_am", "menarche", "synth_p5", "collinear"})
  void shouldReproduceGlmTightOnConvergedFixtures(final String fixture) {
    // Given the rows and R's exact MLE
    final Fixtures.Rows rows = Fixtures.rows(fixture);
    final JsonNode tight = Fixtures.ref(fixture).get("glm_tight");

    // When fitted to the exact optimum
    final GlmFit fit = IrlsFitter.fit(rows.design(), FitOptions.defaults());

    // Then every reported quantity agrees with R within the fixture README's tolerances
    assertThat(fit.converged()).isTrue();
    assertThat(fit.status()).isEqualTo(FitStatus.OK);
    assertMatchesTight(fit, tight);
  }

  @Test
  void shouldDiagnoseCompleteSeparationLikeR() {
    // Given completely separated data, for which the MLE does not exist
    final Fixtures.Rows rows = Fixtures.rows("sep_perfect");
    final JsonNode tight = Fixtures.ref("sep_perfect").get("glm_tight");

    // When fitted with R's iteration limit
    final GlmFit fit = IrlsFitter.fit(rows.design(), FitOptions.defaults());

    // Then the result says so: not converged, R's two warnings, a separation status, finite numbers
    assertThat(fit.converged()).isEqualTo(tight.get("converged").asBoolean()).isFalse();
    assertThat(fit.warnings()).containsExactlyElementsOf(strings(tight.get("warnings")));
    assertThat(fit.status()).isEqualTo(FitStatus.SEPARATION);
    assertThat(java.util.Arrays.stream(fit.coefficients()).allMatch(Double::isFinite)).isTrue();
    assertThat(fit.rank()).isEqualTo(tight.get("rank").asInt());
    assertThat(fit.nullDeviance()).isCloseTo(tight.get("null_deviance").asDouble(), relative(1e-10));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pima_tr", "mtcars_am", "menarche", "synth_p5", "collinear"})
  void shouldMatchGlmDefaultWithGlmsOwnStoppingRule(final String fixture) {
    // Given the rows and what glm() prints with its default control
    final Fixtures.Rows rows = Fixtures.rows(fixture);
    final JsonNode def = Fixtures.ref(fixture).get("glm_default");

    // When fitted with glm's deviance rule, epsilon 1e-8, at most 25 iterations
    final GlmFit fit =
        IrlsFitter.fit(rows.design(), FitOptions.builder().epsilon(1e-8).maxIterations(25).build());

    // Then coefficients agree to 1e-6 and standard errors to 5e-4 (R's come from the previous iterate)
    assertThat(fit.converged()).isTrue();
    final double[] beta = Fixtures.doubles(def.get("coefficients"));
    final double[] se = Fixtures.doubles(def.get("std_errors"));
    for (int j = 0; j < beta.length; j++) {
      if (Double.isNaN(beta[j])) {
        assertThat(fit.coefficients()[j]).isNaN();
        continue;
      }
      assertThat(fit.coefficients()[j]).as("coef %d", j).isCloseTo(beta[j], relative(1e-6));
      assertThat(fit.stdErrors()[j]).as("se %d", j).isCloseTo(se[j], relative(5e-4));
    }
  }

  static void assertMatchesTight(final GlmFit fit, final JsonNode tight) {
    final double[] beta = Fixtures.doubles(tight.get("coefficients"));
    final double[] se = Fixtures.doubles(tight.get("std_errors"));
    final double[][] vcov = Fixtures.matrix(tight.get("vcov"));
    assertThat(fit.coefNames()).hasSize(beta.length);
    assertThat(fit.aliased()).containsExactly(booleans(tight.get("aliased")));
    assertThat(fit.rank()).isEqualTo(tight.get("rank").asInt());
    assertThat(fit.dfNull()).isEqualTo(tight.get("df_null").asLong());
    assertThat(fit.dfResidual()).isEqualTo(tight.get("df_residual").asLong());
    for (int j = 0; j < beta.length; j++) {
      if (Double.isNaN(beta[j])) {
        assertThat(fit.coefficients()[j]).as("aliased coef %d", j).isNaN();
        assertThat(fit.stdErrors()[j]).isNaN();
        continue;
      }
      final double scale = Math.max(Math.abs(beta[j]), se[j]);
      assertThat(fit.coefficients()[j]).as("coef %d", j).isCloseTo(beta[j], Offset.offset(1e-8 * scale));
      assertThat(fit.stdErrors()[j]).as("se %d", j).isCloseTo(se[j], relative(1e-8));
      // z and p follow from the coefficient and SE tolerances: |dz| <~ 1e-8 max(1, |z|), dp/p <~ z dz.
      final double z = tight.get("z_values").get(j).asDouble();
      assertThat(fit.zValues()[j]).as("z %d", j).isCloseTo(z, Offset.offset(1e-7 * Math.max(1, Math.abs(z))));
      assertThat(fit.pValues()[j]).as("p %d", j).isCloseTo(tight.get("p_values").get(j).asDouble(),
          relative(1e-6 * Math.max(1, z * z)));
      for (int k = 0; k < beta.length; k++) {
        if (!Double.isNaN(vcov[j][k])) {
          final double tol = 1e-8 * Math.sqrt(Math.abs(vcov[j][j] * vcov[k][k]));
          assertThat(fit.vcov()[j][k]).as("vcov %d,%d", j, k).isCloseTo(vcov[j][k], Offset.offset(tol));
        } else {
          assertThat(fit.vcov()[j][k]).isNaN();
        }
      }
    }
    assertThat(fit.nullDeviance()).as("null deviance").isCloseTo(tight.get("null_deviance").asDouble(), relative(1e-10));
    assertThat(fit.residualDeviance()).as("deviance").isCloseTo(tight.get("residual_deviance").asDouble(), relative(1e-10));
    assertThat(fit.loglik()).as("loglik").isCloseTo(tight.get("loglik").asDouble(), relative(1e-10));
    assertThat(fit.aic()).as("aic").isCloseTo(tight.get("aic").asDouble(), relative(1e-10));
    assertThat(fit.warnings()).containsExactlyElementsOf(strings(tight.get("warnings")));
  }

  /** A relative tolerance as AssertJ spells it. */
  static Percentage relative(final double tolerance) {
    return Percentage.withPercentage(100.0 * tolerance);
  }

  private static boolean[] booleans(final JsonNode array) {
    final boolean[] b = new boolean[array.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = array.get(i).asBoolean();
    }
    return b;
  }

  static List<String> strings(final JsonNode array) {
    final List<String> s = new ArrayList<>();
    array.forEach(n -> s.add(n.asText()));
    return s;
  }
}
