package io.github.irls.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FitOptionsTest {

  @Test
  void shouldStartTheBuilderFromTheDefaults() {
    // Given / When a builder with nothing set
    final FitOptions built = FitOptions.builder().build();

    // Then it builds the defaults
    assertThat(built).isEqualTo(FitOptions.defaults());
  }

  @Test
  void shouldChangeOnlyWhatIsSetAndLeaveTheOriginalAlone() {
    // Given options with two threads
    final FitOptions original = FitOptions.builder().threads(2).build();

    // When a copy sets an epsilon
    final FitOptions changed = original.toBuilder().epsilon(1e-8).build();

    // Then the copy keeps the threads and the original keeps exact convergence
    assertThat(changed.threads()).isEqualTo(2);
    assertThat(changed.epsilon()).hasValue(1e-8);
    assertThat(original.epsilon()).isEmpty();
  }

  @Test
  void shouldCopyTheStartWhenBuilt() {
    // Given a start vector handed to a builder
    final double[] start = {1.0, 2.0};
    final FitOptions options = FitOptions.builder().start(start).build();

    // When the caller changes its array afterwards
    start[0] = 99.0;

    // Then the options keep the values they were built with
    assertThat(options.start()).hasValueSatisfying(s -> assertThat(s).containsExactly(1.0, 2.0));
  }

  @Test
  void shouldValidateWhenBuilt() {
    // Given a builder with no threads
    final FitOptions.Builder builder = FitOptions.builder().threads(0);

    // When / Then building refuses it as the record's constructor does
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads");
  }
}
