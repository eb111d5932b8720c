package io.github.irls.app;

import io.github.irls.streams.InputProgress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the broker, every {@link #INTERVAL}, whether the application has processed everything its
 * events topic holds: per partition, the committed offset of the application's consumer group
 * against the partition's end (the last stable offset, as a read-committed consumer sees it). A
 * partition confirmed caught up at every check since some time is "caught up since" then; any
 * check that finds records waiting, fails (the broker is away) or comes late (the process was
 * paused, the machine stalled) ends the streak. The topology's end-of-data rule asks this ({@link
 * InputProgress}); a confirmation is never older than three intervals.
 *
 * <p>After the broker was away, the producers were too: they deliver what they buffered only once
 * they have reconnected, which can take longer than it takes this application to read what the
 * broker holds. So a streak that begins after a failed check counts only from {@code settleMs}
 * after that check; until then nothing it confirms is quiet time.
 */
final class InputWatch implements InputProgress, AutoCloseable {

  static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(InputWatch.class);

  /** One partition's streak of confirmations. */
  private record Streak(long since, long lastCheck, long committed) {}

  private final Admin admin;
  private final String groupId;
  private final String topic;
  private final LongSupplier clock;
  private final long settleMs;
  private final Map<Integer, Streak> streaks = new ConcurrentHashMap<>();
  /** Wall-clock time of the last check that could not reach the broker; {@code Long.MIN_VALUE} for none. */
  private volatile long lastFailure = Long.MIN_VALUE;
  private final ScheduledExecutorService executor;

  /**
   * @param admin the admin client to ask with (owned by the caller)
   * @param groupId the application id: its consumer group's committed offsets are the progress
   * @param topic the events topic
   * @param clock wall-clock milliseconds
   * @param settleMs how long after the broker was last unreachable a streak starts counting (the
   *     application passes {@code idle.close.ms}: the producers get that long to deliver their backlog)
   */
  InputWatch(final Admin admin, final String groupId, final String topic, final LongSupplier clock,
      final long settleMs) {
    this.admin = admin;
    this.groupId = groupId;
    this.topic = topic;
    this.clock = clock;
    this.settleMs = settleMs;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      final Thread t = new Thread(r, "irls-input-watch");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts checking every {@link #INTERVAL}. */
  InputWatch start() {
    executor.scheduleWithFixedDelay(this::check, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  @Override
  public OptionalLong caughtUpSince(final int partition) {
    final Streak streak = streaks.get(partition);
    if (streak == null || clock.getAsLong() - streak.lastCheck() > 3 * INTERVAL.toMillis()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(streak.since());
  }

  /** One round of checks. */
  void check() {
    final long now = clock.getAsLong();
    final Map<TopicPartition, Long> ends;
    final Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      ends = ends();
      committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
          .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (final ExecutionException | TimeoutException | RuntimeException e) {
      LOG.debug("cannot confirm the input is caught up: {}", e.toString());
      unreachable(now);
      return;
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    final Map<Integer, Long> endOffsets = new HashMap<>();
    final Map<Integer, Long> committedOffsets = new HashMap<>();
    ends.forEach((tp, end) -> {
      endOffsets.put(tp.partition(), end);
      final OffsetAndMetadata at = committed.get(tp);
      committedOffsets.put(tp.partition(), at == null ? 0L : at.offset());
    });
    checked(now, endOffsets, committedOffsets);
  }

  /** A check that could not reach the broker at {@code now}: every streak ends. */
  void unreachable(final long now) {
    lastFailure = now;
    streaks.clear();
  }

  /** A check answered at {@code now}: per partition, its end offset and the group's committed offset. */
  void checked(final long now, final Map<Integer, Long> ends, final Map<Integer, Long> committed) {
    final long failure = lastFailure;
    final long earliestStart = failure == Long.MIN_VALUE ? Long.MIN_VALUE
        : failure > Long.MAX_VALUE - settleMs ? Long.MAX_VALUE : failure + settleMs;
    for (final Map.Entry<Integer, Long> end : ends.entrySet()) {
      final int partition = end.getKey();
      final long position = committed.getOrDefault(partition, 0L);
      final Streak previous = streaks.get(partition);
      if (position < end.getValue()) {
        streaks.remove(partition);
      } else if (previous == null || previous.committed() != position
          || now - previous.lastCheck() > 3 * INTERVAL.toMillis()) {
        // a new streak: records were processed since the last check, or the checks were interrupted;
        // after an outage it counts once the producers have had settleMs to come back
        streaks.put(partition, new Streak(Math.max(now, earliestStart), now, position));
      } else {
        streaks.put(partition, new Streak(previous.since(), now, position));
      }
    }
  }

  private Map<TopicPartition, Long> ends() throws ExecutionException, InterruptedException, TimeoutException {
    final List<Integer> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
        .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions().stream()
        .map(p -> p.partition()).toList();
    final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(new TopicPartition(topic, p), OffsetSpec.latest()));
    final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
            .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    final Map<TopicPartition, Long> out = new HashMap<>();
    result.forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    streaks.clear();
  }
}
