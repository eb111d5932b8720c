package io.github.irls.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.glm.FactoredPosterior;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.StepStatus;
import io.github.irls.streams.ModelState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FactorCacheTest {

  /** A model of one feature, version {@code version}, with intercept {@code b0}. */
  private static ModelState model(final long version, final double b0) {
    return new ModelState(1, version, 100, 100, 0, 1, StepStatus.OK, "", List.of(), 1, version,
        Posterior.of(new double[] {b0, 0.5}, new double[] {4, 1, 9}), Optional.empty(), false);
  }

  @Test
  void shouldFactorAModelOncePerVersion() {
    // Given a cache with room for many factors
    final FactorCache cache = new FactorCache(1 << 20);

    // When one version of a model is asked for three times, then the next version once
    final FactoredPosterior first = cache.factor("m", model(1, 0.1)).orElseThrow();
    final FactoredPosterior second = cache.factor("m", model(1, 0.1)).orElseThrow();
    cache.factor("m", model(1, 0.1));
    final FactoredPosterior next = cache.factor("m", model(2, 0.2)).orElseThrow();

    // Then the first version was factored once and reused, the next one factored anew
    assertThat(second).isSameAs(first);
    assertThat(next).isNotSameAs(first);
    assertThat(next.coefficients()[0]).isEqualTo(0.2);
    assertThat(cache.factorizations()).isEqualTo(2);
  }

  @Test
  void shouldRefactorAModelRewrittenUnderItsVersion() {
    // Given a cached factor of version 3
    final FactorCache cache = new FactorCache(1 << 20);
    cache.factor("m", model(3, 0.1));

    // When the stored model of the same version has other coefficients (a rewrite keeps the version)
    final FactoredPosterior rewritten = cache.factor("m", model(3, -0.4)).orElseThrow();

    // Then the stale factor is not used
    assertThat(rewritten.coefficients()[0]).isEqualTo(-0.4);
    assertThat(cache.factorizations()).isEqualTo(2);
  }

  @Test
  void shouldKeepWithinItsBudgetByDroppingTheLeastRecentlyUsed() {
    // Given a cache with room for two factors of dimension 2 (8 (4 + 4) + 2 + 64 = 130 bytes each)
    final FactorCache cache = new FactorCache(270);
    cache.factor("a", model(1, 0.1));
    cache.factor("b", model(1, 0.1));
    cache.factor("a", model(1, 0.1));

    // When a third key is factored
    cache.factor("c", model(1, 0.1));

    // Then b, used least recently, was dropped and a was kept
    assertThat(cache.usedBytes()).isLessThanOrEqualTo(270);
    final long before = cache.factorizations();
    cache.factor("a", model(1, 0.1));
    assertThat(cache.factorizations()).isEqualTo(before);
    cache.factor("b", model(1, 0.1));
    assertThat(cache.factorizations()).isEqualTo(before + 1);
  }

  @Test
  void shouldNotKeepAFactorLargerThanTheBudget() {
    // Given a cache smaller than one factor
    final FactorCache cache = new FactorCache(10);

    // When a model is asked for twice
    cache.factor("m", model(1, 0.1));
    cache.factor("m", model(1, 0.1));

    // Then it is factored both times and nothing is kept
    assertThat(cache.factorizations()).isEqualTo(2);
    assertThat(cache.usedBytes()).isZero();
  }
}
