package io.github.irls.demo;

import io.github.irls.avro.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ModelSpec} the demo publishes for each of its models: feature names {@code f1..fp}
 * for every model and, for a drifting one, its own forgetting factor, so that it follows its
 * moving truth while the others keep all history.
 */
public final class DemoSpecs {

  /** The forgetting factor of a drifting model: old windows are discounted so that it follows. */
  public static final double DRIFTING_GAMMA = 0.8;

  private DemoSpecs() {}

  /** The spec of {@code truth}'s model. */
  public static ModelSpec of(final Simulator.Truth truth) {
    final List<String> names = new ArrayList<>();
    for (int j = 1; j < truth.beta().length; j++) {
      names.add("f" + j);
    }
    return ModelSpec.newBuilder()
        .setFeatureNames(names)
        .setGamma(truth.drifts() ? DRIFTING_GAMMA : null)
        .build();
  }
}
