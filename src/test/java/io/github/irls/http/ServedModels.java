package io.github.irls.http;

import io.github.irls.glm.FactoredPosterior;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.CoefficientNames;
import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import io.github.irls.query.ServedModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * {@link ModelQueries} over posteriors held in memory, active ones and standby-only copies, for the
 * serving routes: what the store-backed queries hand out, without Kafka.
 */
final class ServedModels implements ModelQueries {

  private final Map<String, ServedModel> active = new TreeMap<>();
  private final Map<String, ServedModel> standby = new TreeMap<>();
  private final Map<String, ModelView> views = new TreeMap<>();

  /** Adds an active model of {@code posterior} at {@code version}. */
  ServedModels put(final String key, final long version, final Posterior posterior) {
    active.put(key, served(key, version, posterior));
    views.put(key, new ModelView(key, version, CoefficientNames.defaults(posterior.features()),
        posterior.coefficients(), posterior.stdErrors(), Optional.empty(), 0, 0, 0, "OK", "", -1, -1, Map.of()));
    return this;
  }

  /** Adds a standby-only copy. */
  ServedModels putStandby(final String key, final long version, final Posterior posterior) {
    standby.put(key, served(key, version, posterior));
    return this;
  }

  private static ServedModel served(final String key, final long version, final Posterior posterior) {
    return new ServedModel(key, version, CoefficientNames.defaults(posterior.features()),
        FactoredPosterior.of(posterior).orElseThrow());
  }

  /**
   * A posterior of {@code p} features with coefficients {@code b} and a precision {@code P = A'A +
   * I} of a random {@code A} (correlated, positive-definite), from {@code seed}.
   */
  static Posterior correlated(final double[] b, final long seed) {
    final int d = b.length;
    final SplittableRandom random = new SplittableRandom(seed);
    final double[][] a = new double[d + 2][d];
    for (final double[] row : a) {
      for (int j = 0; j < d; j++) {
        row[j] = random.nextDouble(-2, 2);
      }
    }
    final double[] packed = new double[PackedSymmetric.size(d)];
    int at = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        double s = i == j ? 1.0 : 0.0;
        for (final double[] row : a) {
          s += row[i] * row[j];
        }
        packed[at++] = s;
      }
    }
    return Posterior.of(b, packed);
  }

  @Override
  public Optional<ServedModel> served(final String key) {
    return Optional.ofNullable(active.get(key));
  }

  @Override
  public Optional<ServedModel> staleServed(final String key) {
    return Optional.ofNullable(active.getOrDefault(key, standby.get(key)));
  }

  @Override
  public Optional<ModelView> model(final String key) {
    return Optional.ofNullable(views.get(key));
  }

  @Override
  public List<String> keys(final int offset, final int limit) {
    return InMemoryModels.page(active.keySet(), offset, limit);
  }

  @Override
  public Health health() {
    return new Health("RUNNING", true);
  }
}
