package io.github.irls.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.irls.glm.linalg.PackedSymmetric;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Properties of the accumulator and the fitter that hold for any data. */
class AccumulatorPropertiesTest {

  @Property(tries = 200)
  void shouldGiveTheSameQuantitiesWhenTwoHalvesAreMerged(
      @ForAll @IntRange(min = 1, max = 8) final int p,
      @ForAll @IntRange(min = 0, max = 60) final int n,
      @ForAll @IntRange(min = 0, max = 60) final int split,
      @ForAll final long seed) {
    // Given random rows and coefficients
    final Random random = new Random(seed);
    final double[][] x = new double[n][p];
    final double[] y = new double[n];
    final double[] w = new double[n];
    final double[] o = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        x[i][j] = random.nextGaussian() * 3;
      }
      y[i] = random.nextInt(2);
      w[i] = random.nextDouble() * 2;
      o[i] = random.nextGaussian();
    }
    final double[] beta = new double[p + 1];
    for (int j = 0; j <= p; j++) {
      beta[j] = random.nextGaussian();
    }
    final int cut = Math.min(split, n);

    // When one accumulator takes all rows and two take the halves and are merged
    final Accumulator all = new Accumulator(Binomial.LOGIT, beta);
    final Accumulator first = new Accumulator(Binomial.LOGIT, beta);
    final Accumulator second = new Accumulator(Binomial.LOGIT, beta);
    for (int i = 0; i < n; i++) {
      all.add(x[i], y[i], w[i], o[i]);
      (i < cut ? first : second).add(x[i], y[i], w[i], o[i]);
    }
    first.merge(second);

    // Then every quantity agrees to round-off
    assertThat(first.count()).isEqualTo(all.count());
    assertClose(first.packedInformation(), all.packedInformation());
    assertClose(first.score(), all.score());
    assertThat(first.logLikelihood()).isCloseTo(all.logLikelihood(), within(1e-12 * (1 + Math.abs(all.logLikelihood()))));
    assertThat(first.weightSum()).isCloseTo(all.weightSum(), within(1e-12 * (1 + all.weightSum())));
  }

  @Property(tries = 200)
  void shouldAccumulateDesignRowsInBlocksExactlyAsRowByRow(
      @ForAll @IntRange(min = 0, max = 9) final int p,
      @ForAll @IntRange(min = 0, max = 41) final int n,
      @ForAll @IntRange(min = 1, max = 3) final int stride,
      @ForAll final long seed) {
    // Given a random design (some zero weights, offsets) and coefficients
    final Random random = new Random(seed);
    final Design.Builder builder = Design.builder(p);
    final double[] x = new double[p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        x[j] = random.nextGaussian();
      }
      builder.add(x, random.nextInt(2), random.nextInt(4) == 0 ? 0 : random.nextDouble() * 3, random.nextGaussian());
    }
    final Design design = builder.build();
    final double[] beta = new double[p + 1];
    for (int j = 0; j <= p; j++) {
      beta[j] = random.nextGaussian();
    }

    // When rows are added four at a time and one at a time
    final Accumulator blocked = new Accumulator(Binomial.LOGIT, beta);
    blocked.addRows(design, 0, n, stride, new double[4 * Math.max(1, p)]);
    final Accumulator single = new Accumulator(Binomial.LOGIT, beta);
    final double[] row = new double[p];
    for (int i = 0; i < n; i += stride) {
      design.row(i, row);
      single.add(row, design.y()[i], design.weight()[i], design.offset()[i]);
    }

    // Then both hold the same quantities
    assertThat(blocked.count()).isEqualTo(single.count());
    assertClose(blocked.packedInformation(), single.packedInformation());
    assertClose(blocked.score(), single.score());
    assertThat(blocked.deviance()).isCloseTo(single.deviance(), within(1e-10 * (1 + single.deviance())));
  }

  @Property(tries = 40)
  void shouldScaleACoefficientInverselyWhenItsFeatureIsScaled(
      @ForAll @IntRange(min = 0, max = 2) final int feature,
      @ForAll @DoubleRange(min = -3, max = 3) final double log10Scale,
      @ForAll final long seed) {
    final double scale = Math.pow(10, log10Scale);
    // Given a well-posed data set and the same data with one feature multiplied by `scale`
    final Random random = new Random(seed);
    final int n = 400;
    final int p = 3;
    final Design.Builder original = Design.builder(p, n);
    final Design.Builder scaled = Design.builder(p, n);
    for (int i = 0; i < n; i++) {
      final double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      final double eta = -0.3 + 0.8 * x[0] - 0.5 * x[1] + 0.2 * x[2];
      final double y = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
      original.add(x, y, 1, 0);
      final double[] xs = x.clone();
      xs[feature] *= scale;
      scaled.add(xs, y, 1, 0);
    }

    // When both are fitted
    final GlmFit a = IrlsFitter.fit(original.build(), FitOptions.defaults());
    final GlmFit b = IrlsFitter.fit(scaled.build(), FitOptions.defaults());

    // Then that coefficient and its SE shrink by `scale`; everything else, z and deviance stay
    assertThat(a.converged()).isTrue();
    assertThat(b.converged()).isTrue();
    final int j = feature + 1;
    assertThat(b.coefficients()[j] * scale).isCloseTo(a.coefficients()[j], within(1e-9 * a.stdErrors()[j]));
    assertThat(b.stdErrors()[j] * scale).isCloseTo(a.stdErrors()[j], within(1e-9 * a.stdErrors()[j]));
    assertThat(b.zValues()[j]).isCloseTo(a.zValues()[j], within(1e-8));
    assertThat(b.coefficients()[0]).isCloseTo(a.coefficients()[0], within(1e-9 * a.stdErrors()[0]));
    assertThat(b.residualDeviance()).isCloseTo(a.residualDeviance(), within(1e-9 * a.residualDeviance()));
  }

  @Property(tries = 50)
  void shouldKeepThePackedTriangleSymmetricWithTheFullProduct(
      @ForAll @IntRange(min = 1, max = 12) final int p, @ForAll final long seed) {
    // Given one random row at random coefficients
    final Random random = new Random(seed);
    final double[] x = new double[p];
    final double[] beta = new double[p + 1];
    for (int j = 0; j < p; j++) {
      x[j] = random.nextGaussian();
      beta[j + 1] = random.nextGaussian() * 0.3;
    }
    final Accumulator acc = new Accumulator(Binomial.LOGIT, beta);

    // When it is added
    acc.add(x, 1.0, 2.0, 0.5);

    // Then H[i][j] = w v z_i z_j with z = (1, x) for every packed element
    double eta = 0.5 + beta[0];
    for (int j = 0; j < p; j++) {
      eta += beta[j + 1] * x[j];
    }
    final double mu = 1 / (1 + Math.exp(-eta));
    final double a = 2.0 * mu * (1 - mu);
    final int d = p + 1;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        final double zi = i == 0 ? 1 : x[i - 1];
        final double zj = j == 0 ? 1 : x[j - 1];
        assertThat(acc.packedInformation()[PackedSymmetric.index(d, i, j)])
            .isCloseTo(a * zi * zj, within(1e-14 * (1 + Math.abs(a * zi * zj))));
      }
      final double zi = i == 0 ? 1 : x[i - 1];
      assertThat(acc.score()[i]).isCloseTo(2.0 * (1 - mu) * zi, within(1e-14 * (1 + Math.abs(zi))));
    }
  }

  private static void assertClose(final double[] actual, final double[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-10 * (1 + Math.abs(expected[i]))));
    }
  }
}
