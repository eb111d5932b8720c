package io.github.irls.serde;

/**
 * A record's writer schema is not known yet because the schema registry could not be asked: the
 * record is not bad and must not be dead-lettered; it waits (the topology holds it back until the
 * schema is known). Reaching a caller means a record was let through too early: a programming error.
 */
public final class SchemaRegistryUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SchemaRegistryUnavailableException(final String message) {
    super(message);
  }
}
