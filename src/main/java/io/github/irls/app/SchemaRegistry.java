package io.github.irls.app;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.Prediction;
import io.github.irls.config.IrlsConfig;
import io.github.irls.registry.RegistrySettings;
import io.github.irls.registry.SchemaRegistryClient;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.streams.RegistryInput;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application's use of a schema registry: the client, the writer schemas of framed
 * events ({@code input.format=registry-avro}) and the id of {@code CoefficientUpdate} that framed
 * updates carry ({@code output.format=registry-avro}), registered under {@code <output
 * topic>-value} at start or found registered there; with a scoring stream, likewise the id of
 * {@code Prediction} under {@code <predictions topic>-value}, so that predictions are framed as the
 * updates are.
 */
final class SchemaRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistry.class);

  /** What {@code /ready} says while records wait for the registry. */
  static final String WAITING = "WAITING_FOR_SCHEMA_REGISTRY";

  private final SchemaRegistryClient client;
  private final Optional<RegistryInput> input;
  private final OptionalInt outputSchemaId;
  private final OptionalInt predictionSchemaId;

  private SchemaRegistry(final SchemaRegistryClient client, final Optional<RegistryInput> input,
      final OptionalInt outputSchemaId, final OptionalInt predictionSchemaId) {
    this.client = client;
    this.input = input;
    this.outputSchemaId = outputSchemaId;
    this.predictionSchemaId = predictionSchemaId;
  }

  /**
   * The registry as {@code config} uses it; empty when neither format needs one.
   *
   * @throws IllegalStateException if the TLS material cannot be read, or {@code CoefficientUpdate}
   *     (or, with a scoring stream, {@code Prediction}) can neither be found nor registered (the
   *     registry is unreachable or refuses)
   */
  static Optional<SchemaRegistry> start(final IrlsConfig config) {
    final boolean framedInput = config.inputFormat().needsRegistry();
    final boolean framedOutput = config.outputFramedForRegistry();
    if (!framedInput && !framedOutput) {
      return Optional.empty();
    }
    final RegistrySettings settings = config.registrySettings().orElseThrow();
    final SchemaRegistryClient client;
    try {
      client = SchemaRegistryClient.create(settings);
    } catch (final IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    OptionalInt outputId = OptionalInt.empty();
    OptionalInt predictionId = OptionalInt.empty();
    if (framedOutput) {
      outputId = OptionalInt.of(registered(client, config.outputTopic(), CoefficientUpdate.getClassSchema()));
      LOG.info("Coefficient updates are framed with schema id {} (subject {}-value)", outputId.getAsInt(),
          config.outputTopic());
      if (config.scoringStream().isPresent()) {
        // every Avro topic the application writes is framed alike, the predictions as the updates
        final String predictions = config.scoringStream().get().predictionsTopic();
        predictionId = OptionalInt.of(registered(client, predictions, Prediction.getClassSchema()));
        LOG.info("Predictions are framed with schema id {} (subject {}-value)", predictionId.getAsInt(), predictions);
      }
    }
    final Optional<RegistryInput> input =
        framedInput ? Optional.of(RegistryInput.of(new WriterSchemas(client))) : Optional.empty();
    LOG.info("Schema registry: {}", settings);
    return Optional.of(new SchemaRegistry(client, input, outputId, predictionId));
  }

  /**
   * The registry's id of {@code schema} under {@code <topic>-value}, found or registered; closes the
   * client when it has none to give.
   */
  private static int registered(final SchemaRegistryClient client, final String topic, final Schema schema) {
    final String subject = topic + "-value";
    try {
      return client.idOf(subject, schema);
    } catch (final SchemaRegistryClient.RegistryException e) {
      client.close();
      throw new IllegalStateException("Cannot register " + schema.getName() + " under " + subject
          + " at the schema registry: " + e.getMessage(), e);
    }
  }

  /** The id of {@code CoefficientUpdate} to frame updates with, if they are framed. */
  static OptionalInt outputSchemaId(final Optional<SchemaRegistry> registry) {
    return registry.map(r -> r.outputSchemaId).orElse(OptionalInt.empty());
  }

  /** The id of {@code Prediction} to frame predictions with, if there is a scoring stream and they are framed. */
  static OptionalInt predictionSchemaId(final Optional<SchemaRegistry> registry) {
    return registry.map(r -> r.predictionSchemaId).orElse(OptionalInt.empty());
  }

  /** What the topology needs to read framed events, if events are framed. */
  Optional<RegistryInput> input() {
    return input;
  }

  /**
   * Why the application is not ready though running: records held back, or a schema that could not
   * be fetched, e.g. {@code WAITING_FOR_SCHEMA_REGISTRY: 1,200 records held back; ...}.
   */
  Optional<String> notReadyReason() {
    if (input.isEmpty()) {
      return Optional.empty();
    }
    final long held = input.get().waiting().total();
    final WriterSchemas schemas = input.get().schemas();
    if (held == 0 && !schemas.unavailable()) {
      return Optional.empty();
    }
    return Optional.of(WAITING + ": " + held + " records held back"
        + schemas.lastFailure().map(f -> "; " + f).orElse(""));
  }

  @Override
  public void close() {
    client.close();
  }
}
