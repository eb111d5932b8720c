package io.github.irls.app;

import io.github.irls.config.ConfigSources;
import io.github.irls.config.IrlsConfig;
import io.github.irls.http.HttpApi;
import io.github.irls.http.HttpAuth;
import io.github.irls.http.HttpSecurity;
import io.github.irls.kafka.Topics;
import io.github.irls.metrics.IrlsMetrics;
import io.github.irls.query.ModelQueries;
import io.github.irls.streams.IrlsTopology;
import io.github.irls.streams.StepListener;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: the topics ensured, the IRLS topology running in Kafka Streams and,
 * optionally, the HTTP API answering from its state stores.
 *
 * <p>{@link #close()} stops the HTTP server, then Kafka Streams with {@code LEAVE_GROUP} so that
 * the next instance with the same application id gets the partitions at once instead of after the
 * session timeout. A stream thread that dies is logged once and shuts this instance down cleanly
 * (state {@code ERROR}); {@link #failure()} then holds the cause.
 *
 * <p>With the HTTP API, the server is bound first and its {@code http.advertised.host} plus bound
 * port becomes Kafka Streams' {@code application.server}, so that instances of one application
 * find each other's HTTP API and answer for keys hosted elsewhere ({@link StreamsPeers}).
 */
public final class IrlsApplication implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IrlsApplication.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final IrlsConfig config;
  private final KafkaStreams streams;
  private final ModelQueries queries;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final IrlsMetrics metrics;
  private final Optional<SchemaRegistry> registry;
  private volatile HttpApi http;
  private volatile InputWatch watch;
  private volatile Admin watchAdmin;
  private boolean closed;

  private IrlsApplication(final IrlsConfig config, final Topology topology, final String applicationServer,
      final Optional<SchemaRegistry> registry) {
    this.config = config;
    this.registry = registry;
    final Properties props = streamsProperties(config);
    if (applicationServer != null) {
      props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    this.streams = new KafkaStreams(topology, props);
    this.queries = new StoreModelQueries(streams, config.publishCovariance(),
        config.topologySettings().driftZThreshold(),
        () -> registry.flatMap(SchemaRegistry::notReadyReason));
    // the stream threads and their clients exist from construction, so the binder sees their metrics
    this.metrics = IrlsMetrics.bind(streams, config);
    registry.ifPresent(r -> r.input().ifPresent(in -> metrics.bindSchemaRegistry(in.schemas(), in.waiting())));
    LOG.info("Configuration: {}", ConfigSources.redacted(config.originals()));
    streams.setStateListener((next, previous) -> {
      LOG.info("Kafka Streams {} -> {}", previous, next);
      if (next == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
      if (next == KafkaStreams.State.ERROR || next == KafkaStreams.State.NOT_RUNNING
          || next == KafkaStreams.State.PENDING_ERROR || next == KafkaStreams.State.PENDING_SHUTDOWN) {
        terminated.countDown();
        running.countDown();
      }
    });
    streams.setUncaughtExceptionHandler(e -> {
      if (failure.compareAndSet(null, e)) {
        LOG.error("A stream thread failed; shutting this instance down: {}", e.toString(), e);
      }
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
  }

  /** {@link #start(IrlsConfig, boolean)} with the HTTP API. */
  public static IrlsApplication start(final IrlsConfig config) {
    return start(config, true);
  }

  /**
   * Checks the Kafka Streams settings and the state directory, checks that Kafka answers, creates
   * the missing topics (or, with {@code topics.create=false}, checks that they exist), builds the
   * topology from {@code config} and starts it, then (when {@code withHttp}) the HTTP API on {@code
   * http.host:http.port}.
   *
   * @throws org.apache.kafka.common.config.ConfigException if the HTTP server's key stores or
   *     credentials cannot be read, or a Kafka Streams setting passed through (e.g. {@code
   *     num.stream.threads}) is invalid
   * @throws KafkaUnavailableException if no broker answers, or the topics cannot be created or are
   *     missing
   * @throws IllegalStateException if the state directory is unusable, the scoring input topic is not
   *     co-partitioned with the events topic, or the HTTP server cannot bind its address
   */
  public static IrlsApplication start(final IrlsConfig config, final boolean withHttp) {
    return start(config, null, withHttp);
  }

  /**
   * As {@link #start(IrlsConfig, boolean)} but runs {@code topology} (e.g. {@link
   * IrlsTopology#build} with a probe added, or a pass-through for benchmarks); null builds the
   * configured IRLS topology.
   */
  public static IrlsApplication start(final IrlsConfig config, final Topology topology, final boolean withHttp) {
    // a mistyped setting or directory is reported at once, not after waiting for a broker
    new StreamsConfig(streamsProperties(config));
    requireWritableDirectory(config.stateDir());
    final HttpSecurity security = withHttp ? httpSecurity(config) : HttpSecurity.NONE;
    KafkaReachability.check(config.adminProperties());
    try {
      if (config.createTopics()) {
        Topics.ensure(config);
      } else {
        Topics.requireExisting(config);
      }
    } catch (final IllegalStateException e) {
      throw new KafkaUnavailableException(e.getMessage(), e);
    }
    // not a broker problem but a wrong topic: an IllegalStateException of its own (exit 1 with its message)
    Topics.requireCoPartitioned(config);
    final Optional<SchemaRegistry> registry = SchemaRegistry.start(config);
    // The metrics exist only once the application does; the listener finds them through this holder.
    final AtomicReference<IrlsMetrics> metricsHolder = new AtomicReference<>();
    final StepListener steps = new StepListener() {
      @Override
      public void stepTaken(final String modelKey, final long nanos) {
        final IrlsMetrics m = metricsHolder.get();
        if (m != null) {
          m.recordStep(Duration.ofNanos(nanos));
        }
      }

      @Override
      public void eventAlreadyApplied(final int partition) {
        final IrlsMetrics m = metricsHolder.get();
        if (m != null) {
          m.recordEventAlreadyApplied();
        }
      }
    };
    // bound before Kafka Streams exists, so that the port chosen for http.port=0 can be advertised
    HttpApi api = null;
    String applicationServer = null;
    if (withHttp) {
      try {
        api = HttpApi.bind(config.httpHost(), config.httpPort(), security);
      } catch (final IOException | RuntimeException e) {
        registry.ifPresent(SchemaRegistry::close); // its client's threads would outlive the failed start
        throw new IllegalStateException(
            "Cannot serve HTTP on " + config.httpHost() + ":" + config.httpPort() + ": " + e.getMessage(), e);
      }
      applicationServer = config.httpAdvertisedHost() + ":" + api.port();
    }
    // the end-of-data rule of the windows asks the broker whether the input is caught up
    final Admin admin = Admin.create(config.adminProperties());
    final InputWatch watch = new InputWatch(admin, config.applicationId(), config.inputTopic(), System::currentTimeMillis,
        config.idleCloseMs());
    final IrlsApplication app;
    try {
      app = new IrlsApplication(config,
          topology == null
              ? IrlsTopology.build(
                  config.topologySettings(SchemaRegistry.outputSchemaId(registry),
                      SchemaRegistry.predictionSchemaId(registry)),
                  steps, watch, registry.flatMap(SchemaRegistry::input))
              : topology,
          applicationServer, registry);
    } catch (final RuntimeException e) {
      if (api != null) {
        api.close();
      }
      admin.close(Duration.ZERO);
      registry.ifPresent(SchemaRegistry::close);
      throw e;
    }
    metricsHolder.set(app.metrics);
    app.http = api;
    app.watch = watch;
    app.watchAdmin = admin;
    app.streams.start();
    watch.start();
    if (api != null) {
      try {
        api.serve(app.queries, app.metrics::scrape, new StreamsPeers(app.streams, applicationServer));
      } catch (final RuntimeException e) {
        app.close();
        throw new IllegalStateException(
            "Cannot serve HTTP on " + config.httpHost() + ":" + config.httpPort() + ": " + e.getMessage(), e);
      }
    }
    return app;
  }

  /** The HTTP server's security, read (files and key stores) and logged without its secrets. */
  private static HttpSecurity httpSecurity(final IrlsConfig config) {
    final HttpSecurity security = config.httpSecurity();
    LOG.info("HTTP API: {}", security);
    if (!security.auth().required() && config.httpOnAllInterfaces()) {
      LOG.warn("The HTTP API on {} answers anyone who can reach it; {} and {} lock it", config.httpHost(),
          IrlsConfig.HTTP_AUTH_CONFIG, IrlsConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG);
    }
    if (security.auth().scheme() == HttpAuth.Scheme.BASIC && security.auth().peerAuthorization().isEmpty()) {
      LOG.warn("Every password of {} is hashed and {} is not set: requests forwarded to other instances carry"
          + " no credentials and are refused there", IrlsConfig.HTTP_AUTH_CREDENTIALS_FILE_CONFIG,
          IrlsConfig.HTTP_AUTH_PEER_USER_INFO_CONFIG);
    }
    return security;
  }

  private static Properties streamsProperties(final IrlsConfig config) {
    final Properties props = config.streamsProperties();
    // the topology has no global stores; this only silences Kafka 4.x's advice to opt in now
    props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // the partition assignor reads a StreamsConfig of the main consumer's settings and gives the
    // same advice again unless the setting reaches the consumer too
    props.putIfAbsent(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
        true);
    return props;
  }

  private static void requireWritableDirectory(final String dir) {
    final Path path = Path.of(dir);
    try {
      Files.createDirectories(path);
    } catch (final IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("Cannot use " + IrlsConfig.STATE_DIR_CONFIG + " " + dir + ": "
          + (e instanceof FileAlreadyExistsException ? "it is a file" : KafkaReachability.rootMessage(e)), e);
    }
    if (!Files.isWritable(path)) {
      throw new IllegalStateException("Cannot use " + IrlsConfig.STATE_DIR_CONFIG + " " + dir + ": not writable");
    }
  }

  /**
   * Waits until Kafka Streams is RUNNING (partitions assigned, stores restored).
   *
   * @return false if it did not get there within {@code timeout}
   * @throws IllegalStateException if the instance failed or was stopped instead
   */
  public boolean awaitRunning(final Duration timeout) throws InterruptedException {
    final boolean reached = running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (reached && streams.state() != KafkaStreams.State.RUNNING
        && streams.state() != KafkaStreams.State.REBALANCING) {
      throw new IllegalStateException("Kafka Streams stopped (" + streams.state() + ")"
          + failure().map(e -> ": " + KafkaReachability.rootMessage(e)).orElse(""));
    }
    return reached;
  }

  /** Waits until the instance stops by itself (a fatal error) or is closed; false on timeout. */
  public boolean awaitTermination(final Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** What made a stream thread fail, if one did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** The Kafka Streams state, e.g. RUNNING. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The underlying Kafka Streams instance (for interactive queries through {@code IrlsStores}). */
  public KafkaStreams streams() {
    return streams;
  }

  /** The queries the HTTP API answers. */
  public ModelQueries queries() {
    return queries;
  }

  /** The metrics {@code GET /metrics} serves. */
  public IrlsMetrics metrics() {
    return metrics;
  }

  /** {@code http://host:port} (or {@code https://} with TLS) of the HTTP API, if it was started. */
  public Optional<String> httpAddress() {
    final HttpApi api = http;
    return api == null ? Optional.empty() : Optional.of(api.address());
  }

  /** The configuration this instance runs with. */
  public IrlsConfig config() {
    return config;
  }

  /**
   * Stops the HTTP API and Kafka Streams (committing, leaving the group). Idempotent.
   *
   * @return whether Kafka Streams stopped within the timeout
   */
  public synchronized boolean closeAndReport() {
    if (closed) {
      return true;
    }
    closed = true;
    final HttpApi api = http;
    if (api != null) {
      api.close();
    }
    final boolean clean =
        streams.close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
    if (!clean) {
      LOG.warn("Kafka Streams did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
    }
    metrics.close();
    registry.ifPresent(SchemaRegistry::close);
    final InputWatch w = watch;
    if (w != null) {
      w.close();
      watchAdmin.close(Duration.ofSeconds(5));
    }
    terminated.countDown();
    running.countDown();
    return clean;
  }

  @Override
  public void close() {
    closeAndReport();
  }
}
