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
    String statusReason) {

  public HistoryEntry {
    featureNames = List.copyOf(featureNames);
  }
}
