package io.github.irls.query;

import io.github.irls.glm.FactoredPosterior;
import java.util.List;

/**
 * A model as serving needs it: its version, names and its posterior with the precision factored,
 * so that scores get exact intervals and Thompson sampling gets posterior draws.
 *
 * @param key the model key
 * @param version the version of the latest update (0 before the first window closes: the prior)
 * @param coefficientNames the coefficient names, intercept first ({@code d} of them)
 * @param posterior {@code N(b, P^-1)} with {@code P} factored
 */
public record ServedModel(String key, long version, List<String> coefficientNames, FactoredPosterior posterior) {

  public ServedModel {
    coefficientNames = List.copyOf(coefficientNames);
    if (coefficientNames.size() != posterior.dimension()) {
      throw new IllegalArgumentException("a model of dimension " + posterior.dimension() + " needs as many names, got "
          + coefficientNames);
    }
  }

  /** The number of features {@code p} a feature vector must have. */
  public int features() {
    return posterior.features();
  }
}
