package io.github.irls.glm;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How {@link IrlsFitter} runs. Immutable; build variations with {@link #builder()} or {@link
 * #toBuilder()}.
 *
 * @param family the GLM family (binomial with the logit link by default)
 * @param maxIterations the most Newton steps (100, as R's {@code glm_tight} reference)
 * @param epsilon when present, stop by glm's rule {@code |dev - dev_old| / (|dev| + 0.1) < epsilon};
 *     when empty (the default) iterate to the exact optimum: the step is below 1e-10 standard errors
 *     or the deviance changes by less than 1e-14 relative
 * @param singleStep take exactly one Newton step from the start (the sequential Laplace recursion):
 *     the returned precision is the one at the start
 * @param start the starting coefficients (length {@code d}); empty means all zero
 * @param threads how many threads may split the rows of one fit (1 = the calling thread only)
 * @param nullDeviance whether to fit the intercept-only model for the null deviance
 * @param warmStart whether a large fit may start from a fit on a systematic subsample
 * @param coefNames names for the coefficients, intercept first; empty means {@code intercept, x1..xp}
 */
public record FitOptions(
    Family family,
    int maxIterations,
    OptionalDouble epsilon,
    boolean singleStep,
    Optional<double[]> start,
    int threads,
    boolean nullDeviance,
    boolean warmStart,
    List<String> coefNames) {

  /** R's default {@code glm.control(epsilon)}. */
  public static final double GLM_DEFAULT_EPSILON = 1e-8;

  private static final FitOptions DEFAULTS = new FitOptions(
      Binomial.LOGIT, 100, OptionalDouble.empty(), false, Optional.empty(), 1, true, true, List.of());

  public FitOptions {
    if (family == null) {
      throw new IllegalArgumentException("family is required");
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
    }
    if (epsilon.isPresent() && !(epsilon.getAsDouble() > 0)) {
      throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon.getAsDouble());
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    start = start.map(double[]::clone);
    coefNames = List.copyOf(coefNames);
  }

  /** Binomial-logit, exact convergence, at most 100 iterations, one thread. */
  public static FitOptions defaults() {
    return DEFAULTS;
  }

  /** A builder that starts from {@link #defaults()}. */
  public static Builder builder() {
    return DEFAULTS.toBuilder();
  }

  /** A builder that starts from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@code intercept, x1, ..., xp} unless names were given. */
  public List<String> coefNamesFor(final int d) {
    if (!coefNames.isEmpty()) {
      if (coefNames.size() != d) {
        throw new IllegalArgumentException(
            "expected " + d + " coefficient names, got " + coefNames.size());
      }
      return coefNames;
    }
    return CoefficientNames.defaults(d - 1);
  }

  /**
   * One setter per component; {@link #build()} validates as the record's constructor does. Not
   * thread-safe; each call of {@link #build()} returns a new, independent value.
   */
  public static final class Builder {
    private Family family;
    private int maxIterations;
    private OptionalDouble epsilon;
    private boolean singleStep;
    private Optional<double[]> start;
    private int threads;
    private boolean nullDeviance;
    private boolean warmStart;
    private List<String> coefNames;

    private Builder(final FitOptions from) {
      family = from.family;
      maxIterations = from.maxIterations;
      epsilon = from.epsilon;
      singleStep = from.singleStep;
      start = from.start;
      threads = from.threads;
      nullDeviance = from.nullDeviance;
      warmStart = from.warmStart;
      coefNames = from.coefNames;
    }

    public Builder family(final Family value) {
      family = value;
      return this;
    }

    public Builder maxIterations(final int value) {
      maxIterations = value;
      return this;
    }

    /** Stop by glm's deviance rule with this epsilon instead of at the exact optimum. */
    public Builder epsilon(final double value) {
      epsilon = OptionalDouble.of(value);
      return this;
    }

    public Builder singleStep(final boolean value) {
      singleStep = value;
      return this;
    }

    /** Start from these coefficients (copied by {@link #build()}) instead of zero. */
    public Builder start(final double[] value) {
      start = Optional.of(value);
      return this;
    }

    public Builder threads(final int value) {
      threads = value;
      return this;
    }

    public Builder nullDeviance(final boolean value) {
      nullDeviance = value;
      return this;
    }

    public Builder warmStart(final boolean value) {
      warmStart = value;
      return this;
    }

    public Builder coefNames(final List<String> value) {
      coefNames = value;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException if a value is out of its range or the family is missing
     */
    public FitOptions build() {
      return new FitOptions(family, maxIterations, epsilon, singleStep, start, threads, nullDeviance, warmStart,
          coefNames);
    }
  }
}
