package io.github.irls.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Fails fast when no broker answers: Kafka's clients (and Kafka Streams) otherwise retry forever,
 * logging a warning per attempt, which reads as a hang to someone who mistyped a host name.
 */
public final class KafkaReachability {

  /** How long {@link #check(Map)} waits for a broker. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private KafkaReachability() {}

  /** {@link #check(Map, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public static void check(final Map<String, Object> clientProperties) {
    check(clientProperties, DEFAULT_TIMEOUT);
  }

  /**
   * Asks the cluster for its id and returns when a broker answered.
   *
   * @param clientProperties admin-client settings: bootstrap servers and security settings
   * @throws KafkaUnavailableException if no broker answered within {@code timeout}, or the
   *     bootstrap addresses cannot be resolved
   */
  public static void check(final Map<String, Object> clientProperties, final Duration timeout) {
    final Object servers = clientProperties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    final int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    final Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    // a few connection attempts, not one warning every 50 ms
    props.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 1000);
    props.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000);
    final Admin admin;
    try {
      admin = Admin.create(props);
    } catch (final KafkaException e) {
      throw new KafkaUnavailableException(
          "Cannot connect to Kafka at " + servers + ": " + rootMessage(e), e);
    }
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms))
          .clusterId()
          .get(ms + 2000L, TimeUnit.MILLISECONDS);
    } catch (final ExecutionException | TimeoutException e) {
      throw new KafkaUnavailableException(
          "No Kafka broker answered at " + servers + " within " + timeout.toSeconds()
              + " s (is it running, and is --bootstrap-servers right?): " + rootMessage(e), e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted while connecting to Kafka at " + servers, e);
    } finally {
      admin.close(Duration.ofSeconds(1));
    }
  }

  static String rootMessage(final Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    final String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
  }
}
