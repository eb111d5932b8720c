package io.github.irls.glm;

import static io.github.irls.glm.IrlsFitterGoldenTest.relative;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.glm.linalg.PackedSymmetric;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * One streaming step and its guards, without Kafka: the separation cap and flag, the ridge of a
 * singular information, the refusal of a non-finite step, and the plain Newton and renewable steps
 * against the batch fitter.
 */
class StreamingStepTest {

  private static Design window(final Fixtures.Rows rows, final int from, final int to) {
    return rows.design(from, to);
  }

  private static double maxAbsEtaChange(final Design design, final double[] from, final double[] to) {
    double worst = 0;
    final double[] x = new double[design.features()];
    for (int i = 0; i < design.rows(); i++) {
      design.row(i, x);
      double delta = to[0] - from[0];
      for (int j = 0; j < x.length; j++) {
        delta += (to[j + 1] - from[j + 1]) * x[j];
      }
      worst = Math.max(worst, Math.abs(delta));
    }
    return worst;
  }

  @Test
  void shouldCapAndFlagARunawayRenewableStepOnSeparatedData() {
    // Given the first 20 rows of the perfectly separated fixture and the default, nearly flat prior
    final Design design = window(Fixtures.rows("sep_perfect"), 0, 20);
    final Posterior prior = Posterior.initial(2, 1e-6, 1e-6);

    // When a renewable step is taken
    final StepResult step = StreamingStep.take(design, prior, StepOptions.renewable(100, 1.0));

    // Then it is flagged, capped to a move of MAX_ETA_STEP in the linear predictor, and finite
    assertThat(step.status()).isEqualTo(StepStatus.SEPARATION);
    assertThat(step.accepted()).isTrue();
    assertThat(step.reason()).contains("suspected separation").contains("capped");
    assertThat(maxAbsEtaChange(design, prior.coefficients(), step.posterior().coefficients()))
        .isLessThanOrEqualTo(StreamingStep.MAX_ETA_STEP * (1 + 1e-9))
        .isGreaterThan(StreamingStep.MAX_ETA_STEP * (1 - 1e-9));
    assertThat(Arrays.stream(step.posterior().stdErrors()).allMatch(Double::isFinite)).isTrue();
    assertThat(step.stepNorm()).isPositive().isFinite();
  }

  @Test
  void shouldFlagSeparationWhenNewtonStepsCreepIntoFittedProbabilitiesOfZeroAndOne() {
    // Given the separated fixture in windows of 20, newton steps with strong forgetting
    final Fixtures.Rows rows = Fixtures.rows("sep_perfect");
    Posterior posterior = Posterior.initial(2, 1e-6, 1e-6);
    StepResult first = null;
    StepResult flagged = null;

    // When the windows are stepped through, ten passes over the data
    for (int t = 0; t < 100 && flagged == null; t++) {
      final int from = 20 * (t % 10);
      final StepResult step = StreamingStep.take(window(rows, from, from + 20), posterior, StepOptions.newton(0.5));
      first = first == null ? step : first;
      if (step.status() == StepStatus.SEPARATION) {
        flagged = step;
      }
      posterior = step.posterior();
    }

    // Then the first step is OK and a later one is flagged with the fits that show it
    assertThat(first.status()).isEqualTo(StepStatus.OK);
    assertThat(flagged).isNotNull();
    assertThat(flagged.reason()).contains("numerically 0 or 1");
    assertThat(flagged.accepted()).isTrue();
  }

  @Test
  void shouldAddAndReportTheSmallestRidgeWhenTheInformationIsSingular() {
    // Given the collinear fixture (x3 = x1 + x2) and no prior at all
    final Fixtures.Rows rows = Fixtures.rows("collinear");
    Posterior posterior = Posterior.initial(4, 0.0, 0.0);

    // When windows of 100 are stepped through
    StepResult ridged = null;
    for (int t = 0; t < 10; t++) {
      final StepResult step = StreamingStep.take(window(rows, 100 * t, 100 * (t + 1)), posterior,
          StepOptions.renewable(100, 1.0));

      // Then every step says NOT_POSITIVE_DEFINITE, names the aliased column, and publishes a ridge
      assertThat(step.status()).isEqualTo(StepStatus.NOT_POSITIVE_DEFINITE);
      if (t == 0) {
        assertThat(step.reason()).contains("singular").contains("[3]");
      }
      if (step.ridgeAdded() > 0) {
        ridged = step;
        assertThat(step.reason()).contains("ridge of " + step.ridgeAdded());
      }
      assertThat(Arrays.stream(step.posterior().coefficients()).allMatch(Double::isFinite)).isTrue();
      posterior = step.posterior();
    }
    assertThat(ridged).isNotNull();
  }

  @Test
  void shouldResolveCollinearityByThePriorWithoutAFlag() {
    // Given the collinear fixture and the default prior (lambda = 1e-6)
    final Design design = window(Fixtures.rows("collinear"), 0, 100);

    // When a newton step is taken
    final StepResult step = StreamingStep.take(design, Posterior.initial(4, 1e-6, 1e-6), StepOptions.newton(1.0));

    // Then it is OK without a ridge, and the aliased direction keeps about the prior's standard error
    assertThat(step.status()).isEqualTo(StepStatus.OK);
    assertThat(step.ridgeAdded()).isZero();
    assertThat(step.reason()).isEmpty();
    assertThat(step.posterior().stdErrors()[3]).isGreaterThan(100.0);
  }

