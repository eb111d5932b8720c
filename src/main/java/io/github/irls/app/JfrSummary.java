package io.github.irls.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the HTTP server's threads spent their time, from the Java execution samples of a Flight
 * Recorder file: the samples per thread role, the share of the server's samples inside this
 * project's code (the route handlers, with the JSON parsing and writing they call) against the
 * JDK's HTTP server itself, and the server's hottest leaf methods. Samples are taken of threads
 * running Java code only; time blocked in a socket read is not in them (the CPU table is).
 *
 * @param file the recording
 * @param samplesByRole Java execution samples per thread role
 * @param serverInProjectCode share of the server's samples with a frame of {@code io.github.irls}
 * @param serverAreas share of the server's samples by the leaf frame's area (JSON, JDK HTTP, ...)
 * @param serverTopMethods the server's most sampled leaf methods and their share
 * @param serverProjectMethods this project's methods most often on the server's stacks (inclusive:
 *     the share of samples with the method anywhere on the stack), e.g. the JSON writer of a route
 */
public record JfrSummary(Path file, Map<ThreadCpu.Role, Long> samplesByRole, double serverInProjectCode,
    Map<String, Double> serverAreas, Map<String, Double> serverTopMethods, Map<String, Double> serverProjectMethods) {

  private static final int TOP = 10;

  /** Reads {@code file}'s {@code jdk.ExecutionSample} events. */
  public static JfrSummary of(final Path file) throws IOException {
    final Map<ThreadCpu.Role, Long> byRole = new EnumMap<>(ThreadCpu.Role.class);
    final Map<String, Long> areas = new HashMap<>();
    final Map<String, Long> methods = new HashMap<>();
    final Map<String, Long> projectMethods = new HashMap<>();
    long server = 0;
    long inProject = 0;
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        final RecordedEvent e = recording.readEvent();
        if (!"jdk.ExecutionSample".equals(e.getEventType().getName())) {
          continue;
        }
        final RecordedThread thread = e.getThread("sampledThread");
        final String name = thread == null || thread.getJavaName() == null ? "" : thread.getJavaName();
        final ThreadCpu.Role role = ThreadCpu.Role.of(name);
        byRole.merge(role, 1L, Long::sum);
        final RecordedStackTrace stack = e.getStackTrace();
        if (role != ThreadCpu.Role.SERVER || stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        server++;
        final RecordedFrame leaf = stack.getFrames().get(0);
        final String type = leaf.getMethod().getType().getName();
        areas.merge(area(type), 1L, Long::sum);
        methods.merge(type + "." + leaf.getMethod().getName(), 1L, Long::sum);
        final Set<String> onStack = new HashSet<>();
        for (final RecordedFrame f : stack.getFrames()) {
          final String t = f.getMethod().getType().getName();
          if (t.startsWith("io.github.irls.") && !t.contains("$$Lambda") && !f.getMethod().getName().startsWith("lambda$")) {
            onStack.add(t.substring(t.lastIndexOf('.') + 1) + "." + f.getMethod().getName());
          }
        }
        onStack.forEach(m -> projectMethods.merge(m, 1L, Long::sum));
        if (stack.getFrames().stream().anyMatch(f -> f.getMethod().getType().getName().startsWith("io.github.irls."))) {
          inProject++;
        }
      }
    }
    return new JfrSummary(file, byRole, server == 0 ? 0 : inProject / (double) server, shares(areas, server, 100),
        shares(methods, server, TOP), shares(projectMethods, server, TOP));
  }

  /** The area of a leaf frame of class {@code type}. */
  static String area(final String type) {
    if (type.startsWith("io.github.irls.")) {
      return "irls-streams code";
    }
    if (type.startsWith("com.fasterxml.jackson.")) {
      return "JSON (Jackson)";
    }
    if (type.startsWith("sun.net.httpserver.")) {
      return "JDK HTTP server";
    }
    if (type.startsWith("sun.nio.") || type.startsWith("java.nio.") || type.startsWith("sun.net.")
        || type.startsWith("java.net.")) {
      return "sockets, NIO, URIs";
    }
    if (type.startsWith("org.apache.kafka.")) {
      return "Kafka Streams (store lookups)";
    }
    if (type.startsWith("java.time.")) {
      return "dates";
    }
    if (type.startsWith("java.util.concurrent.") || type.startsWith("jdk.internal.misc.")) {
      return "threads, locks";
    }
    if (type.startsWith("java.lang.String") || type.startsWith("java.lang.AbstractStringBuilder")
        || type.startsWith("java.lang.StringLatin1") || type.startsWith("java.lang.StringUTF16")
        || type.startsWith("java.lang.Double") || type.startsWith("jdk.internal.math.")) {
      return "strings, number formatting";
    }
    return "other";
  }

  private static Map<String, Double> shares(final Map<String, Long> counts, final long total, final int top) {
    final List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
    final Map<String, Double> out = new LinkedHashMap<>();
    for (final Map.Entry<String, Long> e : sorted.subList(0, Math.min(top, sorted.size()))) {
      out.put(e.getKey(), e.getValue() / (double) Math.max(total, 1));
    }
    return out;
  }
}
