package io.github.irls.serde;

import io.github.irls.avro.LabeledEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One decoded event in reusable primitive storage: features as {@code double}s, label, weight,
 * offset and the optional event time. {@link EventDecoder}s decode into it without allocating, so
 * the per-event path of the topology boxes nothing. Mutable and reused by one thread; read it
 * before the next decode.
 */
public final class EventBuffer {

  private double[] features = new double[16];
  private int p;
  private double label;
  private double weight = 1.0;
  private double offset;
  private boolean hasEventTime;
  private long eventTime;

  /** The number of features {@code p}. */
  public int features() {
    return p;
  }

  /** Feature {@code j} (0-based, {@code j < p}). */
  public double feature(final int j) {
    return features[j];
  }

  /** The features in {@code [0, p)} of this array (a view, valid until the next decode; do not modify). */
  public double[] featureArray() {
    return features;
  }

  public double label() {
    return label;
  }

  public double weight() {
    return weight;
  }

  public double offset() {
    return offset;
  }

  /** Whether the event carries its own time (else the record timestamp stands for it). */
  public boolean hasEventTime() {
    return hasEventTime;
  }

  /** The event time in epoch milliseconds; meaningful only when {@link #hasEventTime()}. */
  public long eventTime() {
    return eventTime;
  }

  /** Sets this buffer to {@code event} (for callers that hold a decoded {@link LabeledEvent}). */
  public EventBuffer set(final LabeledEvent event) {
    clear();
    for (final Double x : event.getFeatures()) {
      addFeature(x == null ? Double.NaN : x);
    }
    label = event.getLabel();
    weight = event.getWeight();
    offset = event.getOffset();
    final Instant time = event.getEventTime();
    hasEventTime = time != null;
    eventTime = time == null ? 0 : time.toEpochMilli();
    return this;
  }

  /** This event as the generated Avro record (allocates; not for the per-event path). */
  public LabeledEvent toEvent() {
    final List<Double> x = new ArrayList<>(p);
    for (int j = 0; j < p; j++) {
      x.add(features[j]);
    }
    return LabeledEvent.newBuilder().setFeatures(x).setLabel(label).setWeight(weight).setOffset(offset)
        .setEventTime(hasEventTime ? Instant.ofEpochMilli(eventTime) : null).build();
  }

  void clear() {
    p = 0;
    label = 0;
    weight = 1.0;
    offset = 0;
    hasEventTime = false;
    eventTime = 0;
  }

  void addFeature(final double x) {
    if (p == features.length) {
      final double[] grown = new double[2 * features.length];
      System.arraycopy(features, 0, grown, 0, p);
      features = grown;
    }
    features[p++] = x;
  }

  void label(final double value) {
    label = value;
  }

  void weight(final double value) {
    weight = value;
  }

  void offset(final double value) {
    offset = value;
  }

  void eventTime(final long millis) {
    hasEventTime = true;
    eventTime = millis;
  }
}
