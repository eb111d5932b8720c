package io.github.irls.streams.internals;

/**
 * What the fitting processor receives: a validated event, or a key's model-spec change. Sealed, so
 * that the processor's dispatch over it is checked by the compiler.
 */
public sealed interface FitInput extends Routed permits ValidEvent, SpecChange {}
