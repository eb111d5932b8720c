package io.github.irls.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The delta-method interval against values worked out by hand for b = (0.5, -1, 2), x = (1, 0.5),
 * so x~ = (1, 1, 0.5) and eta = 0.5 - 1 + 1 = 0.5, sigmoid(0.5) = 0.6224593312018546.
 */
class ScoringTest {

  private static final double[] B = {0.5, -1.0, 2.0};
  private static final double[] SE = {0.2, 0.3, 0.4};
  // diag = SE^2; cov(b0, b1) = 0.015, cov(b1, b2) = -0.02
  private static final double[] COVARIANCE = {
    0.04, 0.015, 0.0,
    0.015, 0.09, -0.02,
    0.0, -0.02, 0.16
  };
  private static final double[] X = {1.0, 0.5};

  private static ModelCoefficients model(final Optional<double[]> covariance) {
    return new ModelCoefficients("m", 7, List.of("intercept", "x1", "x2"), B, SE, covariance, "OK", 0L);
  }

  @Test
  void shouldUseTheFullCovarianceForTheInterval() {
    // Given a model published with its covariance
    final ModelCoefficients m = model(Optional.of(COVARIANCE));

    // When x = (1, 0.5) is scored
    final Prediction p = Scoring.predict(m, X);

    // Then var(eta) = 0.04 + 0.09 + 0.16 * 0.25 + 2 * 0.015 * 1 + 2 * (-0.02) * 1 * 0.5 = 0.18,
    // and the interval is sigmoid(0.5 -+ 1.959963984540054 * sqrt(0.18))
    assertThat(p.model()).isEqualTo("m");
    assertThat(p.version()).isEqualTo(7);
    assertThat(p.exact()).isTrue();
    assertThat(p.linearPredictor()).isCloseTo(0.5, within(1e-15));
    assertThat(p.linearPredictorSe()).isCloseTo(Math.sqrt(0.18), within(1e-15));
    assertThat(p.probability()).isCloseTo(0.6224593312018546, within(1e-15));
    assertThat(p.ci95Low()).isCloseTo(0.4178654065097189, within(1e-14));
    assertThat(p.ci95High()).isCloseTo(0.7910956339655709, within(1e-14));
  }

  @Test
  void shouldFallBackToTheStandardErrorsAndSaySoWithoutACovariance() {
    // Given a model published with standard errors only
    final ModelCoefficients m = model(Optional.empty());

    // When the same x is scored
    final Prediction p = Scoring.predict(m, X);

    // Then var(eta) = 0.04 + 0.09 * 1 + 0.16 * 0.25 = 0.17 (no covariances), and it is not exact
    assertThat(p.exact()).isFalse();
    assertThat(p.linearPredictorSe()).isCloseTo(Math.sqrt(0.17), within(1e-15));
    assertThat(p.probability()).isCloseTo(0.6224593312018546, within(1e-15));
    assertThat(p.ci95Low()).isCloseTo(0.42357519257620024, within(1e-14));
    assertThat(p.ci95High()).isCloseTo(0.7871973640871297, within(1e-14));
  }

  @Test
  void shouldGiveTheInterceptAloneAtZeroFeatures() {
    // Given the model with its covariance
    final ModelCoefficients m = model(Optional.of(COVARIANCE));

    // When x = 0 is scored
    final Prediction p = Scoring.predict(m, new double[] {0.0, 0.0});

    // Then only b0 and var(b0) = 0.04 count
    assertThat(p.linearPredictor()).isEqualTo(0.5);
    assertThat(p.linearPredictorSe()).isCloseTo(0.2, within(1e-15));
    assertThat(p.ci95Low()).isCloseTo(Scoring.sigmoid(0.5 - Scoring.Z_975 * 0.2), within(1e-15));
  }

  @Test
  void shouldStayFiniteForHugeLinearPredictors() {
    // Given / When the logistic function far in both tails
    // Then it saturates at 0 and 1 without overflow or NaN
    assertThat(Scoring.sigmoid(-800)).isEqualTo(0.0);
    assertThat(Scoring.sigmoid(800)).isEqualTo(1.0);
    assertThat(Scoring.sigmoid(-30)).isCloseTo(Math.exp(-30), within(1e-25));
  }

  @Test
  void shouldRejectAFeatureVectorOfTheWrongLengthOrNotFinite() {
    // Given the model
    final ModelCoefficients m = model(Optional.empty());

    // When / Then three features for a model of two, or a NaN, are bad input
    assertThatThrownBy(() -> Scoring.predict(m, new double[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has 2 features, got 3");
    assertThatThrownBy(() -> Scoring.predict(m, new double[] {1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feature 2");
  }

  @Test
  void shouldRejectACovarianceOfTheWrongShape() {
    // Given / When / Then a 2 x 2 covariance for three coefficients
    assertThatThrownBy(() -> model(Optional.of(new double[4])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 9");
  }
}
