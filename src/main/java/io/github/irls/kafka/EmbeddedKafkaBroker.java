package io.github.irls.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (one combined broker and KRaft controller) inside this JVM, for the
 * demo, the {@code broker} command and the tests when no cluster is given.
 *
 * <p>It is a real broker: transactions, compaction and consumer groups behave as on a cluster, with
 * every internal topic at replication factor 1. Start it with {@link #start()} or {@link
 * #start(Settings)}; {@link #close()} stops it and deletes its data unless the data directory was
 * given.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final int NODE_ID = 1;
  private static final String HOST = "localhost";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String BROKER_LISTENER = "PLAINTEXT";

  /**
   * How to start the broker.
   *
   * @param port the client port; 0 picks a free one
   * @param dataDir where the log and metadata live, kept on close; empty for a temporary
   *     directory deleted on close
   * @param brokerProperties broker settings applied last, over this class's defaults
   */
  public record Settings(int port, Optional<Path> dataDir, Map<String, String> brokerProperties) {
    public Settings {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      Objects.requireNonNull(dataDir, "dataDir");
      brokerProperties = Map.copyOf(brokerProperties);
    }

    /** A free port, a temporary directory, the default settings. */
    public static Settings defaults() {
      return new Settings(0, Optional.empty(), Map.of());
    }

    public Settings withPort(final int newPort) {
      return new Settings(newPort, dataDir, brokerProperties);
    }

    public Settings withDataDir(final Path dir) {
      return new Settings(port, Optional.of(dir), brokerProperties);
    }

    public Settings withBrokerProperty(final String name, final String value) {
      final Map<String, String> props = new HashMap<>(brokerProperties);
      props.put(name, value);
      return new Settings(port, dataDir, props);
    }
  }

  private final KafkaRaftServer server;
  private final int port;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private final long startupMillis;
  private boolean closed;

  private EmbeddedKafkaBroker(
      final KafkaRaftServer server,
      final int port,
      final Path dataDir,
      final boolean deleteOnClose,
      final long startupMillis) {
    this.server = server;
    this.port = port;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.startupMillis = startupMillis;
  }

  /** Starts a broker on a free port with a temporary data directory. */
  public static EmbeddedKafkaBroker start() {
    return start(Settings.defaults());
  }

  /**
   * Formats the data directory if it is new, starts the broker and returns once it accepts
   * clients.
   *
   * @throws IllegalStateException if the broker cannot start (e.g. the port is taken)
   */
  public static EmbeddedKafkaBroker start(final Settings settings) {
    final long started = System.nanoTime();
    final int port = settings.port() == 0 ? freePort() : ensureFree(settings.port());
    final boolean temporary = settings.dataDir().isEmpty();
    final Path dataDir;
    try {
      dataDir = temporary
          ? Files.createTempDirectory("irls-kafka-")
          : Files.createDirectories(settings.dataDir().get().toAbsolutePath());
    } catch (final IOException e) {
      throw new UncheckedIOException("Cannot create the broker's data directory: " + e.getMessage(), e);
    }
    final int controllerPort = freePortOtherThan(port);
    final Map<String, String> props = brokerProperties(port, controllerPort, dataDir);
    props.putAll(settings.brokerProperties());

    KafkaRaftServer server = null;
    try {
      final KafkaConfig config = new KafkaConfig(props, false);
      format(dataDir);
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
    } catch (final Exception e) {
      if (server != null) {
        shutdown(server);
      }
      if (temporary) {
        deleteRecursively(dataDir);
      }
      throw new IllegalStateException(
          "Cannot start the embedded Kafka broker on " + HOST + ":" + port + ": " + e.getMessage(), e);
    }
    final long millis = (System.nanoTime() - started) / 1_000_000;
    LOG.info("Embedded Kafka broker at {}:{} (data in {}) started in {} ms", HOST, port, dataDir, millis);
    return new EmbeddedKafkaBroker(server, port, dataDir, temporary, millis);
  }

  /** {@code localhost:PORT}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** The client port. */
  public int port() {
    return port;
  }

  /** The directory holding the log and the metadata. */
  public Path dataDir() {
    return dataDir;
  }

  /** Wall-clock time {@link #start} took, formatting included. */
  public long startupMillis() {
    return startupMillis;
  }

  /** Stops the broker; deletes the data directory if it was temporary. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    final long started = System.nanoTime();
    shutdown(server);
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
    LOG.info("Embedded Kafka broker at {}:{} stopped in {} ms",
        HOST, port, (System.nanoTime() - started) / 1_000_000);
  }

  static Map<String, String> brokerProperties(
      final int port, final int controllerPort, final Path dataDir) {
    final Map<String, String> props = new HashMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    // a static voter set: the controller's port may change between runs over the same data dir
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("listeners",
        BROKER_LISTENER + "://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + port);
    props.put("inter.broker.listener.name", BROKER_LISTENER);
    props.put("listener.security.protocol.map",
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    props.put("log.dirs", dataDir.toString());
    // one node: every internal topic at replication factor 1, or transactions never start
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    // the 128 MiB default is heap we do not need for a few compacted topics
    props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    return props;
  }

  /** Writes meta.properties and the bootstrap metadata, unless the directory already has them. */
  private static void format(final Path dataDir) throws Exception {
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return;
    }
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setControllerListenerName(CONTROLLER_LISTENER)
        .addDirectory(dataDir.toString())
        .setMetadataLogDirectory(dataDir.toString())
        .run();
  }

  private static void shutdown(final KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (final RuntimeException e) {
      LOG.warn("Error while stopping the embedded Kafka broker", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (final IOException e) {
      throw new UncheckedIOException("Cannot find a free port: " + e.getMessage(), e);
    }
  }

  /**
   * A free port that is not {@code taken}: the client port's socket is closed before this one is
   * opened, so the system may hand out the same number again (CI saw it: "Each listener must have a
   * different port").
   */
  private static int freePortOtherThan(final int taken) {
    int port = freePort();
    while (port == taken) {
      port = freePort();
    }
    return port;
  }

  /** Fails fast: a broker that cannot bind its port takes seconds to give up, logging stack traces. */
  private static int ensureFree(final int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(HOST, port));
      return port;
    } catch (final IOException e) {
      throw new IllegalStateException(
          "Cannot start the embedded Kafka broker: " + HOST + ":" + port + " is in use (" + e.getMessage() + ")", e);
    }
  }

  private static void deleteRecursively(final Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (final IOException | UncheckedIOException e) {
      LOG.warn("Cannot delete {}: {}", dir, e.getMessage());
    }
  }
}
