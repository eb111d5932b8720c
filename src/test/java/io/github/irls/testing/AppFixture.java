package io.github.irls.testing;

import io.github.irls.app.EventCsvReader;
import io.github.irls.app.IrlsApplication;
import io.github.irls.app.KafkaIo;
import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.avro.ModelSpec;
import io.github.irls.config.IrlsConfig;
import io.github.irls.csv.CsvFormatException;
import io.github.irls.demo.Simulator;
import io.github.irls.kafka.Topics;
import io.github.irls.serde.AvroSerde;
import io.github.irls.serde.EventFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One application of the integration tests on the test broker: its settings (an application id of
 * its own, topics named after it, windows closed by their event count only, an HTTP port the system
 * chooses) and what the tests do around it: produce events and model specs, start it, read the
 * updates it published. Its topics exist once it is created, so that events and specs can be
 * produced before the application starts.
 */
public final class AppFixture {

  private final IrlsConfig config;

  private AppFixture(final IrlsConfig config) {
    this.config = config;
  }

  /**
   * Settings for an application on {@code bootstrapServers} whose id is {@code name} plus a random
   * suffix, keeping its state in {@code stateDir}.
   */
  public static Builder builder(final String bootstrapServers, final String name, final Path stateDir) {
    return new Builder(bootstrapServers, name, stateDir);
  }

  /** The settings in which the tests differ; everything else is the same for all of them. */
  public static final class Builder {

    private final Map<String, Object> props = new HashMap<>();

    private Builder(final String bootstrapServers, final String name, final Path stateDir) {
      final String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
      props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      props.put(IrlsConfig.APPLICATION_ID_CONFIG, id);
      props.put(IrlsConfig.INPUT_TOPIC_CONFIG, id + ".events");
      props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, id + ".coefficients");
      props.put(IrlsConfig.DLQ_TOPIC_CONFIG, id + ".dlq");
      props.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, id + ".specs");
      // windows close after a count of events only, so that a test knows how many updates it gets
      props.put(IrlsConfig.WINDOW_MS_CONFIG, Long.MAX_VALUE);
      props.put(IrlsConfig.IDLE_CLOSE_MS_CONFIG, Long.MAX_VALUE);
      props.put(IrlsConfig.HTTP_PORT_CONFIG, 0);
      props.put(IrlsConfig.STATE_DIR_CONFIG, stateDir.toString());
    }

    /** A step window closes after {@code events} events. */
    public Builder windowEvents(final long events) {
      return with(IrlsConfig.WINDOW_EVENTS_CONFIG, events);
    }

    /** Any other setting, as the configuration names it. */
    public Builder with(final String setting, final Object value) {
      props.put(setting, value);
      return this;
    }

    /** The application's settings, with its topics created on the broker. */
    public AppFixture create() {
      final IrlsConfig config = new IrlsConfig(props);
      Topics.ensure(config);
      return new AppFixture(config);
    }
  }

  public IrlsConfig config() {
    return config;
  }

  /** The same application (id and topics) keeping its state in {@code stateDir} instead. */
  public AppFixture withStateDirectory(final Path stateDir) {
    return new AppFixture(config.with(Map.of(IrlsConfig.STATE_DIR_CONFIG, stateDir.toString())));
  }

  /** Starts the application with its HTTP API; close what it returns. */
  public RunningApp start() {
    return new RunningApp(IrlsApplication.start(config, true));
  }

  /** Starts the application without the HTTP API; close what it returns. */
  public RunningApp startWithoutHttp() {
    return new RunningApp(IrlsApplication.start(config, false));
  }

  /** Sends {@code events} events of {@code truth}, simulated from {@code seed}, to the events topic. */
  public void produceSimulated(final Simulator.Truth truth, final long seed, final int events) {
    final Simulator simulator = new Simulator(List.of(truth), seed);
    final List<LabeledEvent> batch = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      final Simulator.Event e = simulator.next(0);
      batch.add(event(e.features(), e.label()));
    }
    produce(truth.key(), batch);
  }

  /** Sends {@code events}, in order, keyed {@code key}, to the events topic. */
  public void produce(final String key, final List<LabeledEvent> events) {
    final Serializer<LabeledEvent> serializer = EventFormat.AVRO.serde().serializer();
    final String topic = config.inputTopic();
    final List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
    for (final LabeledEvent event : events) {
      records.add(new ProducerRecord<>(topic, key, serializer.serialize(topic, event)));
    }
    send(records);
  }

  /** Sends the first {@code rows} rows of {@code reader} to the events topic, as the {@code produce} command does. */
  public void produce(final EventCsvReader reader, final long rows) throws IOException, CsvFormatException {
    try (Producer<String, byte[]> producer = KafkaIo.eventProducer(config.clientProperties())) {
      KafkaIo.produce(reader, producer, config.inputTopic(), EventFormat.AVRO, rows, n -> { });
    }
  }

  /** Publishes {@code spec} for {@code key} on the model-specs topic. */
  public void publishSpec(final String key, final ModelSpec spec) {
    send(List.of(new ProducerRecord<>(config.modelSpecsTopic(), key, AvroSerde.of(ModelSpec.class).encode(spec))));
  }

  /** Every committed update on the coefficients topic (read_committed), partition by partition in offset order. */
  public List<CoefficientUpdate> updates() {
    return KafkaIo.readAll(config.clientProperties(), config.outputTopic(),
            AvroSerde.of(CoefficientUpdate.class).deserializer())
        .stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  /** Every committed update on the coefficients topic, read with {@code values}, partition by partition. */
  public List<CoefficientUpdate> updates(final Deserializer<CoefficientUpdate> values) {
    return KafkaIo.readAll(config.clientProperties(), config.outputTopic(), values).stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  /** The committed updates of {@code key}, in the order published. */
  public List<CoefficientUpdate> updates(final String key) {
    return updates().stream().filter(u -> u.getModelKey().equals(key)).toList();
  }

  /** The committed update of {@code key} with the highest version, if any. */
  public Optional<CoefficientUpdate> lastUpdate(final String key) {
    return updates(key).stream().max(Comparator.comparingLong(CoefficientUpdate::getVersion));
  }

  /** An event with {@code features}, {@code label} and the defaults for everything else. */
  public static LabeledEvent event(final double[] features, final double label) {
    final List<Double> x = new ArrayList<>(features.length);
    for (final double v : features) {
      x.add(v);
    }
    return LabeledEvent.newBuilder().setFeatures(x).setLabel(label).build();
  }

  /** Sends {@code records} (values as they are to be read) and waits until the broker has acknowledged them all. */
  public void send(final List<ProducerRecord<String, byte[]>> records) {
    final AtomicReference<Exception> failed = new AtomicReference<>();
    try (Producer<String, byte[]> producer = KafkaIo.eventProducer(config.clientProperties())) {
      for (final ProducerRecord<String, byte[]> record : records) {
        producer.send(record, (metadata, e) -> {
          if (e != null) {
            failed.compareAndSet(null, e);
          }
        });
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("The broker refused a record: " + failed.get(), failed.get());
    }
  }
}
