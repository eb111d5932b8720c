package io.github.irls.cli;

import io.github.irls.app.KafkaIo;
import io.github.irls.app.KafkaReachability;
import io.github.irls.app.KafkaUnavailableException;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.Simulator;
import io.github.irls.kafka.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code simulate --bootstrap-servers HOST:PORT}: the demo's simulated events into a Kafka cluster. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Produces the demo's simulated events (four model keys with known true coefficients, one of "
          + "them drifting; Avro LabeledEvent values keyed by model) to the events topic of a Kafka "
          + "cluster at --rate events per second, until --events are sent, --duration has passed, "
          + "or SIGTERM / Ctrl-C. Creates the application's topics when they are missing, as `run` "
          + "would (same -D topic.partitions), so either may start first. Values are written in the "
          + "configured input.format, as `run` with the same configuration reads them: avro, json, or "
          + "registry-avro (LabeledEvent registered under <input.topic>-value, every value framed).",
      "",
      "Exit codes: 0 done or stopped by a signal, 1 Kafka unreachable or refusing, 2 usage error."
    })
public final class SimulateCommand implements Callable<Integer> {

  /** The producer paces itself in ticks of this length. */
  private static final long TICK_NANOS = 10_000_000L;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT",
      description = "Kafka brokers, host:port[,host:port...].")
  String bootstrapServers;

  @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "200",
      description = "Events per second over all keys, round-robin (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--events", paramLabel = "N",
      description = "Stop after N events in total (default: no limit).")
  Long events;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop after this long, e.g. 10m (default: until SIGTERM or Ctrl-C).")
  Duration duration;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Simulator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How often a progress line is printed on stderr (default: ${DEFAULT-VALUE}).")
  Duration progressInterval;

  @Option(names = "--schema-registry-url", paramLabel = "URL",
      description = "The schema registry, for -D input.format=registry-avro (same as -D schema.registry.url).")
  String schemaRegistryUrl;

  @Mixin ClientOptions client;

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException {
    final CommandLine cmd = spec.commandLine();
    if (rate < 1) {
      throw new CommandLine.ParameterException(cmd, "--rate must be >= 1, got " + rate);
    }
    if (events != null && events < 1) {
      throw new CommandLine.ParameterException(cmd, "--events must be >= 1, got " + events);
    }
    final Map<String, Object> overrides = new HashMap<>();
    overrides.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    if (schemaRegistryUrl != null) {
      overrides.put(IrlsConfig.SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl);
    }
    final IrlsConfig config = client.config(cmd, overrides);
    final PrintWriter err = cmd.getErr();
    final Serializer<LabeledEvent> serializer;
    try {
      KafkaReachability.check(config.adminProperties());
      final Set<String> created = Topics.ensure(config);
      if (!created.isEmpty()) {
        err.println("Created topics " + String.join(", ", created));
      }
      serializer = KafkaIo.eventSerializer(config, config.inputFormat(), config.inputTopic());
    } catch (final KafkaUnavailableException | IllegalStateException e) {
      return ProduceCommand.fail(err, e.getMessage());
    }
    final Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        finished.await(30, TimeUnit.SECONDS);
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "irls-simulate-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      final List<Simulator.Truth> truths = Simulator.demoModels();
      err.printf("Simulating %d models at %,d events/s into %s at %s%n", truths.size(), rate, config.inputTopic(),
          bootstrapServers);
      err.flush();
      final AtomicReference<Exception> failure = new AtomicReference<>();
      final long sent = produce(config, serializer, new Simulator(truths, seed), failure, err);
      if (failure.get() != null) {
        return ProduceCommand.fail(err, "Cannot produce to " + config.inputTopic() + ": " + failure.get().getMessage());
      }
      err.printf("Sent %,d events for %d model keys to %s%n", sent, truths.size(), config.inputTopic());
      err.flush();
      return 0;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (final IllegalStateException e) {
        // the JVM is shutting down: the hook is waiting for us
      }
    }
  }

  /** Sends events round-robin over the models at {@link #rate} until told to stop; returns how many. */
  private long produce(final IrlsConfig config, final Serializer<LabeledEvent> serializer, final Simulator simulator,
      final AtomicReference<Exception> failure, final PrintWriter err) throws InterruptedException {
    final String topic = config.inputTopic();
    final int models = simulator.truths().size();
    final long limit = events == null ? Long.MAX_VALUE : events;
    final long started = System.nanoTime();
    final long end = duration == null ? Long.MAX_VALUE : started + duration.toNanos();
    long nextProgress = started + progressInterval.toNanos();
    long sent = 0;
    try (Producer<String, byte[]> producer = KafkaIo.eventProducer(config.clientProperties())) {
      for (long tick = 1; sent < limit && failure.get() == null && stop.getCount() > 0; tick++) {
        final long due = Math.min(limit, (long) Math.floor(rate * (tick * TICK_NANOS / 1e9)));
        for (; sent < due; sent++) {
          final Simulator.Event e = simulator.next((int) (sent % models));
          final LabeledEvent event = e.toLabeledEvent();
          producer.send(new ProducerRecord<>(topic, e.key(), serializer.serialize(topic, event)), (md, ex) -> {
            if (ex != null) {
              failure.compareAndSet(null, ex);
            }
          });
        }
        final long now = System.nanoTime();
        if (now >= end) {
          break;
        }
        if (now >= nextProgress) {
          err.printf("%,d events sent (%,.0f/s)%n", sent, sent / ((now - started) / 1e9));
          err.flush();
          nextProgress += progressInterval.toNanos();
        }
        final long sleep = started + tick * TICK_NANOS - now;
        if (sleep > 0) {
          stop.await(sleep, TimeUnit.NANOSECONDS);
        }
      }
      producer.flush();
    } catch (final RuntimeException e) {
      failure.compareAndSet(null, e);
    }
    return sent;
  }
}
