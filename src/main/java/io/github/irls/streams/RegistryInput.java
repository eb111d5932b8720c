package io.github.irls.streams;

import io.github.irls.registry.WriterSchemas;
import java.util.Objects;

/**
 * What a topology reading events framed for a schema registry needs at run time: the writer
 * schemas (shared by the stream threads of an instance) and the tally of records held back while
 * the registry cannot be asked.
 */
public record RegistryInput(WriterSchemas schemas, WaitingRecords waiting) {

  public RegistryInput {
    Objects.requireNonNull(schemas, "schemas");
    Objects.requireNonNull(waiting, "waiting");
  }

  /** Reading through {@code schemas}, with a new tally. */
  public static RegistryInput of(final WriterSchemas schemas) {
    return new RegistryInput(schemas, new WaitingRecords());
  }
}
