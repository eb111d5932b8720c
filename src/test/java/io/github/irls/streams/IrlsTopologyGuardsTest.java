package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.glm.Fixtures;
import io.github.irls.glm.StreamingStep;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The numerical guards of a streaming step, on the separated and collinear fixtures streamed
 * through the topology: every guard shows in the update's status, and no published number is
 * non-finite.
 */
class IrlsTopologyGuardsTest {

  /** R clamps the logit's mean beyond |eta| = 30; the topology's separation guard uses the same line. */
  private static final double EXTREME_ETA = StreamingStep.EXTREME_ETA;
  /** The cap of a separated step on the linear predictor. */
  private static final double MAX_ETA_STEP = StreamingStep.MAX_ETA_STEP;

  private static List<CoefficientUpdate> stream(
      final String fixture, final TopologySettings settings, final int passes) {
    final Fixtures.Rows rows = Fixtures.rows(fixture);
    try (Harness h = new Harness(settings)) {
      long t = 0;
      for (int pass = 0; pass < passes; pass++) {
        for (int i = 0; i < rows.size(); i++) {
          h.send(fixture, Harness.event(rows.x()[i], rows.y()[i]), t++);
        }
      }
      h.advanceWallClock(10 * settings.idleCloseMs());
      return h.drainUpdates();
    }
  }

  private static void assertAllFinite(final List<CoefficientUpdate> updates) {
    for (final CoefficientUpdate u : updates) {
      final List<Double> numbers = new ArrayList<>();
      numbers.addAll(u.getCoefficients());
      numbers.addAll(u.getStdErrors());
      numbers.add(u.getWindowLoglik());
      numbers.add(u.getGradientNorm());
      numbers.add(u.getStepNorm());
      numbers.add(u.getRidgeAdded());
      numbers.add(u.getWindowWeight());
      numbers.add(u.getWeightTotal());
      assertThat(numbers).as("update %d of %s", u.getVersion(), u.getModelKey()).allMatch(Double::isFinite);
    }
  }

  /** The largest |eta| the coefficients of {@code u} give any row of the fixture. */
  private static double maxAbsEta(final Fixtures.Rows rows, final List<Double> b) {
    double worst = 0;
    for (int i = 0; i < rows.size(); i++) {
      double eta = b.get(0);
      for (int j = 0; j < rows.x()[i].length; j++) {
        eta += b.get(j + 1) * rows.x()[i][j];
      }
      worst = Math.max(worst, Math.abs(eta));
    }
    return worst;
  }

