package io.github.irls.cli;

import io.github.irls.app.EventCsvReader;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.app.KafkaIo;
import io.github.irls.app.KafkaReachability;
import io.github.irls.app.KafkaUnavailableException;
import io.github.irls.config.IrlsConfig;
import io.github.irls.csv.CsvFormatException;
import io.github.irls.kafka.Topics;
import io.github.irls.serde.EventFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code produce --bootstrap-servers ... --input FILE}: a fixtures-format CSV to the events topic. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sends the rows of a CSV (header model,y[,weight][,offset],x1..xp; gzip recognised by content) "
          + "to the events topic in row order, the model column as the record key, with a progress "
          + "bar on stderr. Creates the topic when it is missing.",
      "",
      "Exit codes: 0 sent, 1 unreadable input or Kafka unreachable/refusing, 2 usage error."
    })
public final class ProduceCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT",
      description = "Kafka brokers, host:port[,host:port...].")
  String bootstrapServers;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "The CSV file.")
  Path input;

  @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "irls.events",
      description = "Events topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--format", paramLabel = "avro|json|registry-avro", defaultValue = "avro",
      description = "Value encoding: avro (LabeledEvent, Avro binary), json, or registry-avro (LabeledEvent "
          + "found or registered under <topic>-value at the schema registry and every value framed with its id, "
          + "as a registry-aware serializer writes; needs --schema-registry-url) (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--schema-registry-url", paramLabel = "URL",
      description = "The schema registry for --format registry-avro (same as -D schema.registry.url; "
          + "credentials and TLS through -D schema.registry.*).")
  String schemaRegistryUrl;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
      description = "Partitions of the topic if it has to be created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Mixin ClientOptions client;

  @Override
  public Integer call() throws InterruptedException {
    final EventFormat eventFormat;
    try {
      eventFormat = EventFormat.parse(format);
    } catch (final IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--format: " + e.getMessage());
    }
    if (partitions < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--partitions must be >= 1, got " + partitions);
    }
    final Map<String, Object> overrides = new HashMap<>(
        Map.of(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, IrlsConfig.INPUT_TOPIC_CONFIG, topic,
            IrlsConfig.INPUT_FORMAT_CONFIG, eventFormat.configName()));
    if (schemaRegistryUrl != null) {
      overrides.put(IrlsConfig.SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl);
    }
    // registry-avro without a registry is a usage error, as it is for run
    final IrlsConfig config = client.config(spec.commandLine(), overrides);
    final PrintWriter err = spec.commandLine().getErr();
    try (EventCsvReader reader = EventCsvReader.open(input)) {
      KafkaReachability.check(config.adminProperties());
      try (Admin admin = Admin.create(config.adminProperties())) {
        final Set<String> created = Topics.ensure(admin,
            List.of(new NewTopic(topic, partitions, config.topicReplicationFactor())));
        if (!created.isEmpty()) {
          err.println("Created topic " + topic + " with " + partitions + " partitions");
        }
      } catch (final IllegalStateException e) {
        throw new KafkaUnavailableException(e.getMessage(), e);
      }
      final ProgressBar bar = new ProgressBar(err, "produce");
      final long total = reader.totalBytes();
      final Map<String, Long> rows;
      final Serializer<LabeledEvent> serializer = KafkaIo.eventSerializer(config, eventFormat, topic);
      try (Producer<String, byte[]> producer = KafkaIo.eventProducer(config.clientProperties())) {
        rows = KafkaIo.produce(reader, producer, topic, serializer, Long.MAX_VALUE,
            n -> bar.update(total > 0 ? (double) reader.bytesRead() / total : -1, n));
      }
      final long sent = rows.values().stream().mapToLong(Long::longValue).sum();
      bar.finish(sent);
      err.printf("Sent %,d events for %,d model keys to %s (%s)%n", sent, rows.size(), topic, eventFormat.configName());
      err.flush();
      return 0;
    } catch (final NoSuchFileException e) {
      return fail(err, "Cannot read " + input + ": no such file");
    } catch (final IOException e) {
      return fail(err, "Cannot read " + input + ": " + e.getMessage());
    } catch (final CsvFormatException e) {
      err.println(); // ends the progress bar's line
      return fail(err, e.getMessage());
    } catch (final KafkaUnavailableException | IllegalStateException e) {
      return fail(err, e.getMessage());
    }
  }

  static int fail(final PrintWriter err, final String message) {
    err.println("Error: " + message);
    err.flush();
    return 1;
  }
}
