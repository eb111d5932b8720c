package io.github.irls.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.irls.glm.linalg.PackedSymmetric;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The served quantities of a posterior: the exact standard error of a linear predictor against the
 * quadratic form in the covariance the standard errors are published from, and draws whose mean and
 * covariance are the posterior's within sampling error.
 */
class FactoredPosteriorTest {

  /** A posterior after three renewable steps of synth_p5 (p = 5), as a running model has one. */
  private static Posterior synthPosterior() {
    final Fixtures.Rows rows = Fixtures.rows("synth_p5");
    Posterior posterior = Posterior.initial(5, 1e-6, 1e-6);
    for (int w = 0; w < 3; w++) {
      posterior = StreamingStep.take(rows.design(w * 300, (w + 1) * 300), posterior,
          StepOptions.renewable(100, 1.0)).posterior();
    }
    return posterior;
  }

  private static double quadraticForm(final double[] covariance, final double[] x) {
    final int d = x.length + 1;
    double sum = 0;
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        sum += (i == 0 ? 1 : x[i - 1]) * covariance[i * d + j] * (j == 0 ? 1 : x[j - 1]);
      }
    }
    return sum;
  }

  @Test
  void shouldGiveTheLinearPredictorsStandardErrorOfTheFullCovariance() {
    // Given a model's posterior and 200 random feature vectors
    final Posterior posterior = synthPosterior();
    final FactoredPosterior factored = FactoredPosterior.of(posterior).orElseThrow();
    final double[] covariance = posterior.covariance();
    final SplittableRandom random = new SplittableRandom(7);

    for (int n = 0; n < 200; n++) {
      final double[] x = new double[5];
      for (int j = 0; j < x.length; j++) {
        x[j] = 3 * FactoredPosterior.gaussian(random);
      }
      // When the vector is scored
      final FactoredPosterior.LinearScore score = factored.score(x, 0.25);

      // Then eta is o + b . x~, its variance x~' P^-1 x~ to 1e-12, and the interval its logistic image
      final double[] b = posterior.coefficients();
      double eta = 0.25 + b[0];
      for (int j = 0; j < x.length; j++) {
        eta += b[j + 1] * x[j];
      }
      final double variance = quadraticForm(covariance, x);
      assertThat(score.eta()).isCloseTo(eta, within(1e-12 * Math.max(1, Math.abs(eta))));
      assertThat(score.etaSe() * score.etaSe()).isCloseTo(variance, within(1e-12 * variance));
      assertThat(score.probability()).isCloseTo(1 / (1 + Math.exp(-eta)), within(1e-15));
      assertThat(score.ci95Low())
          .isCloseTo(1 / (1 + Math.exp(-(eta - Normal.Z_975 * Math.sqrt(variance)))), within(1e-12));
      assertThat(score.ci95High())
          .isCloseTo(1 / (1 + Math.exp(-(eta + Normal.Z_975 * Math.sqrt(variance)))), within(1e-12));
    }
    assertThat(factored.ridge()).isZero();
  }

  @Test
  void shouldDrawFromThePosteriorWithItsMeanAndCovariance() {
    // Given a model's posterior
    final Posterior posterior = synthPosterior();
    final FactoredPosterior factored = FactoredPosterior.of(posterior).orElseThrow();
    final int d = posterior.dimension();
    final double[] cov = posterior.covariance();

    // When 100,000 draws are taken
    final int n = 100_000;
    final double[] mean = new double[d];
    final double[] cross = new double[d * d];
    final SplittableRandom random = new SplittableRandom(42);
    final double[][] draws = new double[n][];
    for (int s = 0; s < n; s++) {
      draws[s] = factored.draw(random);
      for (int i = 0; i < d; i++) {
        mean[i] += draws[s][i] / n;
      }
    }
    for (final double[] draw : draws) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          cross[i * d + j] += (draw[i] - mean[i]) * (draw[j] - mean[j]) / (n - 1);
        }
      }
    }

    // Then the sample mean is within 4.5 standard errors of b and every sample covariance within 4.5
    // of its own sampling standard deviation, sqrt((S_ij^2 + S_ii S_jj) / n) for Gaussian draws
    for (int i = 0; i < d; i++) {
      assertThat(mean[i]).isCloseTo(posterior.coefficients()[i], within(4.5 * Math.sqrt(cov[i * d + i] / n)));
      for (int j = 0; j < d; j++) {
        final double sd = Math.sqrt((cov[i * d + j] * cov[i * d + j] + cov[i * d + i] * cov[j * d + j]) / n);
        assertThat(cross[i * d + j]).as("covariance (%d, %d)", i, j).isCloseTo(cov[i * d + j], within(4.5 * sd));
      }
    }
  }

  @Test
  void shouldDrawTheSameCoefficientsFromTheSameSeed() {
    // Given one posterior
    final FactoredPosterior factored = FactoredPosterior.of(synthPosterior()).orElseThrow();

    // When two generators with one seed draw, and one with another
    final double[] first = factored.draw(new SplittableRandom(3));
    final double[] again = factored.draw(new SplittableRandom(3));
    final double[] other = factored.draw(new SplittableRandom(4));

    // Then the first two agree exactly and the third differs
    assertThat(again).containsExactly(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void shouldFactorASingularPrecisionWithTheRidgeItsStandardErrorsWerePublishedWith() {
    // Given a precision of rank 1 in two dimensions (one event's information, no prior)
    final double[] packed = {1.0, 2.0, 4.0};
    final Posterior posterior = Posterior.of(new double[] {0.5, -1.0}, packed);

    // When it is factored and a point scored
    final FactoredPosterior factored = FactoredPosterior.of(posterior).orElseThrow();
    final FactoredPosterior.LinearScore score = factored.score(new double[] {0.3}, 0);

    // Then a ridge was added, and the variance is the quadratic form in the inverse the
    // standard errors come from (the same ridge)
    assertThat(factored.ridge()).isPositive();
    final double variance = quadraticForm(posterior.covariance(), new double[] {0.3});
    assertThat(score.etaSe() * score.etaSe()).isCloseTo(variance, within(1e-9 * variance));
    assertThat(posterior.stdErrors()[0] * posterior.stdErrors()[0])
        .isCloseTo(posterior.covariance()[0], within(1e-12 * posterior.covariance()[0]));
    assertThat(PackedSymmetric.order(packed.length)).isEqualTo(2);
  }

  @Test
  void shouldRefuseANonFinitePrecisionAndWrongInput() {
    // Given a posterior whose precision is not finite, and a valid one
    final Posterior broken = new Posterior(new double[] {0, 0}, new double[] {1, 1},
        new double[] {Double.NaN, 0, 1});
    final FactoredPosterior valid = FactoredPosterior.of(synthPosterior()).orElseThrow();

    // Then the first cannot be factored, and the second refuses a vector of the wrong length or a NaN
    assertThat(FactoredPosterior.of(broken)).isEmpty();
    assertThatThrownBy(() -> valid.score(new double[4], 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 features");
    assertThatThrownBy(() -> valid.score(new double[] {0, 0, Double.NaN, 0, 0}, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("feature 3");
  }
}
