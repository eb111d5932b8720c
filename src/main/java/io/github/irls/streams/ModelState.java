package io.github.irls.streams;

import java.util.List;

/**
 * One model as kept in the {@value IrlsTopology#MODELS_STORE} store and as interactive queries
 * return it: the posterior after the last closed window. Written only when a window closes.
 *
 * <p>The arrays are owned by the value and must be treated as read-only.
 *
 * @param features the number of features {@code p} (fixed by the key's first event); {@code d = p + 1}
 * @param version the version of the last published update (0 before the first window closed)
 * @param eventsTotal events folded into the model
 * @param weightTotal sum of their weights
 * @param lateEventsTotal of those, events that arrived later than the grace period allows
 * @param lastWindowEnd event time of the last closed window's latest event (-1 before the first)
 * @param lastStatus status of the last step ({@code OK}, {@code NON_FINITE}, ...; empty before the first)
 * @param coefficients {@code b_t}, intercept first (length d)
 * @param stdErrors {@code sqrt(diag(P_t^-1))} (length d)
 * @param packedPrecision {@code P_t}, the upper triangle row by row ({@code d(d+1)/2} values)
 */
public record ModelState(
    int features,
    long version,
    long eventsTotal,
    double weightTotal,
    long lateEventsTotal,
    long lastWindowEnd,
    String lastStatus,
    double[] coefficients,
    double[] stdErrors,
    double[] packedPrecision) {

  /** The number of coefficients {@code d = p + 1}. */
  public int dimension() {
    return features + 1;
  }

  /** {@code intercept, x1, ..., xp}: the names published with every update. */
  public List<String> coefficientNames() {
    return defaultNames(features);
  }

  static List<String> defaultNames(final int p) {
    final String[] names = new String[p + 1];
    names[0] = "intercept";
    for (int j = 1; j <= p; j++) {
      names[j] = "x" + j;
    }
    return List.of(names);
  }
}
