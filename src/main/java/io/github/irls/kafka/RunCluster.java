package io.github.irls.kafka;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Kafka cluster a command runs on: the one its {@code --bootstrap-servers} names, or a broker
 * started in this JVM for the run and stopped with it.
 */
public final class RunCluster implements AutoCloseable {

  private final String bootstrapServers;
  private final Optional<EmbeddedKafkaBroker> embedded;

  private RunCluster(final String bootstrapServers, final Optional<EmbeddedKafkaBroker> embedded) {
    this.bootstrapServers = bootstrapServers;
    this.embedded = embedded;
  }

  /** {@code bootstrapServers} when given, else an embedded broker, started now and said so to {@code log}. */
  public static RunCluster of(final Optional<String> bootstrapServers, final Consumer<String> log) {
    if (bootstrapServers.isPresent()) {
      return new RunCluster(bootstrapServers.get(), Optional.empty());
    }
    log.accept("Starting an embedded Kafka broker...");
    final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    return new RunCluster(broker.bootstrapServers(), Optional.of(broker));
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Whether the broker was started for this run (its topics go with it). */
  public boolean embedded() {
    return embedded.isPresent();
  }

  /** Stops the embedded broker, if any; a given cluster is left as it is. */
  @Override
  public void close() {
    embedded.ifPresent(EmbeddedKafkaBroker::close);
  }
}
