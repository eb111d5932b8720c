package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code fit} on every fixture against the {@code glm_tight} block of R's reference (R 4.2.2, see
 * {@code src/test/resources/golden/README.md}), with the fixtures' tolerances: coefficients 1e-8 ·
 * max(|beta|, SE); SEs and vcov 1e-8 relative; deviances, log-likelihood and AIC 1e-10 relative;
 * aliasing, rank and degrees of freedom exact. For complete separation only the diagnosis is
 * compared, since the MLE does not exist.
 */
class FitCommandGoldenTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "pima_tr, pima_tr.csv",
    "mtcars_am, mtcars_am.csv",
    "menarche, menarche.csv",
    "synth_p5, synth_p5.csv.gz",
    "collinear, collinear.csv",
  })
  void shouldReproduceRsTightFit(final String name, final String file) throws Exception {
    // Given a fixture and R's exact MLE for it
    final JsonNode ref = FitCommandTest.JSON.readTree(FitCommandTest.golden("ref/" + name + ".json").toFile())
        .get("glm_tight");

    // When it is fitted by the CLI
    final FitCommandTest.Run run =
        FitCommandTest.run("fit", "--input", FitCommandTest.golden("data/" + file).toString());

    // Then every quantity agrees within the fixtures' tolerances
    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    final List<JsonNode> lines = run.lines();
    assertThat(lines).hasSize(1);
    final JsonNode fit = lines.get(0);
    assertThat(fit.get("model").asText()).isEqualTo(name);
    assertThat(fit.get("coef_names")).isEqualTo(ref.get("coef_names"));
    assertThat(fit.get("aliased")).isEqualTo(ref.get("aliased"));
    assertThat(fit.get("rank").asInt()).isEqualTo(ref.get("rank").asInt());
    assertThat(fit.get("df_null").asLong()).isEqualTo(ref.get("df_null").asLong());
    assertThat(fit.get("df_residual").asLong()).isEqualTo(ref.get("df_residual").asLong());
    assertThat(fit.get("converged").asBoolean()).isEqualTo(ref.get("converged").asBoolean());
    assertThat(fit.get("warnings")).isEqualTo(ref.get("warnings"));

    final int d = ref.get("coef_names").size();
    final List<String> failures = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      final JsonNode b = ref.get("coefficients").get(j);
      if (b.isNull()) {
        for (final String field : List.of("coefficients", "std_errors", "z_values", "p_values")) {
          if (!fit.get(field).get(j).isNull()) {
            failures.add(field + "[" + j + "] should be null");
          }
        }
        continue;
      }
      final double beta = b.asDouble();
      final double se = ref.get("std_errors").get(j).asDouble();
      check(failures, "coefficients[" + j + "]", fit.get("coefficients").get(j), beta,
          1e-8 * Math.max(Math.abs(beta), se));
      check(failures, "std_errors[" + j + "]", fit.get("std_errors").get(j), se, 1e-8 * se);
      // z = beta / SE and p = 2 P(Z > |z|) inherit those errors: |dz| <= 2e-8 max(|z|, 1), and
      // |dp / p| <= |z| |dz| for the normal tail (plus the SE's relative error for small z).
      final double z = ref.get("z_values").get(j).asDouble();
      final double dz = 2e-8 * Math.max(Math.abs(z), 1.0);
      check(failures, "z_values[" + j + "]", fit.get("z_values").get(j), z, dz);
      final double p = ref.get("p_values").get(j).asDouble();
      check(failures, "p_values[" + j + "]", fit.get("p_values").get(j), p,
          p * Math.max(1e-8, (Math.abs(z) + 1.0) * dz));
      for (int k = 0; k < d; k++) {
        final JsonNode v = ref.get("vcov").get(j).get(k);
        if (v.isNull()) {
          if (!fit.get("vcov").get(j).get(k).isNull()) {
            failures.add("vcov[" + j + "][" + k + "] should be null");
          }
          continue;
        }
        check(failures, "vcov[" + j + "][" + k + "]", fit.get("vcov").get(j).get(k), v.asDouble(),
            1e-8 * Math.abs(v.asDouble()));
      }
    }
    for (final String field : List.of("null_deviance", "residual_deviance", "loglik", "aic")) {
      final double r = ref.get(field).asDouble();
      check(failures, field, fit.get(field), r, 1e-10 * Math.abs(r));
    }
    assertThat(failures).as("quantities outside tolerance").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"sep_perfect, sep_perfect.csv"})
  void shouldDiagnoseCompleteSeparationLikeR(final String name, final String file) throws Exception {
    // Given perfectly separated data, where the MLE does not exist
    final JsonNode ref = FitCommandTest.JSON.readTree(FitCommandTest.golden("ref/" + name + ".json").toFile())
        .get("glm_tight");

    // When it is fitted
    final FitCommandTest.Run run =
        FitCommandTest.run("fit", "--input", FitCommandTest.golden("data/" + file).toString());

    // Then it exits normally with R's diagnosis: not converged, both of glm's warnings
    assertThat(run.exit()).isZero();
    final JsonNode fit = run.lines().get(0);
    assertThat(ref.get("converged").asBoolean()).isFalse();
    assertThat(fit.get("converged").asBoolean()).isFalse();
    assertThat(fit.get("warnings")).isEqualTo(ref.get("warnings"));
    assertThat(fit.get("warnings")).hasSize(2);
    assertThat(run.err()).startsWith("warning: model \"sep_perfect\": ");
  }

  private static void check(
      final List<String> failures, final String what, final JsonNode actual, final double expected,
      final double tolerance) {
    if (actual == null || !actual.isNumber()) {
      failures.add(what + ": expected " + expected + ", got " + actual);
      return;
    }
    final double a = actual.asDouble();
    if (!(Math.abs(a - expected) <= tolerance)) {
      failures.add(String.format("%s: expected %s, got %s (difference %.3g, tolerance %.3g)",
          what, expected, a, Math.abs(a - expected), tolerance));
    }
  }

}