  @Test
  void shouldRefuseANonFiniteStepAndKeepThePreviousPosterior() {
    // Given a posterior after one good window, and a window whose linear predictor overflows
    final Fixtures.Rows rows = Fixtures.rows("collinear");
    final Posterior good =
        StreamingStep.take(window(rows, 0, 3), Posterior.initial(4, 1e-6, 1e-6), StepOptions.renewable(100, 1.0))
            .posterior();
    final Design.Builder huge = Design.builder(4);
    for (int i = 0; i < 3; i++) {
      huge.add(new double[] {1e300, -1e300, 1e300, 1e300}, i % 2, 1.0, 0.0);
    }

    // When the step is taken
    final StepResult step = StreamingStep.take(huge.build(), good, StepOptions.renewable(100, 1.0));

    // Then it is refused, says why, and leaves the previous posterior as it was
    assertThat(step.status()).isEqualTo(StepStatus.NON_FINITE);
    assertThat(step.accepted()).isFalse();
    assertThat(step.reason()).contains("refused");
    assertThat(step.posterior()).isEqualTo(good);
    assertThat(step.stepNorm()).isZero();
    assertThat(Arrays.stream(step.covariance()).allMatch(Double::isFinite)).isTrue();
  }

  @Test
  void shouldTakeTheBatchFittersStepWithTheDiscountedPosteriorAsPrior() {
    // Given two windows of pima_tr and a posterior after the first
    final Fixtures.Rows rows = Fixtures.rows("pima_tr");
    final Posterior first =
        StreamingStep.take(window(rows, 0, 100), Posterior.initial(7, 1e-6, 1e-6), StepOptions.renewable(100, 1.0))
            .posterior();

    // When the second window is stepped with gamma 0.9, renewable and newton
    final StepResult renewable = StreamingStep.take(window(rows, 100, 200), first, StepOptions.renewable(100, 0.9));
    final StepResult newton = StreamingStep.take(window(rows, 100, 200), first, StepOptions.newton(0.9));

    // Then each is the batch fitter's answer with prior N(b, (0.9 P)^-1), and the covariance inverts P
    final Prior prior = Prior.of(first.coefficients(), first.packedPrecision(), 0.9);
    final GlmFit converged = IrlsFitter.fit(window(rows, 100, 200), prior,
        FitOptions.builder().start(first.coefficients()).nullDeviance(false).warmStart(false).build());
    final GlmFit single = IrlsFitter.fit(window(rows, 100, 200), prior,
        FitOptions.builder().singleStep(true).start(first.coefficients()).nullDeviance(false).build());
    assertThat(renewable.posterior().coefficients()).containsExactly(converged.coefficients());
    assertThat(renewable.posterior().stdErrors()).containsExactly(converged.stdErrors());
    for (int j = 0; j < 8; j++) {
      assertThat(newton.posterior().coefficients()[j]).isCloseTo(single.coefficients()[j], relative(1e-12));
      assertThat(newton.posterior().stdErrors()[j]).isCloseTo(single.stdErrors()[j], relative(1e-12));
    }
    assertThat(newton.iterations()).isEqualTo(1);
    final int d = 8;
    final double[] covariance = renewable.covariance();
    for (int j = 0; j < d; j++) {
      assertThat(covariance[j * d + j]).isCloseTo(Math.pow(renewable.posterior().stdErrors()[j], 2), relative(1e-12));
    }
  }

  @Test
  void shouldStartFromTheRidgePriorAndDiscountThePrecision() {
    // Given the prior of a model with three features and lambdas 2 (intercept) and 5
    final Posterior prior = Posterior.initial(3, 2.0, 5.0);

    // When it is discounted by 0.5 as the next step's prior
    final Prior discounted = prior.discounted(0.5);

    // Then b = 0, P = diag(2, 5, 5, 5), SEs 1/sqrt(diag), and the discounted precision is halved
    assertThat(prior.coefficients()).containsExactly(0, 0, 0, 0);
    assertThat(prior.stdErrors()[0]).isCloseTo(1 / Math.sqrt(2.0), relative(1e-15));
    assertThat(prior.stdErrors()[1]).isCloseTo(1 / Math.sqrt(5.0), relative(1e-15));
    assertThat(discounted.packedPrecision()[PackedSymmetric.rowStart(4, 0)]).isEqualTo(1.0);
    assertThat(discounted.packedPrecision()[PackedSymmetric.rowStart(4, 3)]).isEqualTo(2.5);
    assertThat(Arrays.stream(prior.covariance()).filter(v -> v != 0).count()).isEqualTo(4);
  }

  @Test
  void shouldKeepStandardErrorsOfAModelWithoutDataFiniteWhenThereIsNoPenalty() {
    // Given lambda = 0 (no prior information at all)
    // When the initial posterior is built, Then its standard errors are finite (huge), not infinite
    assertThat(Arrays.stream(Posterior.initial(2, 0.0, 0.0).stdErrors()).allMatch(Double::isFinite)).isTrue();
  }

  @Test
  void shouldRefuseAWindowOfAnotherDimension() {
    // Given a posterior of two features and a window of three
    final Design design = window(Fixtures.rows("collinear"), 0, 10);

    // When / Then the step is a programming error, not a status
    assertThatThrownBy(() -> StreamingStep.take(design, Posterior.initial(2, 1, 1), StepOptions.newton(1.0)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
