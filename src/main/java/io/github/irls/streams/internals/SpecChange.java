package io.github.irls.streams.internals;

import io.github.irls.avro.ModelSpec;
import java.util.Optional;

/**
 * A model spec that passed the checks that need no state, on its way to the fitting processor; an
 * empty spec is a tombstone (reset the model).
 *
 * @param rawValue the record value as received (null for a tombstone), for a later dead letter
 * @param spec the decoded spec, or empty for a tombstone
 */
public record SpecChange(byte[] rawValue, Optional<ModelSpec> spec) implements FitInput {}
