package io.github.irls.app;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads by role, between two snapshots: the HTTP server (the JDK's
 * dispatcher thread and the API's handler threads), the load-generating clients (their own threads
 * and the JDK HttpClient's), and the rest (Kafka Streams, the embedded broker, ...), plus the whole
 * process (which also counts GC and JIT threads). Since the benchmark runs server and clients in one
 * process, this is what says which side the two cores were spent on.
 */
public final class ThreadCpu {

  /** Who a thread works for. */
  public enum Role {
    SERVER,
    CLIENT,
    OTHER;

    static Role of(final String threadName) {
      if (threadName.startsWith("irls-http-") || threadName.startsWith("HTTP-Dispatcher")) {
        return SERVER;
      }
      if (threadName.startsWith(ScoreLoad.CLIENT_THREAD_PREFIX) || threadName.startsWith("HttpClient-")) {
        return CLIENT;
      }
      return OTHER;
    }
  }

  /** CPU seconds per role and of the whole process over {@code wallSeconds}. */
  public record Usage(Map<Role, Double> seconds, double processSeconds, double wallSeconds) {

    /** Cores kept busy by {@code role} on average (CPU seconds / wall seconds). */
    public double cores(final Role role) {
      return seconds.getOrDefault(role, 0.0) / wallSeconds;
    }

    /** This usage with {@code nanos} more CPU time of {@code role} (threads that ended before the snapshot). */
    Usage plus(final Role role, final long nanos) {
      final Map<Role, Double> more = new EnumMap<>(Role.class);
      more.putAll(seconds);
      more.merge(role, nanos / 1e9, Double::sum);
      return new Usage(more, processSeconds, wallSeconds);
    }

    /** Cores kept busy by the whole process, GC and JIT included. */
    public double processCores() {
      return processSeconds / wallSeconds;
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> threadNanos;
  private final Map<Long, Role> roles;
  private final long processNanos;
  private final long wallNanos;

  private ThreadCpu(final Map<Long, Long> threadNanos, final Map<Long, Role> roles, final long processNanos,
      final long wallNanos) {
    this.threadNanos = threadNanos;
    this.roles = roles;
    this.processNanos = processNanos;
    this.wallNanos = wallNanos;
  }

  /** The CPU time of every live thread now. */
  static ThreadCpu snapshot() {
    final Map<Long, Long> nanos = new HashMap<>();
    final Map<Long, Role> roles = new HashMap<>();
    if (THREADS.isThreadCpuTimeSupported()) {
      for (final ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
        if (info == null) {
          continue; // died meanwhile
        }
        final long cpu = THREADS.getThreadCpuTime(info.getThreadId());
        if (cpu >= 0) {
          nanos.put(info.getThreadId(), cpu);
          roles.put(info.getThreadId(), Role.of(info.getThreadName()));
        }
      }
    }
    return new ThreadCpu(nanos, roles, processCpuNanos(), System.nanoTime());
  }

  /**
   * What was spent since {@code before}. A thread that started meanwhile counts from 0; one that
   * ended meanwhile is lost (the process total still has it).
   */
  Usage since(final ThreadCpu before) {
    final Map<Role, Double> seconds = new EnumMap<>(Role.class);
    for (final Map.Entry<Long, Long> e : threadNanos.entrySet()) {
      final long delta = e.getValue() - before.threadNanos.getOrDefault(e.getKey(), 0L);
      seconds.merge(roles.get(e.getKey()), Math.max(delta, 0) / 1e9, Double::sum);
    }
    return new Usage(seconds, (processNanos - before.processNanos) / 1e9, (wallNanos - before.wallNanos) / 1e9);
  }

  /** The CPU time of the calling thread so far (0 where the JVM does not measure it). */
  static long currentThreadNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? Math.max(THREADS.getCurrentThreadCpuTime(), 0) : 0;
  }

  private static long processCpuNanos() {
    final var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
  }
}
