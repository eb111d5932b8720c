package io.github.irls.streams.internals;

/** What the fitting processor hands on: a coefficient update to publish, or a dead letter. */
public sealed interface FitOutput permits Published, Rejection {}
