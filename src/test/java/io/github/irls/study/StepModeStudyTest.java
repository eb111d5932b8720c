package io.github.irls.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.study.StepModeStudy.Distribution;
import io.github.irls.study.StepModeStudy.ModeSummary;
import io.github.irls.study.StepModeStudy.Report;
import io.github.irls.study.StepModeStudy.Settings;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The step-mode study on small configurations: what it measures, not how fast. */
class StepModeStudyTest {

  @Test
  void shouldCoverTheTruthAndStayNearTheMleWithRenewableButNotWithNewton() throws InterruptedException {
    // Given 50 simulated keys of 502-4994 events, p = 5, windows of 500
    final Settings settings = new Settings(50, 5, 500, 7, List.of(1, 2), 2, 502, 4994, 0.0);
    final AtomicInteger reported = new AtomicInteger();

    // When the study runs
    final Report report = StepModeStudy.run(settings, done -> reported.accumulateAndGet(done, Math::max));

    // Then renewable covers the truth about as often as the MLE and ends close to it, and literal
    // newton, whose first steps from b = 0 are never corrected, ends further away with too small SEs
    assertThat(reported.get()).isEqualTo(50);
    assertThat(report.modes()).extracting(m -> m.mode().label())
        .containsExactly("renewable", "newton", "hybrid k=1", "hybrid k=2");
    assertThat(report.mle().coverage()).isBetween(0.85, 1.0);
    assertThat(report.mle().fitsNotOk()).isZero();
    final ModeSummary renewable = report.modes().get(0);
    final ModeSummary newton = report.modes().get(1);
    assertThat(renewable.coverage()).isBetween(0.85, 1.0);
    assertThat(renewable.distanceToMle().p95()).isLessThan(0.5);
    assertThat(renewable.seRatioMedian()).isBetween(0.95, 1.05);
    assertThat(renewable.stepsNotOk()).isEmpty();
    assertThat(renewable.keysWithStepsNotOk()).isZero();
    assertThat(newton.distanceToMle().median()).isGreaterThan(renewable.distanceToMle().median());
    assertThat(newton.distanceToMle().p95()).isGreaterThan(renewable.distanceToMle().p95());
    assertThat(newton.coverage()).isLessThan(renewable.coverage());
    assertThat(report.events()).isBetween(50L * 502, 50L * 4994);
  }

  @Test
  void shouldGiveTheSameNumbersWhateverTheThreadCount() throws InterruptedException {
    // Given one small study run on one thread and on three
    final Report one = StepModeStudy.run(new Settings(12, 3, 200, 11, List.of(2), 1, 300, 900, 0.5), done -> { });
    final Report three = StepModeStudy.run(new Settings(12, 3, 200, 11, List.of(2), 3, 300, 900, 0.5), done -> { });

    // Then every number but the timings is the same
    assertThat(three.events()).isEqualTo(one.events());
    assertThat(three.mle().coverage()).isEqualTo(one.mle().coverage());
    for (int m = 0; m < one.modes().size(); m++) {
      assertThat(three.modes().get(m).coverage()).isEqualTo(one.modes().get(m).coverage());
      assertThat(three.modes().get(m).distanceToMle()).isEqualTo(one.modes().get(m).distanceToMle());
      assertThat(three.modes().get(m).seRatioMedian()).isEqualTo(one.modes().get(m).seRatioMedian());
    }
  }

  @Test
  void shouldRunAHybridWhoseWarmUpCoversEveryWindowExactlyAsRenewable() throws InterruptedException {
    // Given keys of 901-1000 events in windows of 100: exactly 10 windows each
    final Settings settings = new Settings(6, 2, 100, 3, List.of(9, 10), 1, 901, 1000, 0.0);

    // When renewable and hybrids with warm-ups 9 and 10 run
    final Report report = StepModeStudy.run(settings, done -> { });

    // Then warm-up 10 is renewable in every window, and warm-up 9 (a newton last window) is not
    final ModeSummary renewable = report.modes().get(0);
    final ModeSummary nine = report.modes().get(2);
    final ModeSummary ten = report.modes().get(3);
    assertThat(report.windows()).isEqualTo(60);
    assertThat(ten.mode().warmupWindows()).isEqualTo(10);
    assertThat(ten.distanceToMle()).isEqualTo(renewable.distanceToMle());
    assertThat(ten.seRatioMedian()).isEqualTo(renewable.seRatioMedian());
    assertThat(nine.distanceToMle()).isNotEqualTo(renewable.distanceToMle());
  }

  @Test
  void shouldTakeTheMedianAndTheInterpolatedPercentileAsRDoes() {
    // Given 1..5 in any order, when summarised, then R's quantile(type = 7) values
    assertThat(Distribution.of(new double[] {5, 1, 4, 2, 3})).isEqualTo(new Distribution(3.0, 4.8, 5.0));
    assertThat(Distribution.of(new double[] {2, 1})).isEqualTo(new Distribution(1.5, 1.95, 2.0));
  }

  @Test
  void shouldRefuseSettingsOutOfRange() {
    // Given settings out of range, when built, then they are refused with the reason
    assertThatThrownBy(() -> new Settings(0, 5, 500, 1, List.of(), 1, 502, 4994, 0.0)).hasMessageContaining("keys");
    assertThatThrownBy(() -> new Settings(1, 5, 0, 1, List.of(), 1, 502, 4994, 0.0)).hasMessageContaining("window");
    assertThatThrownBy(() -> new Settings(1, 5, 500, 1, List.of(0), 1, 502, 4994, 0.0)).hasMessageContaining("warm-up");
    assertThatThrownBy(() -> new Settings(1, 5, 500, 1, List.of(), 1, 502, 500, 0.0)).hasMessageContaining("fewest");
    assertThatThrownBy(() -> new Settings(1, 5, 500, 1, List.of(), 0, 502, 4994, 0.0)).hasMessageContaining("threads");
    assertThatThrownBy(() -> new Settings(1, 5, 500, 1, List.of(), 1, 502, 4994, 1.0)).hasMessageContaining("rho");
  }

  @Test
  void shouldStudyEachWarmUpOnceInIncreasingOrder() {
    // Given warm-ups given twice and out of order, when the modes are listed, then each hybrid once, sorted
    assertThat(new Settings(1, 1, 10, 1, List.of(3, 1, 3), 1, 10, 10, 0.0).modes())
        .extracting(StepModeStudy.Mode::label)
        .containsExactly("renewable", "newton", "hybrid k=1", "hybrid k=3");
  }
}
