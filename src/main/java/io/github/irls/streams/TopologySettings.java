package io.github.irls.streams;

import io.github.irls.serde.EventFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything {@link IrlsTopology#build} reads, as one immutable value, so that the topology is a
 * pure function of it and tests need no bootstrap servers. The {@code DEFAULT_*} constants are the
 * one source of the defaults: the application's configuration documents and applies these.
 *
 * @param eventsTopic the labelled-events topic (source)
 * @param coefficientsTopic the topic of {@code CoefficientUpdate}s (sink)
 * @param deadLetterTopic the dead-letter topic (sink)
 * @param modelSpecsTopic the compacted model-spec topic (source; co-partitioned with the events)
 * @param inputFormat the wire format of event values
 * @param windowEvents a window closes after this many events (>= 1)
 * @param windowMs a window closes when an event's time reaches its start plus this (>= 1)
 * @param idleCloseMs a window closes once the task's stream time is this far past the key's last
 *     event (quiet time of a caught-up input counts, see {@link InputProgress}) (>= 1)
 * @param graceMs events older than the window start by more than this are counted as late (>= 0)
 * @param stepMode renewable (to convergence) or newton (one step)
 * @param lambda prior precision of each non-intercept coefficient (>= 0)
 * @param lambdaIntercept prior precision of the intercept (>= 0)
 * @param gamma forgetting factor in (0, 1]
 * @param maxIterations the most Newton iterations of one renewable step (>= 1)
 * @param publishCovariance whether updates carry the d x d covariance
 * @param maxFeatures events with more features than this are dead-lettered (bounds the d x d state)
 * @param hybridWarmupWindows in step mode hybrid, the windows of a model (since it started or was
 *     reset) that iterate before its steps become single Newton steps (>= 0)
 * @param windowMemoryBytes how much written open-window state a task keeps in memory (>= 0); more is
 *     read back from the store when needed
 * @param driftZThreshold an update whose {@code logloss_z} exceeds this is marked {@code
 *     drift_suspected} (finite and > 0)
 * @param outputSchemaId the schema registry's id of {@code CoefficientUpdate} when updates are
 *     framed for a registry ({@code output.format=registry-avro}); empty for plain Avro binary
 * @param scoring the scoring stream (requests scored against the stored models), or empty for none
 * @param predictionSchemaId the schema registry's id of {@code Prediction} when predictions are
 *     framed for a registry ({@code output.format=registry-avro} with a scoring stream); empty for
 *     plain Avro binary. Only with a scoring stream.
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
    int maxFeatures,
    int hybridWarmupWindows,
    long windowMemoryBytes,
    double driftZThreshold,
    OptionalInt outputSchemaId,
    Optional<ScoringStream> scoring,
    OptionalInt predictionSchemaId) {

  public static final String DEFAULT_EVENTS_TOPIC = "irls.events";
  public static final String DEFAULT_COEFFICIENTS_TOPIC = "irls.coefficients";
  public static final String DEFAULT_DEAD_LETTER_TOPIC = "irls.events.dlq";
  public static final String DEFAULT_MODEL_SPECS_TOPIC = "irls.model-specs";
  public static final EventFormat DEFAULT_INPUT_FORMAT = EventFormat.AVRO;
  public static final long DEFAULT_WINDOW_EVENTS = 1000;
  public static final long DEFAULT_WINDOW_MS = 60_000;
  public static final long DEFAULT_IDLE_CLOSE_MS = 60_000;
  public static final long DEFAULT_GRACE_MS = 0;
  public static final StepMode DEFAULT_STEP_MODE = StepMode.RENEWABLE;
  /** Nearly flat: enough to keep a collinear or separated window's information invertible. */
  public static final double DEFAULT_LAMBDA = 1e-6;
  public static final double DEFAULT_LAMBDA_INTERCEPT = 1e-6;
  public static final double DEFAULT_GAMMA = 1.0;
  public static final int DEFAULT_MAX_ITERATIONS = 100;
  public static final boolean DEFAULT_PUBLISH_COVARIANCE = false;
  /** The default bound on the number of features: a 1001 x 1001 packed state is 4 MB per key. */
  public static final int DEFAULT_MAX_FEATURES = 1000;
  /** Two renewable windows recover renewable's coverage (issue 10's simulation; README, step modes). */
  public static final int DEFAULT_HYBRID_WARMUP_WINDOWS = 2;
  /** 64 MiB per task: about 70,000 newton windows of 10 features. */
  public static final long DEFAULT_WINDOW_MEMORY_BYTES = 64L * 1024 * 1024;
  /** Four standard deviations: about one false alarm in 30,000 windows of a model that is right. */
  public static final double DEFAULT_DRIFT_Z_THRESHOLD = 4.0;

  private static final TopologySettings DEFAULTS = new TopologySettings(
      DEFAULT_EVENTS_TOPIC, DEFAULT_COEFFICIENTS_TOPIC, DEFAULT_DEAD_LETTER_TOPIC, DEFAULT_MODEL_SPECS_TOPIC,
      DEFAULT_INPUT_FORMAT, DEFAULT_WINDOW_EVENTS, DEFAULT_WINDOW_MS, DEFAULT_IDLE_CLOSE_MS, DEFAULT_GRACE_MS,
      DEFAULT_STEP_MODE, DEFAULT_LAMBDA, DEFAULT_LAMBDA_INTERCEPT, DEFAULT_GAMMA, DEFAULT_MAX_ITERATIONS,
      DEFAULT_PUBLISH_COVARIANCE, DEFAULT_MAX_FEATURES, DEFAULT_HYBRID_WARMUP_WINDOWS, DEFAULT_WINDOW_MEMORY_BYTES,
      DEFAULT_DRIFT_Z_THRESHOLD, OptionalInt.empty(), Optional.empty(), OptionalInt.empty());

  public TopologySettings {
    Objects.requireNonNull(eventsTopic, "eventsTopic");
    Objects.requireNonNull(coefficientsTopic, "coefficientsTopic");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    Objects.requireNonNull(modelSpecsTopic, "modelSpecsTopic");
    Objects.requireNonNull(inputFormat, "inputFormat");
    Objects.requireNonNull(stepMode, "stepMode");
    Objects.requireNonNull(outputSchemaId, "outputSchemaId");
    Objects.requireNonNull(scoring, "scoring");
    Objects.requireNonNull(predictionSchemaId, "predictionSchemaId");
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
    require(hybridWarmupWindows >= 0, "hybridWarmupWindows must be >= 0, got " + hybridWarmupWindows);
    require(windowMemoryBytes >= 0, "windowMemoryBytes must be >= 0, got " + windowMemoryBytes);
    require(Double.isFinite(driftZThreshold) && driftZThreshold > 0,
        "driftZThreshold must be finite and > 0, got " + driftZThreshold);
    scoring.ifPresent(s -> {
      require(!s.inputTopic().equals(eventsTopic) && !s.inputTopic().equals(modelSpecsTopic),
          "the scoring input topic must be neither the events nor the model-specs topic, got " + s.inputTopic());
      // predictions written to a topic the topology reads would be read back as input
      require(!s.predictionsTopic().equals(eventsTopic) && !s.predictionsTopic().equals(modelSpecsTopic)
          && !s.predictionsTopic().equals(s.inputTopic()),
          "the predictions topic must not be a topic the topology reads, got " + s.predictionsTopic());
    });
    // an id to frame predictions with, but no predictions: a caller that meant a scoring stream forgot it
    require(predictionSchemaId.isEmpty() || scoring.isPresent(),
        "a Prediction schema id (" + predictionSchemaId + ") needs a scoring stream");
  }

  /** The {@code DEFAULT_*} values: Avro input, windows of 1000 events or 60 s, renewable steps. */
  public static TopologySettings defaults() {
    return DEFAULTS;
  }

  /** A builder that starts from {@link #defaults()}. */
  public static Builder builder() {
    return DEFAULTS.toBuilder();
  }

  /** A builder that starts from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void require(final boolean condition, final String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * One setter per component; {@link #build()} validates as the record's constructor does. Not
   * thread-safe; each call of {@link #build()} returns a new, independent value.
   */
  public static final class Builder {
    private String eventsTopic;
    private String coefficientsTopic;
    private String deadLetterTopic;
    private String modelSpecsTopic;
    private EventFormat inputFormat;
    private long windowEvents;
    private long windowMs;
    private long idleCloseMs;
    private long graceMs;
    private StepMode stepMode;
    private double lambda;
    private double lambdaIntercept;
    private double gamma;
    private int maxIterations;
    private boolean publishCovariance;
    private int maxFeatures;
    private int hybridWarmupWindows;
    private long windowMemoryBytes;
    private double driftZThreshold;
    private OptionalInt outputSchemaId;
    private Optional<ScoringStream> scoring;
    private OptionalInt predictionSchemaId;

    private Builder(final TopologySettings from) {
      eventsTopic = from.eventsTopic;
      coefficientsTopic = from.coefficientsTopic;
      deadLetterTopic = from.deadLetterTopic;
      modelSpecsTopic = from.modelSpecsTopic;
      inputFormat = from.inputFormat;
      windowEvents = from.windowEvents;
      windowMs = from.windowMs;
      idleCloseMs = from.idleCloseMs;
      graceMs = from.graceMs;
      stepMode = from.stepMode;
      lambda = from.lambda;
      lambdaIntercept = from.lambdaIntercept;
      gamma = from.gamma;
      maxIterations = from.maxIterations;
      publishCovariance = from.publishCovariance;
      maxFeatures = from.maxFeatures;
      hybridWarmupWindows = from.hybridWarmupWindows;
      windowMemoryBytes = from.windowMemoryBytes;
      driftZThreshold = from.driftZThreshold;
      outputSchemaId = from.outputSchemaId;
      scoring = from.scoring;
      predictionSchemaId = from.predictionSchemaId;
    }

    public Builder eventsTopic(final String value) {
      eventsTopic = value;
      return this;
    }

    public Builder coefficientsTopic(final String value) {
      coefficientsTopic = value;
      return this;
    }

    public Builder deadLetterTopic(final String value) {
      deadLetterTopic = value;
      return this;
    }

    public Builder modelSpecsTopic(final String value) {
      modelSpecsTopic = value;
      return this;
    }

    public Builder inputFormat(final EventFormat value) {
      inputFormat = value;
      return this;
    }

    public Builder windowEvents(final long value) {
      windowEvents = value;
      return this;
    }

    public Builder windowMs(final long value) {
      windowMs = value;
      return this;
    }

    public Builder idleCloseMs(final long value) {
      idleCloseMs = value;
      return this;
    }

    public Builder graceMs(final long value) {
      graceMs = value;
      return this;
    }

    public Builder stepMode(final StepMode value) {
      stepMode = value;
      return this;
    }

    public Builder lambda(final double value) {
      lambda = value;
      return this;
    }

    public Builder lambdaIntercept(final double value) {
      lambdaIntercept = value;
      return this;
    }

    public Builder gamma(final double value) {
      gamma = value;
      return this;
    }

    public Builder maxIterations(final int value) {
      maxIterations = value;
      return this;
    }

    public Builder publishCovariance(final boolean value) {
      publishCovariance = value;
      return this;
    }

    public Builder maxFeatures(final int value) {
      maxFeatures = value;
      return this;
    }

    public Builder hybridWarmupWindows(final int value) {
      hybridWarmupWindows = value;
      return this;
    }

    public Builder windowMemoryBytes(final long value) {
      windowMemoryBytes = value;
      return this;
    }

    public Builder driftZThreshold(final double value) {
      driftZThreshold = value;
      return this;
    }

    /** Frame every update for a schema registry with this id of {@code CoefficientUpdate}. */
    public Builder outputSchemaId(final int value) {
      outputSchemaId = OptionalInt.of(value);
      return this;
    }

    /** Score the requests of {@code value}'s input topic against the stored models. */
    public Builder scoring(final ScoringStream value) {
      scoring = Optional.of(value);
      return this;
    }

    /** Frame every prediction of the scoring stream for a schema registry with this id of {@code Prediction}. */
    public Builder predictionSchemaId(final int value) {
      predictionSchemaId = OptionalInt.of(value);
      return this;
    }

    /**
     * The settings.
     *
     * @throws NullPointerException if a topic, the input format or the step mode was set to null
     * @throws IllegalArgumentException if a number is out of its range, or a {@code Prediction}
     *     schema id is set without a scoring stream
     */
    public TopologySettings build() {
      return new TopologySettings(eventsTopic, coefficientsTopic, deadLetterTopic, modelSpecsTopic, inputFormat,
          windowEvents, windowMs, idleCloseMs, graceMs, stepMode, lambda, lambdaIntercept, gamma, maxIterations,
          publishCovariance, maxFeatures, hybridWarmupWindows, windowMemoryBytes, driftZThreshold, outputSchemaId,
          scoring, predictionSchemaId);
    }
  }
}
