package io.github.irls.kafka;

import io.github.irls.config.IrlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The project's topics: events, coefficients, dead letters and the compacted model specs, and, with
 * a scoring stream, the scoring requests and the predictions, all with {@code topic.partitions}
 * partitions so that model specs and scoring requests are co-partitioned with events.
 */
public final class Topics {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Topics() {}

  /** The topics the application needs, as configured. */
  public static List<NewTopic> required(final IrlsConfig config) {
    final int partitions = config.topicPartitions();
    final short replication = config.topicReplicationFactor();
    final List<NewTopic> topics = new ArrayList<>();
    topics.add(new NewTopic(config.inputTopic(), partitions, replication));
    topics.add(new NewTopic(config.outputTopic(), partitions, replication));
    topics.add(new NewTopic(config.dlqTopic(), partitions, replication));
    topics.add(
        new NewTopic(config.modelSpecsTopic(), partitions, replication)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    config.scoringStream().ifPresent(scoring -> {
      topics.add(new NewTopic(scoring.inputTopic(), partitions, replication));
      topics.add(new NewTopic(scoring.predictionsTopic(), partitions, replication));
    });
    return topics;
  }

  /**
   * Checks that the scoring input topic, when there is one, has as many partitions as the events
   * topic: a request is scored in the task that owns its key's model, which Kafka Streams gives
   * partition {@code n} of both topics, so a key must land in the same partition number of both.
   * Kafka Streams does not check this for topics that share a state store, and silently answers
   * from the wrong task's store (NO_MODEL) when they differ.
   *
   * @throws IllegalStateException naming both topics and their partition counts when they differ, or
   *     if the cluster does not answer in time
   */
  public static void requireCoPartitioned(final Admin admin, final IrlsConfig config) {
    if (config.scoringInputTopic().isEmpty()) {
      return;
    }
    final String events = config.inputTopic();
    final String scoring = config.scoringInputTopic().get();
    final Map<String, Integer> partitions = new HashMap<>();
    try {
      admin.describeTopics(List.of(events, scoring)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((name, description) -> partitions.put(name, description.partitions().size()));
    } catch (final ExecutionException e) {
      throw new IllegalStateException("Cannot describe topics " + events + " and " + scoring + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (final TimeoutException e) {
      throw new IllegalStateException("Timed out after " + TIMEOUT.toSeconds() + " s describing topics " + events
          + " and " + scoring, e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while describing topics " + events + " and " + scoring, e);
    }
    if (!partitions.get(events).equals(partitions.get(scoring))) {
      throw new IllegalStateException(IrlsConfig.SCORING_INPUT_TOPIC_CONFIG + " " + scoring + " has "
          + partitions.get(scoring) + " partitions but " + IrlsConfig.INPUT_TOPIC_CONFIG + " " + events + " has "
          + partitions.get(events) + ": requests are scored where their key's model is, so both topics need the same"
          + " number of partitions (co-partitioned); recreate " + scoring + " with " + partitions.get(events)
          + " partitions");
    }
  }

  /** Opens an admin client with {@code config}'s connection settings and {@link #requireCoPartitioned}. */
  public static void requireCoPartitioned(final IrlsConfig config) {
    try (Admin admin = Admin.create(config.adminProperties())) {
      requireCoPartitioned(admin, config);
    }
  }

  /**
   * Creates the topics the application needs that do not exist yet; existing topics are left as
   * they are (their partition count and settings are not checked or changed).
   *
   * @return the names of the topics this call created, empty if all existed
   * @throws IllegalStateException if the cluster refuses or does not answer in time
   */
  public static Set<String> ensure(final Admin admin, final IrlsConfig config) {
    return ensure(admin, required(config));
  }

  /** Creates those of {@code topics} that do not exist yet; returns the names it created. */
  public static Set<String> ensure(final Admin admin, final List<NewTopic> topics) {
    final CreateTopicsResult result = admin.createTopics(topics);
    final Set<String> created = new LinkedHashSet<>();
    for (final NewTopic topic : topics) {
      try {
        result.values().get(topic.name()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        created.add(topic.name());
      } catch (final ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "Cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
        }
      } catch (final TimeoutException e) {
        throw new IllegalStateException(
            "Timed out after " + TIMEOUT.toSeconds() + " s creating topic " + topic.name(), e);
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while creating topic " + topic.name(), e);
      }
    }
    awaitLeaders(admin, topics, created);
    return created;
  }

  /**
   * Waits until every partition of the topics just created answers as leader. Right after creation
   * a broker can list itself as leader before it has taken the partition on; a producer that hits
   * that moment gets NOT_LEADER_OR_FOLLOWER and, since the leader epoch never changes, may wait for
   * new metadata until its delivery timeout. ListOffsets is retried by the admin client until the
   * leader really serves the partition, and by this method while the broker does not know the topic yet.
   */
  private static void awaitLeaders(final Admin admin, final List<NewTopic> topics, final Set<String> created) {
    final Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    for (final NewTopic topic : topics) {
      if (created.contains(topic.name())) {
        for (int p = 0; p < topic.numPartitions(); p++) {
          partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
        }
      }
    }
    if (partitions.isEmpty()) {
      return;
    }
    final long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try {
      while (true) {
        try {
          admin.listOffsets(partitions).all().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          return;
        } catch (final ExecutionException e) {
          // The broker's metadata can lag the controller that just created the topic, and the admin
          // client gives up on a topic its metadata does not know instead of retrying: ask again.
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
            throw notAvailable(e);
          }
          Thread.sleep(100);
        }
      }
    } catch (final TimeoutException e) {
      throw notAvailable(e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the new topics' partitions", e);
    }
  }

  private static IllegalStateException notAvailable(final Exception e) {
    return new IllegalStateException("The topics were created but their partitions did not become available in "
        + TIMEOUT.toSeconds() + " s: " + e.getMessage(), e);
  }

  /**
   * Checks that the topics the application needs exist, without creating any (for {@code
   * topics.create=false}).
   *
   * @throws IllegalStateException naming every missing topic and how to create it, or if the
   *     cluster does not answer in time
   */
  public static void requireExisting(final Admin admin, final IrlsConfig config) {
    final List<NewTopic> required = required(config);
    final Set<String> existing;
    try {
      existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (final ExecutionException e) {
      throw new IllegalStateException("Cannot list the topics: " + e.getCause().getMessage(), e.getCause());
    } catch (final TimeoutException e) {
      throw new IllegalStateException("Timed out after " + TIMEOUT.toSeconds() + " s listing the topics", e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while listing the topics", e);
    }
    final List<String> missing = required.stream().map(NewTopic::name).filter(t -> !existing.contains(t)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException((missing.size() == 1 ? "Topic " : "Topics ") + String.join(", ", missing)
          + (missing.size() == 1 ? " does" : " do") + " not exist and " + IrlsConfig.TOPICS_CREATE_CONFIG
          + " is false: create " + (missing.size() == 1 ? "it" : "them") + " with " + config.topicPartitions()
          + " partitions (" + config.modelSpecsTopic() + " compacted), or set " + IrlsConfig.TOPICS_CREATE_CONFIG
          + "=true");
    }
  }

  /** Opens an admin client with {@code config}'s connection settings and ensures the topics. */
  public static Set<String> ensure(final IrlsConfig config) {
    try (Admin admin = Admin.create(config.adminProperties())) {
      return ensure(admin, config);
    }
  }

  /** Opens an admin client with {@code config}'s connection settings and {@link #requireExisting}. */
  public static void requireExisting(final IrlsConfig config) {
    try (Admin admin = Admin.create(config.adminProperties())) {
      requireExisting(admin, config);
    }
  }
}
