package io.github.irls.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fitter's behaviour on hard and degenerate inputs: statuses, never exceptions or NaNs. */
class IrlsFitterTest {

  @Test
  void shouldReportEmptyWhenEveryWeightIsZero() {
    // Given rows that all have weight zero
    final Design design = Design.builder(1).add(new double[] {1}, 1, 0, 0).add(new double[] {2}, 0, 0, 0).build();

    // When fitted
    final GlmFit fit = IrlsFitter.fit(design, FitOptions.defaults());

    // Then the status says there was nothing to fit, with no exception
    assertThat(fit.status()).isIn(FitStatus.EMPTY, FitStatus.NON_FINITE);
    assertThat(fit.dfNull()).isEqualTo(-1);
  }

  @Test
  void shouldAliasAConstantFeatureLikeR() {
    // Given a feature that is constant, hence a multiple of the intercept
    final Random random = new Random(7);
    final Design.Builder b = Design.builder(2);
    for (int i = 0; i < 200; i++) {
      final double x = random.nextGaussian();
      b.add(new double[] {x, 3.0}, random.nextDouble() < 1 / (1 + Math.exp(-x)) ? 1 : 0, 1, 0);
    }

    // When fitted
    final GlmFit fit = IrlsFitter.fit(b.build(), FitOptions.defaults());

    // Then the constant column is aliased, the rest is fitted and the rank is 2
    assertThat(fit.aliased()).containsExactly(false, false, true);
    assertThat(fit.rank()).isEqualTo(2);
    assertThat(fit.coefficients()[2]).isNaN();
    assertThat(fit.converged()).isTrue();
    assertThat(fit.dfResidual()).isEqualTo(198);
  }

  @Test
  void shouldAddTheSmallestRidgeWhenThePenalisedInformationIsNotPositiveDefinite() {
    // Given a prior with a negative precision that makes H + Q indefinite
    final Design design = Design.builder(1).add(new double[] {1}, 1, 1, 0).add(new double[] {-1}, 0, 1, 0).build();
    final Prior prior = Prior.of(new double[2], new double[] {-5, 0, -5}, 1.0);

    // When one Newton step is taken
    final GlmFit fit = IrlsFitter.fit(design, prior, FitOptions.builder().singleStep(true).build());

    // Then the status says so and names the ridge added
    assertThat(fit.status()).isEqualTo(FitStatus.NOT_POSITIVE_DEFINITE);
    assertThat(fit.ridgeAdded()).isPositive();
    assertThat(fit.statusReason()).contains("ridge");
    assertThat(Arrays.stream(fit.coefficients()).allMatch(Double::isFinite)).isTrue();
  }

  @Test
  void shouldRefuseNonFiniteDataWithAStatus() {
    // Given a row with an infinite feature
    final Design design =
        Design.builder(1).add(new double[] {Double.POSITIVE_INFINITY}, 1, 1, 0).add(new double[] {1}, 0, 1, 0).build();

    // When fitted
    final GlmFit fit = IrlsFitter.fit(design, FitOptions.defaults());

    // Then it is refused with a reason and the start is kept
    assertThat(fit.status()).isEqualTo(FitStatus.NON_FINITE);
    assertThat(fit.statusReason()).contains("non-finite");
    assertThat(fit.coefficients()).containsExactly(0.0, 0.0);
  }

  @Test
  void shouldTreatAWeightOfTwoLikeTwoIdenticalRows() {
    // Given the same data as duplicated rows and as weighted rows
    final Random random = new Random(11);
    final Design.Builder duplicated = Design.builder(1);
    final Design.Builder weighted = Design.builder(1);
    for (int i = 0; i < 100; i++) {
      final double[] x = {random.nextGaussian()};
      final double y = random.nextDouble() < 0.4 ? 1 : 0;
      duplicated.add(x, y, 1, 0).add(x, y, 1, 0);
      weighted.add(x, y, 2, 0);
    }

    // When both are fitted
    final GlmFit a = IrlsFitter.fit(duplicated.build(), FitOptions.defaults());
    final GlmFit b = IrlsFitter.fit(weighted.build(), FitOptions.defaults());

    // Then coefficients, SEs and deviance agree; only the residual degrees of freedom differ
    for (int j = 0; j < 2; j++) {
      assertThat(b.coefficients()[j]).isCloseTo(a.coefficients()[j], within(1e-10));
      assertThat(b.stdErrors()[j]).isCloseTo(a.stdErrors()[j], within(1e-10));
    }
    assertThat(b.residualDeviance()).isCloseTo(a.residualDeviance(), within(1e-9));
    assertThat(a.dfResidual() - b.dfResidual()).isEqualTo(100);
  }

