package io.github.irls.glm;

import static io.github.irls.glm.IrlsFitterGoldenTest.relative;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fitter against references made by golden/extra/make_refs.R with R 4.2.2: offsets with several
 * keys, proportions, non-integer weights, extreme feature scales, rare events, quasi-separation.
 */
class IrlsFitterExtraGoldenTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"offset_keys", "proportions", "fractional_weights", "extreme_scales", "rare_events"})
  void shouldReproduceGlmTightOnEveryKey(final String dataCase) {
    final JsonNode keys = Fixtures.extraRef(dataCase).get("glm_tight");
    for (final Iterator<Map.Entry<String, JsonNode>> it = keys.fields(); it.hasNext(); ) {
      final Map.Entry<String, JsonNode> key = it.next();
      // Given one key's rows and R's exact fit
      final Fixtures.Rows rows = Fixtures.extraRows(dataCase, key.getKey());

      // When fitted to the exact optimum
      final GlmFit fit = IrlsFitter.fit(rows.design(), FitOptions.defaults());

      // Then it agrees with R within the fixtures' tolerances
      assertThat(fit.converged()).as(key.getKey()).isTrue();
      IrlsFitterGoldenTest.assertMatchesTight(fit, key.getValue());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"quasi_separation"})
  void shouldDiagnoseQuasiSeparationLikeR(final String dataCase) {
    // Given data separated along x1 except on the boundary x1 = 0
    final JsonNode tight = Fixtures.extraRef(dataCase).get("glm_tight").get(dataCase);
    final Fixtures.Rows rows = Fixtures.extraRows(dataCase, dataCase);

    // When fitted
    final GlmFit fit = IrlsFitter.fit(rows.design(), FitOptions.defaults());

    // Then, like R, it converges in deviance with the fitted-probabilities warning; the coefficients
    // not involved in the separation and the deviance agree with R's
    assertThat(fit.converged()).isEqualTo(tight.get("converged").asBoolean());
    assertThat(fit.warnings()).containsExactlyElementsOf(IrlsFitterGoldenTest.strings(tight.get("warnings")));
    final double[] beta = Fixtures.doubles(tight.get("coefficients"));
    final double[] se = Fixtures.doubles(tight.get("std_errors"));
    for (final int j : new int[] {0, 2}) {
      assertThat(fit.coefficients()[j]).as("coef %d", j).isCloseTo(beta[j], within(1e-6 * se[j]));
      assertThat(fit.stdErrors()[j]).as("se %d", j).isCloseTo(se[j], relative(1e-6));
    }
    assertThat(fit.stdErrors()[1]).isGreaterThan(1e3 * Math.abs(fit.coefficients()[1]));
    assertThat(fit.residualDeviance()).isCloseTo(tight.get("residual_deviance").asDouble(), relative(1e-10));
  }
}
