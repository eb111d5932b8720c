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
 * keys, proportions, non-integer weights, extreme feature scales, rare events, quasi-separation,
 * aliasing patterns, and awkward keys (tiny, zero weights, all-zero response, a large-mean feature).
 */
class IrlsFitterExtraGoldenTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"offset_keys", "proportions", "fractional_weights", "extreme_scales", "rare_events",
      "aliasing", "awkward_keys"})
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

    // Then, like R (which it follows iterate for iterate from R's mustart), it converges in deviance
    // with the fitted-probabilities warning, and everything agrees within the usual tolerances
    assertThat(fit.converged()).isEqualTo(tight.get("converged").asBoolean());
    assertThat(fit.iterations()).isEqualTo(tight.get("iterations").asInt());
    assertThat(fit.stdErrors()[1]).isGreaterThan(1e3 * Math.abs(fit.coefficients()[1]));
    IrlsFitterGoldenTest.assertMatchesTight(fit, tight);
  }
}
