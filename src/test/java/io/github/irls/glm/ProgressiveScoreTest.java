package io.github.irls.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The progressive validation of one window, against the formulas written out plainly. */
class ProgressiveScoreTest {

  @Test
  void shouldAverageLogLossAndBrierWithTheWeightsAndSumTheCalibrationTerms() {
    // Given three events scored at eta = 0.4, -1.2, 2.0 with labels 1, 0, 0 and weights 1, 2, 0.5
    final double[] eta = {0.4, -1.2, 2.0};
    final double[] y = {1, 0, 0};
    final double[] w = {1, 2, 0.5};
    final ProgressiveScore score = new ProgressiveScore();

    // When they are added
    for (int i = 0; i < 3; i++) {
      score.add(eta[i], y[i], w[i]);
    }
    final ProgressiveValidation v = score.result();

    // Then the means and sums are those of the plain formulas
    double loss = 0;
    double brier = 0;
    double expected = 0;
    double entropy = 0;
    double variance = 0;
    for (int i = 0; i < 3; i++) {
      final double p = 1 / (1 + Math.exp(-eta[i]));
      loss += w[i] * -(y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p));
      brier += w[i] * (y[i] - p) * (y[i] - p);
      expected += w[i] * p;
      entropy += w[i] * -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
      variance += w[i] * w[i] * p * (1 - p) * eta[i] * eta[i];
    }
    assertThat(v.weight()).isEqualTo(3.5);
    assertThat(v.logLoss()).isCloseTo(loss / 3.5, within(1e-14));
    assertThat(v.brier()).isCloseTo(brier / 3.5, within(1e-14));
    assertThat(v.expectedPositives()).isCloseTo(expected, within(1e-14));
    assertThat(v.observedPositives()).isEqualTo(1.0);
    assertThat(v.logLossZ().getAsDouble()).isCloseTo((loss - entropy) / Math.sqrt(variance), within(1e-12));
  }

  @Test
  void shouldGiveTheExactAucWhenNoPositiveSharesABinWithANegative() {
    // Given positives at eta 1.0 and 3.0, negatives at -2.0 and 2.0 (bins of width 0.25 apart)
    final ProgressiveScore score = new ProgressiveScore();
    score.add(1.0, 1, 1);
    score.add(3.0, 1, 1);
    score.add(-2.0, 0, 1);
    score.add(2.0, 0, 1);

    // When the AUC is read
    final ProgressiveValidation v = score.result();

    // Then it is the Mann-Whitney share of won pairs, 3 of 4, with a zero error bound
    assertThat(v.auc()).isEqualTo(OptionalDouble.of(0.75));
    assertThat(v.aucErrorBound()).isEqualTo(OptionalDouble.of(0.0));
  }

  @Test
  void shouldCountPairsWithinABinAsTiesAndBoundTheErrorByThem() {
    // Given every event scored at p = 0.5, as a model with no update yet scores them
    final ProgressiveScore score = new ProgressiveScore();
    score.add(0.0, 1, 1);
    score.add(0.0, 0, 1);
    score.add(0.0, 1, 2);

    // When it is read
    final ProgressiveValidation v = score.result();

    // Then the AUC is 0.5 give or take 0.5, and z is undefined (the model's loss has no variance)
    assertThat(v.auc()).isEqualTo(OptionalDouble.of(0.5));
    assertThat(v.aucErrorBound()).isEqualTo(OptionalDouble.of(0.5));
    assertThat(v.logLossZ()).isEmpty();
    assertThat(v.logLoss()).isCloseTo(Math.log(2), within(1e-15));
  }

  @Test
  void shouldLeaveTheAucEmptyForAWindowOfOneClass() {
    // Given only positives
    final ProgressiveScore score = new ProgressiveScore();
    score.add(0.3, 1, 1);
    score.add(-0.3, 1, 1);

    // When it is read, Then there is no AUC
    assertThat(score.result().auc()).isEmpty();
    assertThat(score.result().aucErrorBound()).isEmpty();
  }

  @Test
  void shouldStayFiniteForExtremeLinearPredictors() {
    // Given events scored at eta = +-800, where exp overflows and p rounds to 0 or 1, and one at 1
    final ProgressiveScore score = new ProgressiveScore();
    score.add(800, 0, 1);
    score.add(-800, 0, 1);
    score.add(1.0, 1, 1);

    // When it is read
    final ProgressiveValidation v = score.result();

    // Then the confident mistake costs its exact 800 nats, the confident hit nothing, and z says
    // how far beyond the model's own expectation that is
    final double third = Math.log1p(Math.exp(-1.0));
    assertThat(v.logLoss()).isCloseTo((800.0 + third) / 3, within(1e-12));
    assertThat(v.brier()).isCloseTo((1.0 + Math.pow(1 - 1 / (1 + Math.exp(-1.0)), 2)) / 3, within(1e-15));
    assertThat(v.logLossZ().getAsDouble()).isFinite().isGreaterThan(100);
  }

  @Test
  void shouldIgnoreZeroWeightsAndNotScoreNonFinitePredictors() {
    // Given one scored event, one of weight 0 and one with a non-finite eta
    final ProgressiveScore score = new ProgressiveScore();
    score.add(0.5, 1, 1);
    score.add(0.5, 0, 0);
    score.add(Double.NaN, 0, 1);

    // When it is read, Then only the first counts
    assertThat(score.result().weight()).isEqualTo(1.0);
    assertThat(score.result().observedPositives()).isEqualTo(1.0);
  }

  @Test
  void shouldRestoreWhatItsStateSaved() {
    // Given a score of a few events, saved
    final ProgressiveScore score = new ProgressiveScore();
    score.add(0.7, 1, 1);
    score.add(-0.2, 0, 3);
    score.add(-9.0, 1, 1);
    final double[] state = new double[ProgressiveScore.STATE_SIZE + 2];
    score.state(state, 2);

    // When another restores it
    final ProgressiveScore back = new ProgressiveScore().restore(state, 2);

    // Then both read the same
    assertThat(back.result()).isEqualTo(score.result());
  }

  @Test
  void shouldScoreADesignAtGivenCoefficientsAsEventByEventScoringDoes() {
    // Given a design of three rows and coefficients (0.3, -1, 2)
    final Design.Builder builder = Design.builder(2, 3);
    builder.add(new double[] {1.0, 0.5}, 0, 1.0, 1.0, 0.1);
    builder.add(new double[] {-0.5, 0.2}, 0, 0.0, 2.0, 0.0);
    builder.add(new double[] {0.3, -0.4}, 0, 1.0, 1.0, -0.2);
    final double[] beta = {0.3, -1, 2};

    // When it is scored as a whole and row by row
    final ProgressiveValidation whole = ProgressiveScore.of(builder.build(), beta);
    final ProgressiveScore rows = new ProgressiveScore();
    rows.add(0.1 + 0.3 - 1.0 + 1.0, 1, 1);
    rows.add(0.3 + 0.5 + 0.4, 0, 2);
    rows.add(-0.2 + 0.3 - 0.3 - 0.8, 1, 1);

    // Then both agree
    assertThat(whole.logLoss()).isCloseTo(rows.result().logLoss(), within(1e-15));
    assertThat(whole.logLossZ().getAsDouble()).isCloseTo(rows.result().logLossZ().getAsDouble(), within(1e-13));
  }
}