  @Test
  void shouldCapAndFlagARunawayRenewableStepOnSeparatedData() {
    // Given the perfectly separated fixture (the MLE does not exist) and the default, nearly flat prior
    final TopologySettings settings = TopologySettings.builder().stepMode(StepMode.RENEWABLE).windowEvents(20).build();

    // When it is streamed through the topology in windows of 20
    final List<CoefficientUpdate> updates = stream("sep_perfect", settings, 1);

    // Then the first step, which would run away to fitted probabilities of 0 and 1, is flagged and capped
    assertThat(updates).hasSize(10);
    final CoefficientUpdate first = updates.get(0);
    assertThat(first.getStatus()).isEqualTo("SEPARATION");
    assertThat(first.getStatusReason()).contains("suspected separation").contains("capped");
    final Fixtures.Rows rows = Fixtures.rows("sep_perfect");
    final Fixtures.Rows window = new Fixtures.Rows(rows.featureNames(), java.util.Arrays.copyOf(rows.x(), 20),
        java.util.Arrays.copyOf(rows.y(), 20), rows.weight(), rows.offset());
    assertThat(maxAbsEta(window, first.getCoefficients())).isLessThanOrEqualTo(MAX_ETA_STEP * (1 + 1e-9));
    // And every published number is finite, and versions count up
    assertAllFinite(updates);
    assertThat(updates).extracting(CoefficientUpdate::getVersion)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void shouldFlagSeparationWhenNewtonStepsCreepIntoFittedProbabilitiesOfZeroAndOne() {
    // Given the separated fixture streamed ten times in newton mode with strong forgetting, so that
    // the coefficients grow step after step while the fitted probabilities collapse to 0 and 1
    final TopologySettings settings =
        TopologySettings.builder().stepMode(StepMode.NEWTON).windowEvents(20).gamma(0.5).build();

    // When the updates are read
    final List<CoefficientUpdate> updates = stream("sep_perfect", settings, 10);

    // Then the early steps are OK, the later ones are flagged SEPARATION with a reason, and all is finite
    assertThat(updates).hasSize(100);
    assertThat(updates.get(0).getStatus()).isEqualTo("OK");
    final List<CoefficientUpdate> flagged =
        updates.stream().filter(u -> u.getStatus().equals("SEPARATION")).toList();
    assertThat(flagged).isNotEmpty();
    assertThat(flagged).allSatisfy(u -> assertThat(u.getStatusReason()).contains("numerically 0 or 1"));
    assertThat(maxAbsEta(Fixtures.rows("sep_perfect"), flagged.get(0).getCoefficients())).isGreaterThan(EXTREME_ETA);
    assertAllFinite(updates);
  }

  @ParameterizedTest
  @EnumSource(StepMode.class)
  void shouldReportTheRidgeWhenCollinearFeaturesMakeTheInformationSingular(final StepMode mode) {
    // Given the collinear fixture (x3 = x1 + x2 exactly) and no prior at all (lambda = 0)
    final TopologySettings settings =
        TopologySettings.builder().stepMode(mode).windowEvents(100).lambdaIntercept(0.0).lambda(0.0).build();

    // When it is streamed in windows of 100
    final List<CoefficientUpdate> updates = stream("collinear", settings, 1);

    // Then every update says NOT_POSITIVE_DEFINITE, and once the information is exactly singular the
    // ridge that made the Cholesky factorisation succeed is published, in the reason and in ridge_added
    assertThat(updates).hasSize(10);
    assertThat(updates).allSatisfy(u -> assertThat(u.getStatus()).isEqualTo("NOT_POSITIVE_DEFINITE"));
    assertThat(updates.get(0).getStatusReason()).contains("singular").contains("[3]");
    final List<CoefficientUpdate> ridged = updates.stream().filter(u -> u.getRidgeAdded() > 0).toList();
    assertThat(ridged).isNotEmpty();
    assertThat(ridged).allSatisfy(u -> assertThat(u.getStatusReason()).contains("ridge of " + u.getRidgeAdded()));
    assertAllFinite(updates);
  }

  @ParameterizedTest
  @EnumSource(StepMode.class)
  void shouldResolveCollinearityByThePriorWithoutAFlag(final StepMode mode) {
    // Given the collinear fixture and the default prior (lambda = 1e-6)
    final TopologySettings settings = TopologySettings.builder().stepMode(mode).windowEvents(100).build();

    // When it is streamed
    final List<CoefficientUpdate> updates = stream("collinear", settings, 1);

    // Then the prior makes the information positive definite: OK, no ridge, and the aliased direction
    // has the prior's standard error (1 / sqrt(3 lambda) for the three collinear columns)
    assertThat(updates).allSatisfy(u -> {
      assertThat(u.getStatus()).isEqualTo("OK");
      assertThat(u.getRidgeAdded()).isZero();
    });
    assertThat(updates.get(9).getStdErrors().get(3)).isGreaterThan(100.0);
    assertAllFinite(updates);
  }

  @Test
  void shouldRefuseANonFiniteStepAndPublishFiniteNumbers() {
    // Given a key with one good window of the collinear fixture
    try (Harness h = new Harness(TopologySettings.builder().windowEvents(3).build())) {
      final Fixtures.Rows rows = Fixtures.rows("collinear");
      for (int i = 0; i < 3; i++) {
        h.send("a", Harness.event(rows.x()[i], rows.y()[i]), i);
      }
      final CoefficientUpdate good = h.drainUpdates().get(0);

      // When a window's features are so large that the linear predictor overflows
      for (int i = 0; i < 3; i++) {
        h.send("a", Harness.event(new double[] {1e300, -1e300, 1e300, 1e300}, i % 2), 10 + i);
      }

      // Then the step is refused with its reason, the model kept, and still no number is non-finite
      final List<CoefficientUpdate> refused = h.drainUpdates();
      assertThat(refused).singleElement().satisfies(u -> {
        assertThat(u.getStatus()).isEqualTo("NON_FINITE");
        assertThat(u.getStatusReason()).contains("refused");
        assertThat(u.getCoefficients()).isEqualTo(good.getCoefficients());
      });
      assertAllFinite(refused);
    }
  }
}
