package io.github.irls.testing;

import io.github.irls.app.KafkaIo;
import io.github.irls.app.Replay;
import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.serde.AvroSerde;
import io.github.irls.streams.StepMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a disturbed run is held against: {@code replay} of the same file, undisturbed, on a broker
 * of its own; and the comparison of a run's committed updates with it, key by key.
 */
public final class Undisturbed {

  private Undisturbed() {}

  /**
   * How a run's updates compare with the undisturbed ones.
   *
   * @param keys keys in the reference
   * @param keysWithOtherVersions keys whose run published another number of versions (or none)
   * @param maxRelativeDifference the largest relative difference of any coefficient or standard
   *     error of any version both published
   * @param maxFinalDifferenceInSe the largest difference of a key's last coefficients, in the
   *     reference's standard errors
   */
  public record Comparison(int keys, int keysWithOtherVersions, double maxRelativeDifference,
      double maxFinalDifferenceInSe, int keysWithOtherCoefficients, List<String> firstDifferences) {
    @Override
    public String toString() {
      return String.format("%,d keys: %,d with another number of versions, %,d with other coefficients; max relative "
          + "difference %.3g; max difference of the final coefficients %.3g SE%s", keys, keysWithOtherVersions,
          keysWithOtherCoefficients, maxRelativeDifference, maxFinalDifferenceInSe,
          firstDifferences.isEmpty() ? "" : "; first differences:\n  " + String.join("\n  ", firstDifferences));
    }
  }

  /** The updates of an undisturbed {@code replay} of {@code file}, by key, versions in order. */
  public static Map<String, List<CoefficientUpdate>> replay(final Path file, final long windowEvents,
      final StepMode mode, final int partitions) throws Exception {
    final Replay.Result result = Replay.run(
        new Replay.Settings(file, windowEvents, 1.0, 1e-6, 1e-6, mode, partitions, Optional.empty(), Map.of()),
        line -> System.out.println("[undisturbed replay] " + line));
    return byKey(result.updates());
  }

  /** The committed updates of {@code topic}, by key, in the order they were published. */
  public static Map<String, List<CoefficientUpdate>> published(final Map<String, Object> clientProperties,
      final String topic) {
    final List<CoefficientUpdate> updates = new ArrayList<>();
    KafkaIo.readAll(clientProperties, topic, AvroSerde.of(CoefficientUpdate.class).deserializer())
        .forEach(r -> updates.add(r.value()));
    return byKey(updates);
  }

  /** {@code actual} against {@code expected}, key by key. */
  public static Comparison compare(final Map<String, List<CoefficientUpdate>> actual,
      final Map<String, List<CoefficientUpdate>> expected) {
    int otherVersions = 0;
    int otherCoefficients = 0;
    final List<String> first = new ArrayList<>();
    double maxRelative = 0;
    double maxFinal = 0;
    for (final Map.Entry<String, List<CoefficientUpdate>> e : expected.entrySet()) {
      final List<CoefficientUpdate> want = e.getValue();
      final List<CoefficientUpdate> got = actual.getOrDefault(e.getKey(), List.of());
      if (got.size() != want.size()) {
        otherVersions++;
      }
      boolean differs = false;
      for (int t = 0; t < Math.min(got.size(), want.size()); t++) {
        final double r = Math.max(relative(got.get(t).getCoefficients(), want.get(t).getCoefficients()),
            relative(got.get(t).getStdErrors(), want.get(t).getStdErrors()));
        maxRelative = Math.max(maxRelative, r);
        if (r > 1e-9 && !differs) {
          differs = true;
          if (first.size() < 5) {
            first.add(e.getKey() + " version " + (t + 1) + ": " + summary(got.get(t)) + " | undisturbed: "
                + summary(want.get(t)));
          }
        }
      }
      if (differs) {
        otherCoefficients++;
      }
      if (!got.isEmpty()) {
        final CoefficientUpdate last = got.get(got.size() - 1);
        final CoefficientUpdate reference = want.get(want.size() - 1);
        for (int j = 0; j < reference.getCoefficients().size(); j++) {
          maxFinal = Math.max(maxFinal, Math.abs(last.getCoefficients().get(j) - reference.getCoefficients().get(j))
              / reference.getStdErrors().get(j));
        }
      }
    }
    return new Comparison(expected.size(), otherVersions, maxRelative, maxFinal, otherCoefficients, first);
  }

  private static String summary(final CoefficientUpdate u) {
    return "window " + u.getWindowStart() + ".." + u.getWindowEnd() + " n=" + u.getWindowEvents() + " total="
        + u.getEventsTotal() + " " + u.getStepMode() + " it=" + u.getIterations() + " " + u.getStatus() + " b0="
        + u.getCoefficients().get(0);
  }

  private static double relative(final List<Double> a, final List<Double> b) {
    double max = 0;
    for (int j = 0; j < Math.min(a.size(), b.size()); j++) {
      if (b.get(j) != 0) {
        max = Math.max(max, Math.abs(a.get(j) - b.get(j)) / Math.abs(b.get(j)));
      } else if (a.get(j) != 0) {
        max = Double.POSITIVE_INFINITY;
      }
    }
    return max;
  }

  private static Map<String, List<CoefficientUpdate>> byKey(final List<CoefficientUpdate> updates) {
    return updates.stream()
        .sorted(java.util.Comparator.comparingLong(CoefficientUpdate::getVersion))
        .collect(Collectors.groupingBy(CoefficientUpdate::getModelKey, TreeMap::new, Collectors.toList()));
  }
}
