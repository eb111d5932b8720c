package io.github.irls.client;

import io.github.irls.glm.LogitLink;
import io.github.irls.glm.Normal;

/**
 * The arithmetic of a prediction: the linear predictor, its delta-method variance and the logistic
 * function. Stateless; no Kafka.
 */
public final class Scoring {

  /** The 0.975 quantile of the standard normal distribution. */
  public static final double Z_975 = Normal.Z_975;

  private Scoring() {}

  /**
   * The probability of {@code model} at the features {@code x} with its 95% interval (see {@link
   * Prediction}).
   *
   * @param x the features, without the intercept (length {@link ModelCoefficients#features()});
   *     not modified
   * @throws IllegalArgumentException if {@code x} has the wrong length or a non-finite entry
   */
  public static Prediction predict(final ModelCoefficients model, final double[] x) {
    final int d = model.coefficients().length;
    if (x.length != d - 1) {
      throw new IllegalArgumentException("model " + model.key() + " has " + (d - 1) + " features, got "
          + x.length);
    }
    for (int j = 0; j < x.length; j++) {
      if (!Double.isFinite(x[j])) {
        throw new IllegalArgumentException("feature " + (j + 1) + " is not a finite number: " + x[j]);
      }
    }
    final double[] b = model.coefficients();
    double eta = b[0];
    for (int j = 1; j < d; j++) {
      eta += b[j] * x[j - 1];
    }
    final double variance;
    if (model.covariance().isPresent()) {
      variance = quadraticForm(model.covariance().get(), x);
    } else {
      final double[] se = model.stdErrors();
      double v = se[0] * se[0];
      for (int j = 1; j < d; j++) {
        v += se[j] * se[j] * x[j - 1] * x[j - 1];
      }
      variance = v;
    }
    // round-off can make a quadratic form of a near-singular covariance slightly negative
    final double se = Math.sqrt(Math.max(0.0, variance));
    return new Prediction(model.key(), model.version(), sigmoid(eta), sigmoid(eta - Z_975 * se),
        sigmoid(eta + Z_975 * se), eta, Double.isNaN(variance) ? Double.NaN : se, model.covariance().isPresent());
  }

  /**
   * {@code x~' S x~} with {@code x~ = [1, x]}.
   *
   * @param covariance row-major {@code d x d}, {@code d = x.length + 1}; not modified
   * @param x not modified
   */
  static double quadraticForm(final double[] covariance, final double[] x) {
    final int d = x.length + 1;
    double sum = 0;
    for (int i = 0; i < d; i++) {
      final double xi = i == 0 ? 1.0 : x[i - 1];
      double row = 0;
      for (int j = 0; j < d; j++) {
        row += covariance[i * d + j] * (j == 0 ? 1.0 : x[j - 1]);
      }
      sum += xi * row;
    }
    return sum;
  }

  /** {@code 1 / (1 + exp(-eta))}, without overflow for large {@code |eta|}. */
  public static double sigmoid(final double eta) {
    return LogitLink.INSTANCE.linkInverse(eta);
  }
}
