package io.github.irls.query;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The current state of one model as the HTTP API shows it: what the latest published update said
 * (coefficients, standard errors, names, totals, status and reason), plus the open window's
 * progress. Arrays are owned by the view; treat them as read-only.
 *
 * @param key the model key
 * @param version the version of the latest update (0 before the first window closes)
 * @param featureNames the coefficient names, intercept first
 * @param coefficients the latest coefficients
 * @param stdErrors their standard errors
 * @param covariance row-major {@code d x d}, when known
 * @param eventsTotal events counted into published steps
 * @param weightTotal their total weight
 * @param openWindowEvents events waiting in the open window
 * @param status the latest step's status
 * @param statusReason why, when the status is not OK
 * @param updatedAtMs wall-clock time (ms) of the latest step (-1 when unknown)
 * @param windowEnd event time of the latest closed window's latest event (-1 before the first)
 * @param quality the progressive validation of the last window ({@link Quality#NONE} when unknown)
 * @param deadLetters records of this model key sent to the dead-letter topic, by reason code
 * @param quality the progressive validation of the last window ({@link Quality#NONE} when unknown)
 */
public record ModelView(
    String key,
    long version,
    List<String> featureNames,
    double[] coefficients,
    double[] stdErrors,
    Optional<double[]> covariance,
    long eventsTotal,
    double weightTotal,
    long openWindowEvents,
    String status,
    String statusReason,
    long updatedAtMs,
    long windowEnd,
    Map<String, Long> deadLetters,
    Quality quality) {

  public ModelView {
    featureNames = List.copyOf(featureNames);
    deadLetters = Collections.unmodifiableMap(new TreeMap<>(deadLetters));
    java.util.Objects.requireNonNull(quality, "quality");
  }

  /** A view whose last window's quality is not known. */
  public ModelView(final String key, final long version, final List<String> featureNames,
      final double[] coefficients, final double[] stdErrors, final Optional<double[]> covariance,
      final long eventsTotal, final double weightTotal, final long openWindowEvents, final String status,
      final String statusReason, final long updatedAtMs, final long windowEnd, final Map<String, Long> deadLetters) {
    this(key, version, featureNames, coefficients, stdErrors, covariance, eventsTotal, weightTotal, openWindowEvents,
        status, statusReason, updatedAtMs, windowEnd, deadLetters, Quality.NONE);
  }

  /** This view with {@code counts} as its dead-letter counts. */
  public ModelView withDeadLetters(final Map<String, Long> counts) {
    return new ModelView(key, version, featureNames, coefficients, stdErrors, covariance, eventsTotal, weightTotal,
        openWindowEvents, status, statusReason, updatedAtMs, windowEnd, counts, quality);
  }
}
