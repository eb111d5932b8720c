package io.github.irls.streams;

import java.util.Locale;

/** How a closed window updates a model (DESIGN.md section 1). */
public enum StepMode {
  /** Iterate to convergence on the window with the previous posterior as prior (Luo and Song 2020). */
  RENEWABLE,
  /** Exactly one Newton step from the previous coefficients: the sequential Laplace recursion. */
  NEWTON,
  /**
   * {@code RENEWABLE} for a model's first windows (its warm-up, again after a reset), {@code NEWTON}
   * afterwards: renewable's intervals with newton's state and speed (DESIGN.md section 1).
   */
  HYBRID;

  /** The name as written in configuration and in {@code CoefficientUpdate.step_mode}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code renewable}, {@code newton} or {@code hybrid}, ignoring case.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static StepMode parse(final String name) {
    for (final StepMode mode : values()) {
      if (mode.configName().equalsIgnoreCase(name.trim())) {
        return mode;
      }
    }
    throw new IllegalArgumentException("Unknown step mode '" + name + "'; expected renewable, newton or hybrid");
  }
}
