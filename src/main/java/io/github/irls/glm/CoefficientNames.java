package io.github.irls.glm;

import java.util.ArrayList;
import java.util.List;

/**
 * The names of a model's coefficients, intercept first: {@code intercept, x1, ..., xp}, or {@code
 * intercept} followed by the feature names a data set's header or a model spec gives. The one place
 * that builds them, so that a fit, a streaming update, the HTTP API and the client agree.
 */
public final class CoefficientNames {

  /** The name of coefficient 0. */
  public static final String INTERCEPT = "intercept";

  private CoefficientNames() {}

  /** {@code intercept, x1, ..., xp}. */
  public static List<String> defaults(final int p) {
    final String[] names = new String[p + 1];
    names[0] = INTERCEPT;
    for (int j = 1; j <= p; j++) {
      names[j] = "x" + j;
    }
    return List.of(names);
  }

  /** {@code intercept} and {@code featureNames} (which do not include it). */
  public static List<String> of(final List<String> featureNames) {
    final List<String> names = new ArrayList<>(featureNames.size() + 1);
    names.add(INTERCEPT);
    names.addAll(featureNames);
    return List.copyOf(names);
  }

  /**
   * The names of a model with {@code p} features: {@code featureNames} when it names exactly {@code
   * p} features, otherwise the defaults.
   */
  public static List<String> of(final int p, final List<String> featureNames) {
    return featureNames.size() == p ? of(featureNames) : defaults(p);
  }
}
