package io.github.irls.client;

import io.github.irls.avro.CoefficientUpdate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The latest published coefficients of one model, as a {@link CoefficientTable} holds them. Arrays
 * are copies owned by this value; treat them as read-only.
 *
 * @param key the model key
 * @param version the update's version (strictly increasing per key)
 * @param featureNames the coefficients' names, the intercept first (length {@code d = p + 1})
 * @param coefficients the coefficients, the intercept first (length {@code d})
 * @param stdErrors their standard errors (length {@code d})
 * @param covariance the posterior covariance, row-major {@code d x d}, when it was published
 *     ({@code publish.covariance=true})
 * @param status the step's status, e.g. {@code OK}
 * @param windowEnd event time (ms since the epoch) at which the update's window closed
 */
public record ModelCoefficients(
    String key,
    long version,
    List<String> featureNames,
    double[] coefficients,
    double[] stdErrors,
    Optional<double[]> covariance,
    String status,
    long windowEnd) {

  /**
   * Checks the shapes.
   *
   * @throws IllegalArgumentException if the arrays' lengths do not agree
   */
  public ModelCoefficients {
    Objects.requireNonNull(key, "key");
    featureNames = List.copyOf(featureNames);
    final int d = coefficients.length;
    if (d == 0 || stdErrors.length != d) {
      throw new IllegalArgumentException(
          "model " + key + ": " + d + " coefficients and " + stdErrors.length + " standard errors");
    }
    if (covariance.isPresent() && covariance.get().length != d * d) {
      throw new IllegalArgumentException(
          "model " + key + ": covariance of length " + covariance.get().length + ", expected " + d * d);
    }
  }

  /** The number of features {@code p} a feature vector must have (the coefficients less the intercept). */
  public int features() {
    return coefficients.length - 1;
  }

  /**
   * The model of one published update.
   *
   * @throws IllegalArgumentException if its arrays' lengths do not agree
   */
  public static ModelCoefficients of(final CoefficientUpdate u) {
    final List<Double> cov = u.getCovariance();
    return new ModelCoefficients(
        u.getModelKey(),
        u.getVersion(),
        u.getFeatureNames(),
        unboxed(u.getCoefficients()),
        unboxed(u.getStdErrors()),
        cov == null ? Optional.empty() : Optional.of(unboxed(cov)),
        u.getStatus(),
        u.getWindowEnd());
  }

  private static double[] unboxed(final List<Double> values) {
    final double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
