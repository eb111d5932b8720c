package io.github.irls.streams.internals;

import io.github.irls.avro.CoefficientUpdate;

/**
 * A coefficient update on its way from the fitting processor, through the history, to the
 * coefficients topic.
 *
 * @param update the update, as published
 */
public record Published(CoefficientUpdate update) implements FitOutput {}
