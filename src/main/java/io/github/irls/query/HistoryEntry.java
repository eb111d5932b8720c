package io.github.irls.query;

import java.util.List;

/**
 * One past update of a model, as {@code GET /models/{key}/history} shows it. Arrays are owned by
 * the entry; treat them as read-only.
 *
 * @param version the update's version (step number of the key)
 * @param windowEnd event time (ms since the epoch) at which its window closed
 * @param windowEvents events in that window
 * @param eventsTotal events folded into the model up to and including this update
 * @param featureNames intercept first
 * @param coefficients the coefficients after the step
 * @param stdErrors their standard errors
 * @param status the step's status, e.g. OK or SEPARATION
 * @param statusReason why, when the status is not OK; empty otherwise
 * @param quality the progressive validation of the update's window
 */
public record HistoryEntry(
    long version,
    long windowEnd,
    long windowEvents,
    long eventsTotal,
    List<String> featureNames,
    double[] coefficients,
    double[] stdErrors,
    String status,
    String statusReason,
    Quality quality) {

  public HistoryEntry {
    featureNames = List.copyOf(featureNames);
    java.util.Objects.requireNonNull(quality, "quality");
  }

  /** An entry whose window's quality is not known. */
  public HistoryEntry(final long version, final long windowEnd, final long windowEvents, final long eventsTotal,
      final List<String> featureNames, final double[] coefficients, final double[] stdErrors, final String status,
      final String statusReason) {
    this(version, windowEnd, windowEvents, eventsTotal, featureNames, coefficients, stdErrors, status, statusReason,
        Quality.NONE);
  }
}