  @Test
  void shouldFoldAnOffsetIntoTheIntercept() {
    // Given data and the same data with a constant offset of 1.5
    final Random random = new Random(5);
    final Design.Builder plain = Design.builder(1);
    final Design.Builder shifted = Design.builder(1);
    for (int i = 0; i < 300; i++) {
      final double[] x = {random.nextGaussian()};
      final double y = random.nextDouble() < 1 / (1 + Math.exp(-(0.5 + x[0]))) ? 1 : 0;
      plain.add(x, y, 1, 0);
      shifted.add(x, y, 1, 1.5);
    }

    // When both are fitted
    final GlmFit a = IrlsFitter.fit(plain.build(), FitOptions.defaults());
    final GlmFit b = IrlsFitter.fit(shifted.build(), FitOptions.defaults());

    // Then the intercept moves by exactly the offset, the slope and the null deviance stay
    assertThat(b.coefficients()[0]).isCloseTo(a.coefficients()[0] - 1.5, within(1e-10));
    assertThat(b.coefficients()[1]).isCloseTo(a.coefficients()[1], within(1e-10));
    assertThat(b.nullDeviance()).isCloseTo(a.nullDeviance(), within(1e-9));
  }

  @Test
  void shouldSplitRowsAcrossThreadsWithoutChangingTheFit() {
    // Given a design large enough to be split across threads
    final Random random = new Random(3);
    final Design.Builder b = Design.builder(3, 100_000);
    for (int i = 0; i < 100_000; i++) {
      final double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      final double eta = -1 + x[0] - 0.5 * x[1];
      b.add(x, random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0, 1, 0);
    }
    final Design design = b.build();

    // When fitted on one and on two threads
    final GlmFit one = IrlsFitter.fit(design, FitOptions.defaults());
    final GlmFit two = IrlsFitter.fit(design, FitOptions.builder().threads(2).build());

    // Then the fits agree to round-off
    for (int j = 0; j < 4; j++) {
      assertThat(two.coefficients()[j]).isCloseTo(one.coefficients()[j], within(1e-10 * one.stdErrors()[j]));
      assertThat(two.stdErrors()[j]).isCloseTo(one.stdErrors()[j], within(1e-10 * one.stdErrors()[j]));
    }
  }

  @Test
  void shouldReachTheSameOptimumThroughWarmStartAndChordStepsOnLargeData() {
    // Given a design large enough for the warm start and the chord steps
    final Random random = new Random(9);
    final int n = IrlsFitter.WARM_START_MIN_ROWS + 10_000;
    final Design.Builder b = Design.builder(2, n);
    for (int i = 0; i < n; i++) {
      final double[] x = {random.nextGaussian(), 3 + random.nextGaussian()};
      final double eta = -2 + 0.7 * x[0] + 0.4 * x[1];
      b.add(x, random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0, 1, 0);
    }
    final Design design = b.build();

    // When fitted with the fast path and with plain Newton steps from zero, glm's exact way
    final GlmFit fast = IrlsFitter.fit(design, FitOptions.builder().threads(2).build());
    final GlmFit plain = IrlsFitter.fit(design, FitOptions.builder().warmStart(false).epsilon(1e-300)
        .maxIterations(12).build());

    // Then both land on the same optimum with the same standard errors
    assertThat(fast.converged()).isTrue();
    for (int j = 0; j < 3; j++) {
      assertThat(fast.coefficients()[j]).isCloseTo(plain.coefficients()[j], within(1e-9 * plain.stdErrors()[j]));
      assertThat(fast.stdErrors()[j]).isCloseTo(plain.stdErrors()[j], within(1e-9 * plain.stdErrors()[j]));
    }
    assertThat(fast.residualDeviance()).isCloseTo(plain.residualDeviance(), within(1e-9 * plain.residualDeviance()));
  }

  @Test
  void shouldHalveStepsThatWorsenTheObjectiveInsteadOfCycling() {
    // Given a tiny window whose previous posterior (from three other events) is far from its optimum
    final Design first = Design.builder(2)
        .add(new double[] {0.5, -1.0}, 1, 1, 0).add(new double[] {1.5, 0.2}, 0, 1, 0)
        .add(new double[] {-0.3, 0.8}, 1, 1, 0).build();
    final GlmFit previous = IrlsFitter.fit(first, Prior.ridge(3, 1e-6, 1e-6), FitOptions.defaults());
    final Design second = Design.builder(2)
        .add(new double[] {0.1, 0.1}, 0, 1, 0).add(new double[] {2.0, -0.5}, 1, 1, 0)
        .add(new double[] {-1.2, 1.1}, 0, 1, 0).build();

    // When the next window is fitted with that posterior as its prior (full steps cycle here)
    final GlmFit fit = IrlsFitter.fit(second, Prior.of(previous.coefficients(), previous.packedPrecision(), 1.0),
        FitOptions.builder().start(previous.coefficients()).nullDeviance(false).build());

    // Then it converges to the penalised optimum, where the penalised score vanishes
    assertThat(fit.converged()).isTrue();
    assertThat(fit.status()).isEqualTo(FitStatus.OK);
    assertThat(fit.iterations()).isLessThan(100);
  }

  @Test
  void shouldRejectAPriorOfTheWrongDimension() {
    // Given a one-feature design and a three-coefficient prior
    final Design design = Design.builder(1).add(new double[] {1}, 1, 1, 0).build();

    // When / Then fitting is a programming error
    assertThatThrownBy(() -> IrlsFitter.fit(design, Prior.none(3), FitOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension");
  }
}
