package io.github.irls.config;

import io.github.irls.http.HttpAuth;
import io.github.irls.http.HttpSecurity;
import io.github.irls.registry.RegistrySettings;
import io.github.irls.serde.EventFormat;
import io.github.irls.serde.ScoringRequestFormat;
import io.github.irls.streams.ScoringStream;
import io.github.irls.streams.StepMode;
import io.github.irls.streams.TopologySettings;
import io.github.irls.tls.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every option of the application, its default and its documentation, in one {@link ConfigDef}.
 *
 * <p>Any property not defined here (e.g. {@code ssl.*}, {@code sasl.*}, {@code security.protocol},
 * {@code num.stream.threads}, {@code producer.*}) is passed unchanged to Kafka Streams by {@link
 * #streamsProperties()} and to the admin client by {@link #adminProperties()}.
 */
public final class IrlsConfig extends AbstractConfig {

  public static final String BOOTSTRAP_SERVERS_CONFIG = StreamsConfig.BOOTSTRAP_SERVERS_CONFIG;
  public static final String BOOTSTRAP_SERVERS_DOC =
      "Kafka brokers to connect to, as host:port[,host:port...].";

  public static final String APPLICATION_ID_CONFIG = StreamsConfig.APPLICATION_ID_CONFIG;
  public static final String APPLICATION_ID_DOC =
      "Kafka Streams application id: the consumer group and the prefix of internal topics."
          + " Instances with the same id share the work.";

  public static final String INPUT_TOPIC_CONFIG = "input.topic";
  public static final String INPUT_TOPIC_DOC =
      "Topic of labelled events (key = model key, value = LabeledEvent).";

  public static final String OUTPUT_TOPIC_CONFIG = "output.topic";
  public static final String OUTPUT_TOPIC_DOC =
      "Topic the coefficient updates are published to (key = model key, value = CoefficientUpdate).";

  public static final String DLQ_TOPIC_CONFIG = "dlq.topic";
  public static final String DLQ_TOPIC_DOC =
      "Dead-letter topic: unusable events as received, with headers naming the reason and the source.";

  public static final String MODEL_SPECS_TOPIC_CONFIG = "model.specs.topic";
  public static final String MODEL_SPECS_TOPIC_DOC =
      "Compacted topic of per-model settings (key = model key, value = ModelSpec; a tombstone resets the model).";

  public static final String INPUT_FORMAT_CONFIG = "input.format";
  public static final String INPUT_FORMAT_DOC =
      "Encoding of the events topic values: avro (Avro binary of LabeledEvent), json (one JSON object per record)"
          + " or registry-avro (framed by a schema registry's serializer: magic byte 0, a 4-byte schema id, Avro"
          + " binary written with that schema, resolved to LabeledEvent; needs schema.registry.url).";

  public static final String OUTPUT_FORMAT_CONFIG = "output.format";
  public static final String OUTPUT_FORMAT_DOC =
      "Encoding of the coefficient updates and of the predictions: avro (Avro binary of CoefficientUpdate and"
          + " Prediction) or registry-avro (CoefficientUpdate registered under the subject <output.topic>-value at"
          + " start, or found registered, and every update framed with its id; with scoring.input.topic, Prediction"
          + " likewise under <predictions.topic>-value and every prediction framed with its id; needs"
          + " schema.registry.url).";

  public static final String SCORING_INPUT_TOPIC_CONFIG = "scoring.input.topic";
  public static final String SCORING_INPUT_TOPIC_DOC =
      "Topic of scoring requests (key = model key, value = ScoringRequest: request_id, features, optional"
          + " offset), each answered on predictions.topic from the key's model as stored; empty: no scoring"
          + " stream. Must have as many partitions as input.topic (co-partitioned; checked at start).";

  public static final String SCORING_INPUT_FORMAT_CONFIG = "scoring.input.format";
  public static final String SCORING_INPUT_FORMAT_DOC =
      "Encoding of the scoring requests: avro (Avro binary of ScoringRequest) or json"
          + " ({\"request_id\":\"...\",\"features\":[...]} and optionally \"offset\").";

  public static final String PREDICTIONS_TOPIC_CONFIG = "predictions.topic";
  public static final String PREDICTIONS_TOPIC_DOC =
      "Topic the answers to scoring requests are published to (key = model key, value = Prediction in"
          + " output.format, Avro binary or framed for the schema registry: request_id, status OK or NO_MODEL,"
          + " probability, 95% interval, eta and its standard error, model_version); used only with"
          + " scoring.input.topic.";

  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  public static final String SCHEMA_REGISTRY_URL_DOC =
      "Base URLs of the schema registry (Confluent's REST API: Confluent, Karapace, Redpanda, or Apicurio's"
          + " /apis/ccompat/v7), comma-separated, tried in order; the next is asked when one cannot be reached"
          + " or answers 5xx. Credentials do not belong in the URL: see schema.registry.basic.auth.user.info.";

  public static final String SCHEMA_REGISTRY_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";
  public static final String SCHEMA_REGISTRY_USER_INFO_DOC =
      "user:password for HTTP basic authentication at the schema registry (never logged).";

  public static final String SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_CONFIG = "schema.registry.ssl.truststore.location";
  public static final String SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_DOC =
      "Trust store for https registry URLs; default: the JDK's trusted certificates.";

  public static final String SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
  public static final String SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_DOC = "Password of the trust store.";

  public static final String SCHEMA_REGISTRY_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
  public static final String SCHEMA_REGISTRY_TRUSTSTORE_TYPE_DOC = "Type of the trust store (JKS or PKCS12).";

  public static final String SCHEMA_REGISTRY_KEYSTORE_LOCATION_CONFIG = "schema.registry.ssl.keystore.location";
  public static final String SCHEMA_REGISTRY_KEYSTORE_LOCATION_DOC =
      "Key store with the client certificate for registries that require one (mutual TLS).";

  public static final String SCHEMA_REGISTRY_KEYSTORE_PASSWORD_CONFIG = "schema.registry.ssl.keystore.password";
  public static final String SCHEMA_REGISTRY_KEYSTORE_PASSWORD_DOC = "Password of the key store.";

  public static final String SCHEMA_REGISTRY_KEYSTORE_TYPE_CONFIG = "schema.registry.ssl.keystore.type";
  public static final String SCHEMA_REGISTRY_KEYSTORE_TYPE_DOC = "Type of the key store (JKS or PKCS12).";

  public static final String SCHEMA_REGISTRY_KEY_PASSWORD_CONFIG = "schema.registry.ssl.key.password";
  public static final String SCHEMA_REGISTRY_KEY_PASSWORD_DOC =
      "Password of the private key in the key store; default: the key store's password.";

  public static final String SCHEMA_REGISTRY_CONNECT_TIMEOUT_MS_CONFIG = "schema.registry.connect.timeout.ms";
  public static final String SCHEMA_REGISTRY_CONNECT_TIMEOUT_MS_DOC =
      "How long to wait for a connection to one registry URL.";

  public static final String SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";
  public static final String SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_DOC =
      "How long to wait for one registry URL's answer.";

  public static final String SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG = "schema.registry.retry.backoff.ms";
  public static final String SCHEMA_REGISTRY_RETRY_BACKOFF_MS_DOC =
      "After the registry could not be asked for a schema (unreachable, timeout, 5xx, 401/403), the records"
          + " that need it wait and it is asked again after this long, doubling up to"
          + " schema.registry.retry.backoff.max.ms.";

  public static final String SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG = "schema.registry.retry.backoff.max.ms";
  public static final String SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_DOC =
      "The longest wait between two attempts to ask the schema registry for a schema.";

  public static final String WINDOW_EVENTS_CONFIG = "window.events";
  public static final String WINDOW_EVENTS_DOC =
      "A key's step window closes after this many events (default for models without a ModelSpec).";

  public static final String WINDOW_MS_CONFIG = "window.ms";
  public static final String WINDOW_MS_DOC =
      "A key's step window closes when stream time passes its start plus this many milliseconds.";

  public static final String IDLE_CLOSE_MS_CONFIG = "idle.close.ms";
  public static final String IDLE_CLOSE_MS_DOC =
      "A key's open window closes once the task's stream time (the latest event time of its partition)"
          + " has moved this many milliseconds past the key's last event; at the end of the data, once the"
          + " input is confirmed caught up, quiet wall-clock time counts as stream time (README: When does"
          + " a window close).";

  public static final String GRACE_MS_CONFIG = "grace.ms";
  public static final String GRACE_MS_DOC =
      "Events older than the open window by more than this are counted as late (and still folded in).";

  public static final String STEP_MODE_CONFIG = "step.mode";
  public static final String STEP_MODE_DOC =
      "renewable: iterate to convergence on each window (keeps the window's events); newton: exactly one"
          + " Newton step per window (the sequential Laplace recursion; keeps only the window's sufficient"
          + " statistics); hybrid: renewable for a model's first hybrid.warmup.windows windows (and after a"
          + " reset), newton afterwards. Coverage, accuracy and speed of each: README, Step modes.";

  public static final String HYBRID_WARMUP_WINDOWS_CONFIG = "hybrid.warmup.windows";
  public static final String HYBRID_WARMUP_WINDOWS_DOC =
      "In step mode hybrid: how many of a model's first windows (since it started or was reset) iterate to"
          + " convergence before its steps become single Newton steps.";

  public static final String DRIFT_Z_THRESHOLD_CONFIG = "drift.z.threshold";
  public static final String DRIFT_Z_THRESHOLD_DOC =
      "An update whose logloss_z (how surprising the window's progressive log-loss is under the model, about"
          + " N(0, 1) while the model describes the data) exceeds this is marked drift_suspected.";

  public static final String WINDOW_MEMORY_BYTES_CONFIG = "window.memory.bytes";
  public static final String WINDOW_MEMORY_BYTES_DOC =
      "Open-window state each task keeps in memory between commits (beyond it, windows are read back from"
          + " the state store when their key's next event comes). A newton window of p features takes about"
          + " 8 (p + 2)(p + 7) / 2 bytes.";

  public static final String LAMBDA_CONFIG = "lambda";
  public static final String LAMBDA_DOC =
      "Prior precision of each non-intercept coefficient (ridge); the initial information matrix is"
          + " diag(lambda.intercept, lambda, ..., lambda).";

  public static final String LAMBDA_INTERCEPT_CONFIG = "lambda.intercept";
  public static final String LAMBDA_INTERCEPT_DOC = "Prior precision of the intercept.";

  public static final String GAMMA_CONFIG = "gamma";
  public static final String GAMMA_DOC =
      "Forgetting factor in (0, 1]: the previous information matrix is multiplied by gamma before"
          + " each step; 1 keeps all history, less follows drift.";

  public static final String MAX_ITERATIONS_CONFIG = "max.iterations";
  public static final String MAX_ITERATIONS_DOC =
      "Maximum Newton iterations of one renewable step.";

  public static final String PUBLISH_COVARIANCE_CONFIG = "publish.covariance";
  public static final String PUBLISH_COVARIANCE_DOC =
      "Publish the full d x d covariance with every update (d = features + 1).";

  public static final String PROCESSING_GUARANTEE_CONFIG = StreamsConfig.PROCESSING_GUARANTEE_CONFIG;
  public static final String PROCESSING_GUARANTEE_DOC =
      "exactly_once_v2 (no event counted twice or lost across failures) or at_least_once.";

  public static final String COMMIT_INTERVAL_MS_CONFIG = StreamsConfig.COMMIT_INTERVAL_MS_CONFIG;
  public static final String COMMIT_INTERVAL_MS_DOC =
      "How often Kafka Streams commits (and, under exactly-once, makes output visible).";

  public static final String NUM_STANDBY_REPLICAS_CONFIG = StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG;
  public static final String NUM_STANDBY_REPLICAS_DOC =
      "Warm copies of each state store kept on other instances for fast fail-over.";

  public static final String STATE_DIR_CONFIG = StreamsConfig.STATE_DIR_CONFIG;
  public static final String STATE_DIR_DOC = "Directory of the local state stores.";

  public static final String HTTP_HOST_CONFIG = "http.host";
  public static final String HTTP_HOST_DOC =
      "Address the HTTP server binds (interactive queries, health); 0.0.0.0 for all interfaces.";

  public static final String HTTP_PORT_CONFIG = "http.port";
  public static final String HTTP_PORT_DOC = "Port of the HTTP server; 0 picks a free port.";

  public static final String HTTP_ADVERTISED_HOST_CONFIG = "http.advertised.host";
  public static final String HTTP_ADVERTISED_HOST_DOC =
      "Host name other instances use to reach this instance's HTTP server (Kafka Streams'"
          + " application.server is this host with the bound HTTP port); default: http.host, or"
          + " this machine's host name when http.host is 0.0.0.0.";

  public static final String HTTP_SSL_KEYSTORE_LOCATION_CONFIG = "http.ssl.keystore.location";
  public static final String HTTP_SSL_KEYSTORE_LOCATION_DOC =
      "Key store with the HTTP server's private key and certificate; set, the server speaks https only and"
          + " forwards to the other instances over https (the certificate must name the host they reach it at,"
          + " http.advertised.host). Default: plain http.";

  public static final String HTTP_SSL_KEYSTORE_PASSWORD_CONFIG = "http.ssl.keystore.password";
  public static final String HTTP_SSL_KEYSTORE_PASSWORD_DOC = "Password of the HTTP server's key store.";

  public static final String HTTP_SSL_KEYSTORE_TYPE_CONFIG = "http.ssl.keystore.type";
  public static final String HTTP_SSL_KEYSTORE_TYPE_DOC = "Type of the HTTP server's key store (JKS or PKCS12).";

  public static final String HTTP_SSL_KEY_PASSWORD_CONFIG = "http.ssl.key.password";
  public static final String HTTP_SSL_KEY_PASSWORD_DOC =
      "Password of the private key in the HTTP server's key store; default: the key store's password.";

  public static final String HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG = "http.ssl.truststore.location";
  public static final String HTTP_SSL_TRUSTSTORE_LOCATION_DOC =
      "Trust store of the certificates accepted from the other instances when forwarding to them over https;"
          + " default: the JDK's trusted certificates plus those of http.ssl.keystore.location (instances sharing"
          + " one certificate, or one CA in its chain, trust each other).";

  public static final String HTTP_SSL_TRUSTSTORE_PASSWORD_CONFIG = "http.ssl.truststore.password";
  public static final String HTTP_SSL_TRUSTSTORE_PASSWORD_DOC = "Password of the HTTP trust store.";

  public static final String HTTP_SSL_TRUSTSTORE_TYPE_CONFIG = "http.ssl.truststore.type";
  public static final String HTTP_SSL_TRUSTSTORE_TYPE_DOC = "Type of the HTTP trust store (JKS or PKCS12).";

  public static final String HTTP_AUTH_CONFIG = "http.auth";
  public static final String HTTP_AUTH_DOC =
      "Authentication of the HTTP API: none, basic (HTTP basic against http.auth.credentials.file) or bearer"
          + " (Authorization: Bearer with http.auth.token). Locked, every route but /health and /ready answers 401"
          + " without accepted credentials.";

  public static final String HTTP_AUTH_CREDENTIALS_FILE_CONFIG = "http.auth.credentials.file";
  public static final String HTTP_AUTH_CREDENTIALS_FILE_DOC =
      "File of the users http.auth=basic lets in: one user:password per line, or user:{SHA-256}<hex SHA-256 of"
          + " the password>; blank lines and # comments are skipped.";

  public static final String HTTP_AUTH_PEER_USER_INFO_CONFIG = "http.auth.peer.user.info";
  public static final String HTTP_AUTH_PEER_USER_INFO_DOC =
      "user:password this instance sends when it forwards a request to another instance under http.auth=basic"
          + " (never logged); it must be in the credentials file. Default: the file's first user with a plain"
          + " password.";

  public static final String HTTP_AUTH_TOKEN_CONFIG = "http.auth.token";
  public static final String HTTP_AUTH_TOKEN_DOC =
      "The bearer token of http.auth=bearer, also sent to the other instances (never logged).";

  public static final String HTTP_AUTH_TOKEN_FILE_CONFIG = "http.auth.token.file";
  public static final String HTTP_AUTH_TOKEN_FILE_DOC =
      "File whose first line is the bearer token, instead of http.auth.token (e.g. a mounted secret).";

  public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";
  public static final String TOPIC_PARTITIONS_DOC =
      "Partitions of the topics the application creates when they are missing (events,"
          + " coefficients, dead letters and model specs alike, so that they are co-partitioned).";

  public static final String TOPIC_REPLICATION_FACTOR_CONFIG = "topic.replication.factor";
  public static final String TOPIC_REPLICATION_FACTOR_DOC =
      "Replication factor of the topics the application creates.";

  public static final String TOPICS_CREATE_CONFIG = "topics.create";
  public static final String TOPICS_CREATE_DOC =
      "Create the missing topics at start; false makes a missing topic a startup error naming it"
          + " (for clusters where topics are provisioned separately).";

  /**
   * Under the user's home, not the OS temp directory: a temp directory may be cleared under a
   * running application, and Kafka Streams warns about it.
   */
  private static final String DEFAULT_STATE_DIR =
      Paths.get(System.getProperty("user.home"), ".irls-streams", "state").toString();

  /**
   * A new, empty state directory for a short-lived run (demo, replay, benchmarks) under {@code
   * ${user.home}/.irls-streams/scratch}, outside the OS temp directory; the caller deletes it.
   */
  public static Path scratchStateDir(final String prefix) throws IOException {
    final Path parent = Files.createDirectories(Paths.get(System.getProperty("user.home"), ".irls-streams", "scratch"));
    return Files.createTempDirectory(parent, prefix);
  }

  private static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(BOOTSTRAP_SERVERS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
              new NonEmptyList(),
              Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
          .define(APPLICATION_ID_CONFIG, Type.STRING, "irls-streams",
              new ConfigDef.NonEmptyString(), Importance.HIGH, APPLICATION_ID_DOC)
          .define(INPUT_TOPIC_CONFIG, Type.STRING, TopologySettings.DEFAULT_EVENTS_TOPIC,
              new ConfigDef.NonEmptyString(), Importance.HIGH, INPUT_TOPIC_DOC)
          .define(OUTPUT_TOPIC_CONFIG, Type.STRING, TopologySettings.DEFAULT_COEFFICIENTS_TOPIC,
              new ConfigDef.NonEmptyString(), Importance.HIGH, OUTPUT_TOPIC_DOC)
          .define(DLQ_TOPIC_CONFIG, Type.STRING, TopologySettings.DEFAULT_DEAD_LETTER_TOPIC,
              new ConfigDef.NonEmptyString(), Importance.MEDIUM, DLQ_TOPIC_DOC)
          .define(MODEL_SPECS_TOPIC_CONFIG, Type.STRING, TopologySettings.DEFAULT_MODEL_SPECS_TOPIC,
              new ConfigDef.NonEmptyString(), Importance.MEDIUM, MODEL_SPECS_TOPIC_DOC)
          .define(INPUT_FORMAT_CONFIG, Type.STRING, TopologySettings.DEFAULT_INPUT_FORMAT.configName(),
              oneOf(EventFormat::parse, EventFormat.values(), EventFormat::configName),
              Importance.HIGH, INPUT_FORMAT_DOC)
          .define(OUTPUT_FORMAT_CONFIG, Type.STRING, "avro", ValidString.in("avro", "registry-avro"),
              Importance.MEDIUM, OUTPUT_FORMAT_DOC)
          .define(SCORING_INPUT_TOPIC_CONFIG, Type.STRING, "", Importance.MEDIUM, SCORING_INPUT_TOPIC_DOC)
          .define(SCORING_INPUT_FORMAT_CONFIG, Type.STRING, ScoringStream.DEFAULT_INPUT_FORMAT.configName(),
              oneOf(ScoringRequestFormat::parse, ScoringRequestFormat.values(), ScoringRequestFormat::configName),
              Importance.MEDIUM, SCORING_INPUT_FORMAT_DOC)
          .define(PREDICTIONS_TOPIC_CONFIG, Type.STRING, ScoringStream.DEFAULT_PREDICTIONS_TOPIC,
              new ConfigDef.NonEmptyString(), Importance.MEDIUM, PREDICTIONS_TOPIC_DOC)
          .define(SCHEMA_REGISTRY_URL_CONFIG, Type.LIST, "", new RegistryUrls(),
              Importance.MEDIUM, SCHEMA_REGISTRY_URL_DOC)
          .define(SCHEMA_REGISTRY_USER_INFO_CONFIG, Type.PASSWORD, null,
              Importance.MEDIUM, SCHEMA_REGISTRY_USER_INFO_DOC)
          .define(SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, null,
              Importance.LOW, SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_DOC)
          .define(SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null,
              Importance.LOW, SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_DOC)
          .define(SCHEMA_REGISTRY_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "JKS", new ConfigDef.NonEmptyString(),
              Importance.LOW, SCHEMA_REGISTRY_TRUSTSTORE_TYPE_DOC)
          .define(SCHEMA_REGISTRY_KEYSTORE_LOCATION_CONFIG, Type.STRING, null,
              Importance.LOW, SCHEMA_REGISTRY_KEYSTORE_LOCATION_DOC)
          .define(SCHEMA_REGISTRY_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null,
              Importance.LOW, SCHEMA_REGISTRY_KEYSTORE_PASSWORD_DOC)
          .define(SCHEMA_REGISTRY_KEYSTORE_TYPE_CONFIG, Type.STRING, "JKS", new ConfigDef.NonEmptyString(),
              Importance.LOW, SCHEMA_REGISTRY_KEYSTORE_TYPE_DOC)
          .define(SCHEMA_REGISTRY_KEY_PASSWORD_CONFIG, Type.PASSWORD, null,
              Importance.LOW, SCHEMA_REGISTRY_KEY_PASSWORD_DOC)
          .define(SCHEMA_REGISTRY_CONNECT_TIMEOUT_MS_CONFIG, Type.LONG, 5_000L, Range.atLeast(1),
              Importance.LOW, SCHEMA_REGISTRY_CONNECT_TIMEOUT_MS_DOC)
          .define(SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(1),
              Importance.LOW, SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_DOC)
          .define(SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG, Type.LONG, 500L, Range.atLeast(1),
              Importance.LOW, SCHEMA_REGISTRY_RETRY_BACKOFF_MS_DOC)
          .define(SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(1),
              Importance.LOW, SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_DOC)
          .define(WINDOW_EVENTS_CONFIG, Type.LONG, TopologySettings.DEFAULT_WINDOW_EVENTS, Range.atLeast(1),
              Importance.HIGH, WINDOW_EVENTS_DOC)
          .define(WINDOW_MS_CONFIG, Type.LONG, TopologySettings.DEFAULT_WINDOW_MS, Range.atLeast(1),
              Importance.HIGH, WINDOW_MS_DOC)
          .define(IDLE_CLOSE_MS_CONFIG, Type.LONG, TopologySettings.DEFAULT_IDLE_CLOSE_MS, Range.atLeast(1),
              Importance.MEDIUM, IDLE_CLOSE_MS_DOC)
          .define(GRACE_MS_CONFIG, Type.LONG, TopologySettings.DEFAULT_GRACE_MS, Range.atLeast(0),
              Importance.MEDIUM, GRACE_MS_DOC)
          .define(STEP_MODE_CONFIG, Type.STRING, TopologySettings.DEFAULT_STEP_MODE.configName(),
              oneOf(StepMode::parse, StepMode.values(), StepMode::configName),
              Importance.HIGH, STEP_MODE_DOC)
          .define(HYBRID_WARMUP_WINDOWS_CONFIG, Type.INT, TopologySettings.DEFAULT_HYBRID_WARMUP_WINDOWS,
              Range.atLeast(0), Importance.MEDIUM, HYBRID_WARMUP_WINDOWS_DOC)
          .define(DRIFT_Z_THRESHOLD_CONFIG, Type.DOUBLE, TopologySettings.DEFAULT_DRIFT_Z_THRESHOLD,
              finiteAtLeast(0.5), Importance.MEDIUM, DRIFT_Z_THRESHOLD_DOC)
          .define(LAMBDA_CONFIG, Type.DOUBLE, TopologySettings.DEFAULT_LAMBDA, finiteAtLeast(0.0),
              Importance.MEDIUM, LAMBDA_DOC)
          .define(LAMBDA_INTERCEPT_CONFIG, Type.DOUBLE, TopologySettings.DEFAULT_LAMBDA_INTERCEPT, finiteAtLeast(0.0),
              Importance.MEDIUM, LAMBDA_INTERCEPT_DOC)
          .define(GAMMA_CONFIG, Type.DOUBLE, TopologySettings.DEFAULT_GAMMA, new OpenClosedUnitInterval(),
              Importance.MEDIUM, GAMMA_DOC)
          .define(MAX_ITERATIONS_CONFIG, Type.INT, TopologySettings.DEFAULT_MAX_ITERATIONS, Range.atLeast(1),
              Importance.LOW, MAX_ITERATIONS_DOC)
          .define(PUBLISH_COVARIANCE_CONFIG, Type.BOOLEAN, TopologySettings.DEFAULT_PUBLISH_COVARIANCE,
              Importance.LOW, PUBLISH_COVARIANCE_DOC)
          .define(WINDOW_MEMORY_BYTES_CONFIG, Type.LONG, TopologySettings.DEFAULT_WINDOW_MEMORY_BYTES,
              Range.atLeast(0), Importance.LOW, WINDOW_MEMORY_BYTES_DOC)
          .define(PROCESSING_GUARANTEE_CONFIG, Type.STRING, StreamsConfig.EXACTLY_ONCE_V2,
              ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
              Importance.MEDIUM, PROCESSING_GUARANTEE_DOC)
          .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 100L, Range.atLeast(1),
              Importance.LOW, COMMIT_INTERVAL_MS_DOC)
          .define(NUM_STANDBY_REPLICAS_CONFIG, Type.INT, 0, Range.atLeast(0),
              Importance.LOW, NUM_STANDBY_REPLICAS_DOC)
          .define(STATE_DIR_CONFIG, Type.STRING, DEFAULT_STATE_DIR,
              new ConfigDef.NonEmptyString(), Importance.MEDIUM, STATE_DIR_DOC)
          .define(HTTP_HOST_CONFIG, Type.STRING, "127.0.0.1",
              new ConfigDef.NonEmptyString(), Importance.MEDIUM, HTTP_HOST_DOC)
          .define(HTTP_PORT_CONFIG, Type.INT, 8080, Range.between(0, 65535),
              Importance.MEDIUM, HTTP_PORT_DOC)
          .define(HTTP_ADVERTISED_HOST_CONFIG, Type.STRING, null,
              Importance.LOW, HTTP_ADVERTISED_HOST_DOC)
          .define(HTTP_SSL_KEYSTORE_LOCATION_CONFIG, Type.STRING, null,
              Importance.MEDIUM, HTTP_SSL_KEYSTORE_LOCATION_DOC)
          .define(HTTP_SSL_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null,
              Importance.MEDIUM, HTTP_SSL_KEYSTORE_PASSWORD_DOC)
          .define(HTTP_SSL_KEYSTORE_TYPE_CONFIG, Type.STRING, "JKS", new ConfigDef.NonEmptyString(),
              Importance.LOW, HTTP_SSL_KEYSTORE_TYPE_DOC)
          .define(HTTP_SSL_KEY_PASSWORD_CONFIG, Type.PASSWORD, null,
              Importance.LOW, HTTP_SSL_KEY_PASSWORD_DOC)
          .define(HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, null,
              Importance.LOW, HTTP_SSL_TRUSTSTORE_LOCATION_DOC)
          .define(HTTP_SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null,
              Importance.LOW, HTTP_SSL_TRUSTSTORE_PASSWORD_DOC)
          .define(HTTP_SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "JKS", new ConfigDef.NonEmptyString(),
              Importance.LOW, HTTP_SSL_TRUSTSTORE_TYPE_DOC)
          .define(HTTP_AUTH_CONFIG, Type.STRING, "none", ValidString.in("none", "basic", "bearer"),
              Importance.MEDIUM, HTTP_AUTH_DOC)
          .define(HTTP_AUTH_CREDENTIALS_FILE_CONFIG, Type.STRING, null,
              Importance.MEDIUM, HTTP_AUTH_CREDENTIALS_FILE_DOC)
          .define(HTTP_AUTH_PEER_USER_INFO_CONFIG, Type.PASSWORD, null,
              Importance.LOW, HTTP_AUTH_PEER_USER_INFO_DOC)
          .define(HTTP_AUTH_TOKEN_CONFIG, Type.PASSWORD, null,
              Importance.MEDIUM, HTTP_AUTH_TOKEN_DOC)
          .define(HTTP_AUTH_TOKEN_FILE_CONFIG, Type.STRING, null,
              Importance.LOW, HTTP_AUTH_TOKEN_FILE_DOC)
          .define(TOPIC_PARTITIONS_CONFIG, Type.INT, 4, Range.atLeast(1),
              Importance.LOW, TOPIC_PARTITIONS_DOC)
          .define(TOPIC_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) 1, Range.atLeast(1),
              Importance.LOW, TOPIC_REPLICATION_FACTOR_DOC)
          .define(TOPICS_CREATE_CONFIG, Type.BOOLEAN, true,
              Importance.LOW, TOPICS_CREATE_DOC);

  /** Options that only this application reads; everything else may be meant for Kafka. */
  private static final Set<String> APPLICATION_ONLY =
      Set.of(INPUT_TOPIC_CONFIG, OUTPUT_TOPIC_CONFIG, DLQ_TOPIC_CONFIG, MODEL_SPECS_TOPIC_CONFIG,
          INPUT_FORMAT_CONFIG, WINDOW_EVENTS_CONFIG, WINDOW_MS_CONFIG, IDLE_CLOSE_MS_CONFIG,
          GRACE_MS_CONFIG, STEP_MODE_CONFIG, LAMBDA_CONFIG, LAMBDA_INTERCEPT_CONFIG, GAMMA_CONFIG,
          MAX_ITERATIONS_CONFIG, PUBLISH_COVARIANCE_CONFIG, DRIFT_Z_THRESHOLD_CONFIG, HTTP_HOST_CONFIG, HTTP_PORT_CONFIG,
          HTTP_ADVERTISED_HOST_CONFIG, TOPIC_PARTITIONS_CONFIG, TOPIC_REPLICATION_FACTOR_CONFIG, TOPICS_CREATE_CONFIG,
          OUTPUT_FORMAT_CONFIG, SCORING_INPUT_TOPIC_CONFIG, SCORING_INPUT_FORMAT_CONFIG, PREDICTIONS_TOPIC_CONFIG,
          SCHEMA_REGISTRY_URL_CONFIG, SCHEMA_REGISTRY_USER_INFO_CONFIG,
          SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_CONFIG, SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_CONFIG,
          SCHEMA_REGISTRY_TRUSTSTORE_TYPE_CONFIG, SCHEMA_REGISTRY_KEYSTORE_LOCATION_CONFIG,
          SCHEMA_REGISTRY_KEYSTORE_PASSWORD_CONFIG, SCHEMA_REGISTRY_KEYSTORE_TYPE_CONFIG,
          SCHEMA_REGISTRY_KEY_PASSWORD_CONFIG, SCHEMA_REGISTRY_CONNECT_TIMEOUT_MS_CONFIG,
          SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG, SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG,
          SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG, HTTP_SSL_KEYSTORE_LOCATION_CONFIG,
          HTTP_SSL_KEYSTORE_PASSWORD_CONFIG, HTTP_SSL_KEYSTORE_TYPE_CONFIG, HTTP_SSL_KEY_PASSWORD_CONFIG,
          HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG, HTTP_SSL_TRUSTSTORE_PASSWORD_CONFIG, HTTP_SSL_TRUSTSTORE_TYPE_CONFIG,
          HTTP_AUTH_CONFIG, HTTP_AUTH_CREDENTIALS_FILE_CONFIG, HTTP_AUTH_PEER_USER_INFO_CONFIG, HTTP_AUTH_TOKEN_CONFIG,
          HTTP_AUTH_TOKEN_FILE_CONFIG);

  /** Streams settings whose values this class owns (the rest of the originals pass through). */
  private static final Set<String> STREAMS_OWNED =
      Set.of(BOOTSTRAP_SERVERS_CONFIG, APPLICATION_ID_CONFIG, PROCESSING_GUARANTEE_CONFIG,
          COMMIT_INTERVAL_MS_CONFIG, NUM_STANDBY_REPLICAS_CONFIG, STATE_DIR_CONFIG);

  /** Options of Kafka Streams that no producer, consumer or admin client understands. */
  private static final Set<String> STREAMS_ONLY = streamsOnlyNames();

  private static Set<String> streamsOnlyNames() {
    final Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
    names.removeAll(ProducerConfig.configNames());
    names.removeAll(ConsumerConfig.configNames());
    names.removeAll(AdminClientConfig.configNames());
    return Set.copyOf(names);
  }

  /**
   * Parses and validates {@code props}.
   *
   * @throws ConfigException naming the option, the value and what is accepted
   */
  public IrlsConfig(final Map<?, ?> props) {
    super(CONFIG_DEF, props, false);
    if (getList(SCHEMA_REGISTRY_URL_CONFIG).isEmpty()) {
      if (inputFormat().needsRegistry()) {
        throw new ConfigException(INPUT_FORMAT_CONFIG, getString(INPUT_FORMAT_CONFIG),
            "registry-avro needs " + SCHEMA_REGISTRY_URL_CONFIG);
      }
      if (outputFramedForRegistry()) {
        throw new ConfigException(OUTPUT_FORMAT_CONFIG, getString(OUTPUT_FORMAT_CONFIG),
            "registry-avro needs " + SCHEMA_REGISTRY_URL_CONFIG);
      }
    }
    if (scoringInputTopic().isPresent()) {
      final String scoring = scoringInputTopic().get();
      if (scoring.equals(inputTopic()) || scoring.equals(modelSpecsTopic())) {
        throw new ConfigException(SCORING_INPUT_TOPIC_CONFIG, scoring,
            "must be neither " + INPUT_TOPIC_CONFIG + " nor " + MODEL_SPECS_TOPIC_CONFIG);
      }
      final String predictions = predictionsTopic();
      if (predictions.equals(inputTopic()) || predictions.equals(modelSpecsTopic()) || predictions.equals(scoring)) {
        throw new ConfigException(PREDICTIONS_TOPIC_CONFIG, predictions, "must not be a topic the application reads ("
            + INPUT_TOPIC_CONFIG + ", " + MODEL_SPECS_TOPIC_CONFIG + ", " + SCORING_INPUT_TOPIC_CONFIG + ")");
      }
    }
    if (getLong(SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG) < getLong(SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG)) {
      throw new ConfigException(SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG,
          getLong(SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG),
          "must be at least " + SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG);
    }
    requireCoherentHttpSecurity();
  }

  /**
   * The HTTP options that belong together are set together: an option of another authentication
   * than the one chosen is refused rather than ignored, so that an instance believed locked is not
   * left open. Secret values are never echoed.
   */
  private void requireCoherentHttpSecurity() {
    final String auth = getString(HTTP_AUTH_CONFIG);
    if (getString(HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG) != null && getString(HTTP_SSL_KEYSTORE_LOCATION_CONFIG) == null) {
      throw new ConfigException(HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG, getString(HTTP_SSL_TRUSTSTORE_LOCATION_CONFIG),
          "TLS for the HTTP server needs " + HTTP_SSL_KEYSTORE_LOCATION_CONFIG);
    }
    final boolean token = getPassword(HTTP_AUTH_TOKEN_CONFIG) != null;
    final boolean tokenFile = getString(HTTP_AUTH_TOKEN_FILE_CONFIG) != null;
    final boolean credentials = getString(HTTP_AUTH_CREDENTIALS_FILE_CONFIG) != null;
    final boolean peerUser = getPassword(HTTP_AUTH_PEER_USER_INFO_CONFIG) != null;
    if ("basic".equals(auth) && !credentials) {
      throw new ConfigException(HTTP_AUTH_CONFIG, auth, "basic needs " + HTTP_AUTH_CREDENTIALS_FILE_CONFIG);
    }
    if ("bearer".equals(auth) && token == tokenFile) {
      throw new ConfigException(HTTP_AUTH_CONFIG, auth, "bearer needs either " + HTTP_AUTH_TOKEN_CONFIG + " or "
          + HTTP_AUTH_TOKEN_FILE_CONFIG + (token ? ", not both" : ""));
    }
    if (token && !isBearerToken(getPassword(HTTP_AUTH_TOKEN_CONFIG).value())) {
      throw new ConfigException(HTTP_AUTH_TOKEN_CONFIG, "(hidden)", "the token must not be empty or hold spaces or anything but visible ASCII");
    }
    for (final Map.Entry<String, Boolean> option : List.of(Map.entry(HTTP_AUTH_CREDENTIALS_FILE_CONFIG, credentials),
        Map.entry(HTTP_AUTH_PEER_USER_INFO_CONFIG, peerUser), Map.entry(HTTP_AUTH_TOKEN_CONFIG, token),
        Map.entry(HTTP_AUTH_TOKEN_FILE_CONFIG, tokenFile))) {
      final String needs = option.getKey().startsWith("http.auth.token") ? "bearer" : "basic";
      if (option.getValue() && !needs.equals(auth)) {
        throw new ConfigException(option.getKey(), "(hidden)", "belongs to " + HTTP_AUTH_CONFIG + "=" + needs
            + ", but " + HTTP_AUTH_CONFIG + " is " + auth);
      }
    }
  }

  /** The definition of every option (for documentation and tooling). */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG_DEF);
  }

  /**
   * Loads a {@code .properties} file, then applies {@code overrides} on top (e.g. from the command
   * line); both may carry any Kafka client property.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws ConfigException if the result is invalid
   */
  public static IrlsConfig load(final Path file, final Map<String, ?> overrides) {
    // no environment here: the command line's order (file < IRLS_* < -D < flags) is ConfigSources'
    return ConfigSources.resolve(java.util.Optional.of(file), Map.of(), Map.of(), overrides);
  }

  /** The same configuration with {@code overrides} applied on top. */
  public IrlsConfig with(final Map<String, ?> overrides) {
    final Map<String, Object> merged = new HashMap<>(originals());
    merged.putAll(overrides);
    return new IrlsConfig(merged);
  }

  /**
   * The Kafka Streams configuration: this class's Streams settings (bootstrap servers,
   * application id, processing guarantee, commit interval, standby replicas, state directory), plus
   * every original property this class does not define, unchanged (ssl., sasl., num.stream.threads,
   * producer./consumer. prefixes, ...). The application's own options are left out.
   */
  public Properties streamsProperties() {
    final Properties props = new Properties();
    originals().forEach((name, value) -> {
      if (!APPLICATION_ONLY.contains(name) && !STREAMS_OWNED.contains(name)) {
        props.put(name, value);
      }
    });
    props.put(BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers()));
    props.put(APPLICATION_ID_CONFIG, applicationId());
    props.put(PROCESSING_GUARANTEE_CONFIG, processingGuarantee());
    props.put(COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS_CONFIG));
    props.put(NUM_STANDBY_REPLICAS_CONFIG, getInt(NUM_STANDBY_REPLICAS_CONFIG));
    props.put(STATE_DIR_CONFIG, stateDir());
    return props;
  }

  /**
   * Connection settings for an admin client or a plain producer/consumer: the bootstrap servers
   * and every original property this class does not define (security settings and the like).
   */
  public Map<String, Object> clientProperties() {
    final Map<String, Object> props = new HashMap<>();
    originals().forEach((name, value) -> {
      if (!APPLICATION_ONLY.contains(name) && !STREAMS_OWNED.contains(name)
          && !name.startsWith("producer.") && !name.startsWith("consumer.")
          && !name.startsWith("admin.") && !name.startsWith("main.consumer.")
          && !name.startsWith("restore.consumer.") && !name.startsWith("global.consumer.")
          && !name.startsWith("topic.") && !isStreamsOnly(name)) {
        props.put(name, value);
      }
    });
    props.put(BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers()));
    return props;
  }

  /** Admin client settings: {@link #clientProperties()}. */
  public Map<String, Object> adminProperties() {
    return clientProperties();
  }

  private static boolean isStreamsOnly(final String name) {
    return STREAMS_ONLY.contains(name);
  }

  public List<String> bootstrapServers() {
    return getList(BOOTSTRAP_SERVERS_CONFIG);
  }

  public String applicationId() {
    return getString(APPLICATION_ID_CONFIG);
  }

  public String inputTopic() {
    return getString(INPUT_TOPIC_CONFIG);
  }

  public String outputTopic() {
    return getString(OUTPUT_TOPIC_CONFIG);
  }

  public String dlqTopic() {
    return getString(DLQ_TOPIC_CONFIG);
  }

  public String modelSpecsTopic() {
    return getString(MODEL_SPECS_TOPIC_CONFIG);
  }

  public EventFormat inputFormat() {
    return EventFormat.parse(getString(INPUT_FORMAT_CONFIG));
  }

  /** The topic of scoring requests, empty when there is no scoring stream ({@value #SCORING_INPUT_TOPIC_CONFIG} unset). */
  public Optional<String> scoringInputTopic() {
    final String topic = getString(SCORING_INPUT_TOPIC_CONFIG).trim();
    return topic.isEmpty() ? Optional.empty() : Optional.of(topic);
  }

  public ScoringRequestFormat scoringInputFormat() {
    return ScoringRequestFormat.parse(getString(SCORING_INPUT_FORMAT_CONFIG));
  }

  public String predictionsTopic() {
    return getString(PREDICTIONS_TOPIC_CONFIG);
  }

  /** The scoring stream, when {@value #SCORING_INPUT_TOPIC_CONFIG} is set. */
  public Optional<ScoringStream> scoringStream() {
    return scoringInputTopic().map(topic -> new ScoringStream(topic, scoringInputFormat(), predictionsTopic()));
  }

  /**
   * Whether coefficient updates, and the predictions of a scoring stream, are framed for a schema
   * registry ({@code output.format=registry-avro}).
   */
  public boolean outputFramedForRegistry() {
    return "registry-avro".equals(getString(OUTPUT_FORMAT_CONFIG));
  }

  /** How to reach the schema registry, when {@value #SCHEMA_REGISTRY_URL_CONFIG} is set. */
  public Optional<RegistrySettings> registrySettings() {
    final List<String> urls = getList(SCHEMA_REGISTRY_URL_CONFIG);
    if (urls.isEmpty()) {
      return Optional.empty();
    }
    final TlsMaterial tls = tlsMaterial("schema.registry.ssl.");
    return Optional.of(new RegistrySettings(
        urls.stream().map(u -> URI.create(u.trim())).toList(),
        password(SCHEMA_REGISTRY_USER_INFO_CONFIG), tls,
        Duration.ofMillis(getLong(SCHEMA_REGISTRY_CONNECT_TIMEOUT_MS_CONFIG)),
        Duration.ofMillis(getLong(SCHEMA_REGISTRY_REQUEST_TIMEOUT_MS_CONFIG)),
        Duration.ofMillis(getLong(SCHEMA_REGISTRY_RETRY_BACKOFF_MS_CONFIG)),
        Duration.ofMillis(getLong(SCHEMA_REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG))));
  }

  /**
   * The key and trust stores of the options named {@code prefix} + {@code keystore.location} and so
   * on, as Kafka's clients name theirs ({@code schema.registry.ssl.}, {@code http.ssl.}).
   */
  private TlsMaterial tlsMaterial(final String prefix) {
    return new TlsMaterial(
        Optional.ofNullable(getString(prefix + "truststore.location")), password(prefix + "truststore.password"),
        getString(prefix + "truststore.type"),
        Optional.ofNullable(getString(prefix + "keystore.location")), password(prefix + "keystore.password"),
        getString(prefix + "keystore.type"), password(prefix + "key.password"));
  }

  private Optional<String> password(final String name) {
    final Password value = getPassword(name);
    return value == null ? Optional.empty() : Optional.of(value.value());
  }

  public long windowEvents() {
    return getLong(WINDOW_EVENTS_CONFIG);
  }

  public long windowMs() {
    return getLong(WINDOW_MS_CONFIG);
  }

  public long idleCloseMs() {
    return getLong(IDLE_CLOSE_MS_CONFIG);
  }

  public long graceMs() {
    return getLong(GRACE_MS_CONFIG);
  }

  /** {@code renewable} or {@code newton}, lower case. */
  public String stepMode() {
    return StepMode.parse(getString(STEP_MODE_CONFIG)).configName();
  }

  public double lambda() {
    return getDouble(LAMBDA_CONFIG);
  }

  public double lambdaIntercept() {
    return getDouble(LAMBDA_INTERCEPT_CONFIG);
  }

  public double gamma() {
    return getDouble(GAMMA_CONFIG);
  }

  public int maxIterations() {
    return getInt(MAX_ITERATIONS_CONFIG);
  }

  public boolean publishCovariance() {
    return getBoolean(PUBLISH_COVARIANCE_CONFIG);
  }

  /**
   * What the topology reads from this configuration; the bound on the number of features, which has
   * no option, stays {@link TopologySettings#DEFAULT_MAX_FEATURES}.
   */
  public TopologySettings topologySettings() {
    final TopologySettings.Builder settings = TopologySettings.builder()
        .eventsTopic(inputTopic())
        .coefficientsTopic(outputTopic())
        .deadLetterTopic(dlqTopic())
        .modelSpecsTopic(modelSpecsTopic())
        .inputFormat(inputFormat())
        .windowEvents(windowEvents())
        .windowMs(windowMs())
        .idleCloseMs(idleCloseMs())
        .graceMs(graceMs())
        .stepMode(StepMode.parse(getString(STEP_MODE_CONFIG)))
        .lambda(lambda())
        .lambdaIntercept(lambdaIntercept())
        .gamma(gamma())
        .maxIterations(maxIterations())
        .publishCovariance(publishCovariance())
        .hybridWarmupWindows(getInt(HYBRID_WARMUP_WINDOWS_CONFIG))
        .windowMemoryBytes(getLong(WINDOW_MEMORY_BYTES_CONFIG))
        .driftZThreshold(getDouble(DRIFT_Z_THRESHOLD_CONFIG));
    scoringStream().ifPresent(settings::scoring);
    return settings.build();
  }

  /**
   * {@link #topologySettings()} with updates framed with {@code outputSchemaId}, the registry's id of
   * CoefficientUpdate, and predictions with {@code predictionSchemaId}, its id of Prediction (each
   * when present; the second only with a scoring stream).
   */
  public TopologySettings topologySettings(final OptionalInt outputSchemaId, final OptionalInt predictionSchemaId) {
    final TopologySettings.Builder settings = topologySettings().toBuilder();
    outputSchemaId.ifPresent(settings::outputSchemaId);
    predictionSchemaId.ifPresent(settings::predictionSchemaId);
    return settings.build();
  }

  public String processingGuarantee() {
    return getString(PROCESSING_GUARANTEE_CONFIG);
  }

  public long commitIntervalMs() {
    return getLong(COMMIT_INTERVAL_MS_CONFIG);
  }

  public int numStandbyReplicas() {
    return getInt(NUM_STANDBY_REPLICAS_CONFIG);
  }

  public String stateDir() {
    return getString(STATE_DIR_CONFIG);
  }

  public String httpHost() {
    return getString(HTTP_HOST_CONFIG);
  }

  public int httpPort() {
    return getInt(HTTP_PORT_CONFIG);
  }

  /**
   * The host other instances reach this one's HTTP server at: {@value #HTTP_ADVERTISED_HOST_CONFIG}
   * when set, else {@value #HTTP_HOST_CONFIG}, or this machine's host name when that is a
   * wildcard address (0.0.0.0 or ::).
   */
  public String httpAdvertisedHost() {
    final String advertised = getString(HTTP_ADVERTISED_HOST_CONFIG);
    if (advertised != null && !advertised.isBlank()) {
      return advertised.trim();
    }
    final String host = httpHost();
    if (httpOnAllInterfaces()) {
      try {
        return java.net.InetAddress.getLocalHost().getCanonicalHostName();
      } catch (final java.net.UnknownHostException e) {
        return "localhost";
      }
    }
    return host;
  }

  /**
   * Whether {@code token} can travel in an {@code Authorization: Bearer} header: visible ASCII only
   * (RFC 6750's token68 is narrower), since the JDK server reads headers as ISO-8859-1 and its
   * client refuses control characters, so any other token could never match or be sent to a peer.
   */
  private static boolean isBearerToken(final String token) {
    return !token.isEmpty() && token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  /**
   * How the HTTP server is locked ({@code http.ssl.*}, {@code http.auth*}): reads the key stores and
   * the credentials or token file, so that anything unreadable is reported before Kafka is asked.
   *
   * @throws ConfigException naming the option and the file that cannot be used, never a secret
   */
  public HttpSecurity httpSecurity() {
    final HttpAuth auth = switch (getString(HTTP_AUTH_CONFIG)) {
      case "basic" -> basicAuth();
      case "bearer" -> HttpAuth.bearer(password(HTTP_AUTH_TOKEN_CONFIG).orElseGet(this::tokenFromFile));
      default -> HttpAuth.NONE;
    };
    final String keystore = getString(HTTP_SSL_KEYSTORE_LOCATION_CONFIG);
    if (keystore == null) {
      return HttpSecurity.plain(auth);
    }
    final TlsMaterial material = tlsMaterial("http.ssl.");
    try {
      return HttpSecurity.tls(material, auth);
    } catch (final IllegalArgumentException e) {
      // the message names the option and the file, never the password
      throw new ConfigException(e.getMessage());
    }
  }

  private HttpAuth basicAuth() {
    final String file = getString(HTTP_AUTH_CREDENTIALS_FILE_CONFIG);
    final HttpAuth auth;
    try {
      auth = HttpAuth.basic(readLines(HTTP_AUTH_CREDENTIALS_FILE_CONFIG), password(HTTP_AUTH_PEER_USER_INFO_CONFIG));
    } catch (final IllegalArgumentException e) {
      throw new ConfigException(HTTP_AUTH_CREDENTIALS_FILE_CONFIG, file, e.getMessage());
    }
    // instances of one application share the file: what this one sends, it must accept itself
    if (password(HTTP_AUTH_PEER_USER_INFO_CONFIG).isPresent() && !auth.accepts(auth.peerAuthorization().orElseThrow())) {
      throw new ConfigException(HTTP_AUTH_PEER_USER_INFO_CONFIG, "(hidden)",
          "must be a user:password that " + HTTP_AUTH_CREDENTIALS_FILE_CONFIG + " " + file + " accepts");
    }
    return auth;
  }

  private String tokenFromFile() {
    final List<String> lines = readLines(HTTP_AUTH_TOKEN_FILE_CONFIG);
    final String token = lines.isEmpty() ? "" : lines.get(0).strip();
    if (!isBearerToken(token)) {
      throw new ConfigException(HTTP_AUTH_TOKEN_FILE_CONFIG, getString(HTTP_AUTH_TOKEN_FILE_CONFIG),
          "its first line must be the token, not empty and without spaces, visible ASCII only");
    }
    return token;
  }

  private List<String> readLines(final String option) {
    final String file = getString(option);
    try {
      return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
    } catch (final IOException | InvalidPathException e) {
      throw new ConfigException(option, file, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** Whether {@value #HTTP_HOST_CONFIG} is a wildcard address (0.0.0.0 or ::): every interface. */
  public boolean httpOnAllInterfaces() {
    final String host = httpHost();
    return "0.0.0.0".equals(host) || "::".equals(host) || "[::]".equals(host);
  }

  public int topicPartitions() {
    return getInt(TOPIC_PARTITIONS_CONFIG);
  }

  public short topicReplicationFactor() {
    return getShort(TOPIC_REPLICATION_FACTOR_CONFIG);
  }

  public boolean createTopics() {
    return getBoolean(TOPICS_CREATE_CONFIG);
  }

  /**
   * Every option as a Markdown table (name, default, valid values, description), in definition
   * order, for the README.
   */
  public static String markdownTable() {
    final StringBuilder md = new StringBuilder();
    md.append("| option | default | valid values | description |\n");
    md.append("|---|---|---|---|\n");
    for (final ConfigDef.ConfigKey key : CONFIG_DEF.configKeys().values()) {
      md.append("| `").append(key.name).append("` | ")
          .append(key.hasDefault() ? code(defaultText(key)) : "(required)").append(" | ")
          .append(key.validator == null ? "" : cell(key.validator.toString())).append(" | ")
          .append(cell(key.documentation)).append(" |\n");
    }
    return md.toString();
  }

  private static String defaultText(final ConfigDef.ConfigKey key) {
    if (key.name.equals(STATE_DIR_CONFIG)) {
      return "${user.home}/.irls-streams/state";
    }
    return ConfigDef.convertToString(key.defaultValue, key.type);
  }

  private static String code(final String text) {
    return text == null || text.isEmpty() ? "\"\"" : "`" + text + "`";
  }

  private static String cell(final String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  /**
   * Accepts what {@code parse} accepts, so that the configuration and the code that reads it cannot
   * disagree; lists the values' configuration names, in declaration order.
   */
  private static <T> ConfigDef.Validator oneOf(
      final Function<String, T> parse, final T[] values, final Function<T, String> configName) {
    final List<String> accepted = Arrays.stream(values).map(configName).toList();
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(final String name, final Object value) {
        try {
          parse.apply((String) value);
        } catch (final IllegalArgumentException e) {
          throw new ConfigException(name, value, "Value must be one of " + String.join(", ", accepted));
        }
      }

      @Override
      public String toString() {
        return String.join(", ", accepted);
      }
    };
  }

  private static ConfigDef.Validator finiteAtLeast(final double min) {
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(final String name, final Object value) {
        final double v = (Double) value;
        if (!Double.isFinite(v) || v < min) {
          throw new ConfigException(name, value, "Value must be a finite number at least " + min);
        }
      }

      @Override
      public String toString() {
        return "[" + min + ",...]";
      }
    };
  }

  /** Accepts a list with at least one non-blank entry. */
  private static final class NonEmptyList implements ConfigDef.Validator {
    @Override
    public void ensureValid(final String name, final Object value) {
      final List<?> list = (List<?>) value;
      if (list == null || list.isEmpty() || list.stream().anyMatch(v -> v.toString().isBlank())) {
        throw new ConfigException(name, value, "At least one host:port is required");
      }
    }

    @Override
    public String toString() {
      return "host:port[,host:port...]";
    }
  }

  /** Accepts http and https URLs with a host and without credentials in them. */
  private static final class RegistryUrls implements ConfigDef.Validator {
    @Override
    public void ensureValid(final String name, final Object value) {
      for (final Object item : (List<?>) value) {
        final String text = item.toString().trim();
        final URI uri;
        try {
          uri = new URI(text);
        } catch (final URISyntaxException e) {
          throw new ConfigException(name, "(hidden)", "Not a URL: " + e.getReason());
        }
        // the raw authority too: java.net.URI leaves the user info unparsed in an opaque URI
        // (user:pw@host:8081) or a host it cannot parse (schema_registry), and the value holds a secret
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))
            || (uri.isOpaque() && text.contains("@"))) {
          // the value is not echoed
          throw new ConfigException(name, "(hidden)", "Credentials do not belong in the URL: set "
              + SCHEMA_REGISTRY_USER_INFO_CONFIG);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
          throw new ConfigException(name, text, "Value must be http:// or https:// URLs with a host");
        }
      }
    }

    @Override
    public String toString() {
      return "http(s)://host:port[/path][,...]";
    }
  }

  /** Accepts a double in (0, 1]. */
  private static final class OpenClosedUnitInterval implements ConfigDef.Validator {
    @Override
    public void ensureValid(final String name, final Object value) {
      final double v = (Double) value;
      if (!(v > 0.0 && v <= 1.0)) {
        throw new ConfigException(name, value, "Value must be in (0, 1]");
      }
    }

    @Override
    public String toString() {
      return "(0, 1]";
    }
  }
}
