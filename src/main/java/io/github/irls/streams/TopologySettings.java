package io.github.irls.streams;

import io.github.irls.config.IrlsConfig;
import io.github.irls.serde.EventFormat;
import java.util.Objects;

/**
 * Everything {@link IrlsTopology#build} reads, as one immutable value, so that the topology is a
 * pure function of it and tests need no bootstrap servers.
 *
 * @param eventsTopic the labelled-events topic (source)
 * @param coefficientsTopic the topic of {@code CoefficientUpdate}s (sink)
 * @param deadLetterTopic the dead-letter topic (sink)
 * @param modelSpecsTopic the compacted model-spec topic (source; co-partitioned with the events)
 * @param inputFormat the wire format of event values
 * @param windowEvents a window closes after this many events (>= 1)
 * @param windowMs a window closes when an event's time reaches its start plus this (>= 1)
 * @param idleCloseMs a wall-clock punctuation closes a window that had no event for this long (>= 1)
 * @param graceMs events older than the window start by more than this are counted as late (>= 0)
 * @param stepMode renewable (to convergence) or newton (one step)
 * @param lambda prior precision of each non-intercept coefficient (>= 0)
 * @param lambdaIntercept prior precision of the intercept (>= 0)
 * @param gamma forgetting factor in (0, 1]
 * @param maxIterations the most Newton iterations of one renewable step (>= 1)
 * @param publishCovariance whether updates carry the d x d covariance
 * @param maxFeatures events with more features than this are dead-lettered (bounds the d x d state)
 */
public record TopologySettings(
    String eventsTopic,
    String coefficientsTopic,
    String deadLetterTopic,
    String modelSpecsTopic,
    EventFormat inputFormat,
    long windowEvents,
    long windowMs,
    long idleCloseMs,
    long graceMs,
    StepMode stepMode,
    double lambda,
    double lambdaIntercept,
    double gamma,
    int maxIterations,
    boolean publishCovariance,
    int maxFeatures) {

  /** The default bound on the number of features: a 1001 x 1001 packed state is 4 MB per key. */
  public static final int DEFAULT_MAX_FEATURES = 1000;

  public TopologySettings {
    Objects.requireNonNull(eventsTopic, "eventsTopic");
    Objects.requireNonNull(coefficientsTopic, "coefficientsTopic");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    Objects.requireNonNull(modelSpecsTopic, "modelSpecsTopic");
    Objects.requireNonNull(inputFormat, "inputFormat");
    Objects.requireNonNull(stepMode, "stepMode");
    require(windowEvents >= 1, "windowEvents must be >= 1, got " + windowEvents);
    require(windowMs >= 1, "windowMs must be >= 1, got " + windowMs);
    require(idleCloseMs >= 1, "idleCloseMs must be >= 1, got " + idleCloseMs);
    require(graceMs >= 0, "graceMs must be >= 0, got " + graceMs);
    require(Double.isFinite(lambda) && lambda >= 0, "lambda must be finite and >= 0, got " + lambda);
    require(Double.isFinite(lambdaIntercept) && lambdaIntercept >= 0,
        "lambdaIntercept must be finite and >= 0, got " + lambdaIntercept);
    require(gamma > 0 && gamma <= 1, "gamma must be in (0, 1], got " + gamma);
    require(maxIterations >= 1, "maxIterations must be >= 1, got " + maxIterations);
    require(maxFeatures >= 0, "maxFeatures must be >= 0, got " + maxFeatures);
  }

  /** The defaults of {@link IrlsConfig}: Avro input, windows of 1000 events or 60 s, renewable. */
  public static TopologySettings defaults() {
    return new TopologySettings(
        "irls.events", "irls.coefficients", "irls.events.dlq", "irls.model-specs", EventFormat.AVRO,
        1000, 60_000, 60_000, 0, StepMode.RENEWABLE, 1e-6, 1e-6, 1.0, 100, false,
        DEFAULT_MAX_FEATURES);
  }

  /** The settings that {@code config} describes. */
  public static TopologySettings from(final IrlsConfig config) {
    return new TopologySettings(
        config.inputTopic(),
        config.outputTopic(),
        config.dlqTopic(),
        config.modelSpecsTopic(),
        config.inputFormat(),
        config.windowEvents(),
        config.windowMs(),
        config.idleCloseMs(),
        config.graceMs(),
        StepMode.parse(config.stepMode()),
        config.lambda(),
        config.lambdaIntercept(),
        config.gamma(),
        config.maxIterations(),
        config.publishCovariance(),
        DEFAULT_MAX_FEATURES);
  }

  public TopologySettings withWindowEvents(final long value) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, inputFormat, value,
        windowMs, idleCloseMs, graceMs, stepMode, lambda, lambdaIntercept, gamma, maxIterations,
        publishCovariance, maxFeatures);
  }

  public TopologySettings withWindowMs(final long value) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, inputFormat,
        windowEvents, value, idleCloseMs, graceMs, stepMode, lambda, lambdaIntercept, gamma,
        maxIterations, publishCovariance, maxFeatures);
  }

  public TopologySettings withIdleCloseMs(final long value) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, inputFormat,
        windowEvents, windowMs, value, graceMs, stepMode, lambda, lambdaIntercept, gamma,
        maxIterations, publishCovariance, maxFeatures);
  }

  public TopologySettings withGraceMs(final long value) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, inputFormat,
        windowEvents, windowMs, idleCloseMs, value, stepMode, lambda, lambdaIntercept, gamma,
        maxIterations, publishCovariance, maxFeatures);
  }

  public TopologySettings withStepMode(final StepMode value) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, inputFormat,
        windowEvents, windowMs, idleCloseMs, graceMs, value, lambda, lambdaIntercept, gamma,
        maxIterations, publishCovariance, maxFeatures);
  }

  public TopologySettings withPrior(final double lambdaIntercept, final double lambda) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, inputFormat,
        windowEvents, windowMs, idleCloseMs, graceMs, stepMode, lambda, lambdaIntercept, gamma,
        maxIterations, publishCovariance, maxFeatures);
  }

  public TopologySettings withGamma(final double value) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, inputFormat,
        windowEvents, windowMs, idleCloseMs, graceMs, stepMode, lambda, lambdaIntercept, value,
        maxIterations, publishCovariance, maxFeatures);
  }

  public TopologySettings withInputFormat(final EventFormat value) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, value,
        windowEvents, windowMs, idleCloseMs, graceMs, stepMode, lambda, lambdaIntercept, gamma,
        maxIterations, publishCovariance, maxFeatures);
  }

  public TopologySettings withPublishCovariance(final boolean value) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, inputFormat,
        windowEvents, windowMs, idleCloseMs, graceMs, stepMode, lambda, lambdaIntercept, gamma,
        maxIterations, value, maxFeatures);
  }

  public TopologySettings withModelSpecsTopic(final String value) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, value, inputFormat,
        windowEvents, windowMs, idleCloseMs, graceMs, stepMode, lambda, lambdaIntercept, gamma,
        maxIterations, publishCovariance, maxFeatures);
  }

  public TopologySettings withMaxFeatures(final int value) {
    return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, inputFormat,
        windowEvents, windowMs, idleCloseMs, graceMs, stepMode, lambda, lambdaIntercept, gamma,
        maxIterations, publishCovariance, value);
  }

  private static void require(final boolean condition, final String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
