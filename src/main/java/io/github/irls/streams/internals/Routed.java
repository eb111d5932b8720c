package io.github.irls.streams.internals;

/**
 * What the validating processors hand on: an input for the fitting processor, or a record for the
 * dead-letter processor.
 */
public sealed interface Routed permits FitInput, Rejection {}
