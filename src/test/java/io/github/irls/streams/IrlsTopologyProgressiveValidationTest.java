package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.glm.Fixtures;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The progressive validation of every update of synth_p5 (windows of 1,000) against a computation
 * written out here from the same events and the published coefficient trajectory: each window's
 * events scored by the previous update's coefficients (zeros before the first).
 */
class IrlsTopologyProgressiveValidationTest {

  private static final int WINDOW = 1000;
  private static final double TOLERANCE = 1e-9;
  private static Fixtures.Rows rows;

  @BeforeAll
  static void loadRows() {
    rows = Fixtures.rows("synth_p5");
  }

  /** What the update of one window should say, computed plainly. */
  private record Expected(double logLoss, double brier, double expectedPositives, double observedPositives,
      Double auc, Double aucErrorBound, double exactAuc, Double z) {}

  private static Expected expected(final int from, final int to, final double[] b) {
    final int n = to - from;
    final double[] eta = new double[n];
    double weight = 0;
    double loss = 0;
    double brier = 0;
    double expected = 0;
    double observed = 0;
    double entropy = 0;
    double variance = 0;
    for (int i = 0; i < n; i++) {
      final double[] x = rows.x()[from + i];
      double e = rows.offset()[from + i] + b[0];
      for (int j = 0; j < x.length; j++) {
        e += b[j + 1] * x[j];
      }
      eta[i] = e;
      final double y = rows.y()[from + i];
      final double w = rows.weight()[from + i];
      final double p = 1 / (1 + Math.exp(-e));
      weight += w;
      loss += w * -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
      brier += w * (y - p) * (y - p);
      expected += w * p;
      observed += w * y;
      entropy += w * -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
      variance += w * w * p * (1 - p) * e * e;
    }
    // AUC over all (positive, negative) pairs: binned as published (bins of 0.25 in eta over
    // [-8, 8], ties within a bin) and exact (ties only at equal eta)
    double pairs = 0;
    double binnedWins = 0;
    double exactWins = 0;
    double sameBin = 0;
    for (int i = 0; i < n; i++) {
      final double wi = rows.weight()[from + i] * rows.y()[from + i];
      if (wi == 0) {
        continue;
      }
      for (int k = 0; k < n; k++) {
        final double wk = rows.weight()[from + k] * (1 - rows.y()[from + k]);
        if (wk == 0) {
          continue;
        }
        final double pair = wi * wk;
        pairs += pair;
        final int bi = Math.max(0, Math.min(63, (int) Math.floor((eta[i] + 8) / 0.25)));
        final int bk = Math.max(0, Math.min(63, (int) Math.floor((eta[k] + 8) / 0.25)));
        binnedWins += bi > bk ? pair : bi == bk ? pair / 2 : 0;
        sameBin += bi == bk ? pair : 0;
        exactWins += eta[i] > eta[k] ? pair : eta[i] == eta[k] ? pair / 2 : 0;
      }
    }
    return new Expected(loss / weight, brier / weight, expected, observed,
        pairs > 0 ? binnedWins / pairs : null, pairs > 0 ? sameBin / pairs / 2 : null,
        pairs > 0 ? exactWins / pairs : Double.NaN, variance > 0 ? (loss - entropy) / Math.sqrt(variance) : null);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StepMode.class)
  void shouldScoreEveryWindowByTheCoefficientsInForceBeforeLearningFromIt(final StepMode mode) {
    try (Harness h = new Harness(TopologySettings.builder().windowEvents(WINDOW).windowMs(Long.MAX_VALUE)
        .idleCloseMs(Long.MAX_VALUE).stepMode(mode).lambdaIntercept(1e-6).lambda(1e-6).build())) {
      // Given synth_p5's 100,000 rows for one key, in file order
      for (int i = 0; i < rows.size(); i++) {
        h.send("synth", Harness.event(rows.x()[i], rows.y()[i], rows.weight()[i], rows.offset()[i], null), 1_000L);
      }

      // When its 100 updates are read
      final List<CoefficientUpdate> updates = h.drainUpdates();

      // Then each carries the validation of its window at the previous update's coefficients
      assertThat(updates).hasSize(100);
      double[] inForce = new double[6];
      for (int t = 0; t < updates.size(); t++) {
        final CoefficientUpdate u = updates.get(t);
        final Expected e = expected(t * WINDOW, (t + 1) * WINDOW, inForce);
        final String at = "window " + (t + 1);
        assertThat(u.getProgressiveLogloss()).as(at).isCloseTo(e.logLoss(), within(TOLERANCE * e.logLoss()));
        assertThat(u.getProgressiveBrier()).as(at).isCloseTo(e.brier(), within(TOLERANCE * e.brier()));
        assertThat(u.getExpectedPositives()).as(at)
            .isCloseTo(e.expectedPositives(), within(TOLERANCE * e.expectedPositives()));
        assertThat(u.getObservedPositives()).as(at).isEqualTo(e.observedPositives());
        assertThat(u.getProgressiveAuc()).as(at).isCloseTo(e.auc(), within(TOLERANCE));
        assertThat(u.getProgressiveAucErrorBound()).as(at).isCloseTo(e.aucErrorBound(), within(TOLERANCE));
        assertThat(Math.abs(u.getProgressiveAuc() - e.exactAuc())).as(at)
            .isLessThanOrEqualTo(u.getProgressiveAucErrorBound() + TOLERANCE);
        if (e.z() == null) {
          assertThat(u.getLoglossZ()).as(at).isNull();
        } else {
          assertThat(u.getLoglossZ()).as(at).isCloseTo(e.z(), within(TOLERANCE * Math.max(1, Math.abs(e.z()))));
        }
        assertThat(u.getDriftSuspected()).as(at).isEqualTo(e.z() != null && e.z() > 4);
        inForce = u.getCoefficients().stream().mapToDouble(Double::doubleValue).toArray();
      }
      // (the first window is scored at p = 0.5: no variance, so no z)
      assertThat(updates.get(0).getLoglossZ()).isNull();
      assertThat(updates.get(0).getProgressiveLogloss()).isCloseTo(Math.log(2), within(1e-12));
    }
  }
}
