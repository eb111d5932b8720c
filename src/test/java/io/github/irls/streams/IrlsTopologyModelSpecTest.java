package io.github.irls.streams;

import static io.github.irls.streams.Harness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Per-key model specs from the compacted model-specs topic: overrides, tombstones, rejections. */
class IrlsTopologyModelSpecTest {

  private static final double[][] X = {{0.5, -1.0}, {1.5, 0.3}, {-0.7, 0.9}, {0.1, 0.2}, {2.0, -0.4}, {-1.2, -0.8}};
  private static final double[] Y = {1, 0, 1, 0, 1, 0};

  private static TopologySettings settings() {
    return TopologySettings.builder().windowEvents(3).lambdaIntercept(1.0).lambda(1.0).maxFeatures(5).build();
  }

  private static ModelSpec.Builder spec() {
    return ModelSpec.newBuilder();
  }

  private static void sendWindow(final Harness h, final String key, final int events, final long t0) {
    for (int i = 0; i < events; i++) {
      h.send(key, event(X[i % X.length], Y[i % Y.length]), t0 + i);
    }
  }

  @Test
  void shouldOverrideWindowEventsAndFeatureNamesPerKey() {
    try (Harness h = new Harness(settings())) {
      // Given a spec for key a only: windows of 2 events and named features
      h.sendSpec("a", spec().setWindowEvents(2L).setFeatureNames(List.of("age", "income")).build(), 0);

      // When both keys receive 6 events
      sendWindow(h, "a", 6, 0);
      sendWindow(h, "b", 6, 0);

      // Then a closes windows of 2 and publishes the spec's names; b keeps the default 3 and x1, x2
      final List<CoefficientUpdate> updates = h.drainUpdates();
      final List<CoefficientUpdate> a = updates.stream().filter(u -> u.getModelKey().equals("a")).toList();
      final List<CoefficientUpdate> b = updates.stream().filter(u -> u.getModelKey().equals("b")).toList();
      assertThat(a).extracting(CoefficientUpdate::getWindowEvents).containsExactly(2L, 2L, 2L);
      assertThat(a).allSatisfy(u -> assertThat(u.getFeatureNames()).containsExactly("intercept", "age", "income"));
      assertThat(b).extracting(CoefficientUpdate::getWindowEvents).containsExactly(3L, 3L);
      assertThat(b).allSatisfy(u -> assertThat(u.getFeatureNames()).containsExactly("intercept", "x1", "x2"));
    }
  }

  @Test
  void shouldUseTheSpecsPriorAndForgettingFactor() {
    // Given two keys with the same events, one with a spec of a strong prior
    try (Harness h = new Harness(settings())) {
      h.sendSpec("strong", spec().setLambda(1e6).setLambdaIntercept(1e6).setGamma(0.5).build(), 0);

      // When both receive one window
      sendWindow(h, "strong", 3, 0);
      sendWindow(h, "plain", 3, 0);

      // Then the strongly penalised model barely moves from zero while the other does not
      final List<CoefficientUpdate> updates = h.drainUpdates();
      final CoefficientUpdate strong = updates.stream().filter(u -> u.getModelKey().equals("strong")).findFirst().orElseThrow();
      final CoefficientUpdate plain = updates.stream().filter(u -> u.getModelKey().equals("plain")).findFirst().orElseThrow();
      assertThat(Math.abs(strong.getCoefficients().get(1))).isLessThan(1e-5);
      assertThat(Math.abs(plain.getCoefficients().get(1))).isGreaterThan(1e-2);
      // And the spec's gamma discounts the prior precision: SE^-2 of the intercept is 0.5 * 1e6 + H
      assertThat(strong.getStdErrors().get(0)).isGreaterThan(1 / Math.sqrt(1e6));
    }
  }

  @Test
  void shouldResetTheModelOnATombstoneAndKeepCountingVersions() {
    try (Harness h = new Harness(settings())) {
      // Given a key with two closed windows and one event in its open window
      sendWindow(h, "a", 7, 0);
      final List<CoefficientUpdate> before = h.drainUpdates();
      assertThat(before).extracting(CoefficientUpdate::getVersion).containsExactly(1L, 2L);

      // When a tombstone arrives on the model-specs topic, and then a new window with 3 features
      h.sendSpec("a", null, 10);
      final List<CoefficientUpdate> closing = h.drainUpdates();
      for (int i = 0; i < 3; i++) {
        h.send("a", event(new double[] {X[i][0], X[i][1], 1.0}, Y[i]), 20 + i);
      }

      // Then the open window was folded in under the old model first (nothing lost)
      assertThat(closing).singleElement().satisfies(u -> {
        assertThat(u.getVersion()).isEqualTo(3L);
        assertThat(u.getWindowEvents()).isEqualTo(1L);
        assertThat(u.getEventsTotal()).isEqualTo(7L);
      });
      // And the next update starts from the prior, says so, and keeps the version sequence
      final CoefficientUpdate after = h.drainUpdates().get(0);
      assertThat(after.getVersion()).isEqualTo(4L);
      assertThat(after.getStatusReason()).startsWith("model reset by tombstone");
      assertThat(after.getEventsTotal()).isEqualTo(3L);
      assertThat(after.getCoefficients()).hasSize(4);
      assertThat(h.model("a").version()).isEqualTo(4L);
      assertThat(h.deadLetters.isEmpty()).isTrue();
    }
  }

  @Test
  void shouldMarkTheStoredModelResetUntilItsNextStep() {
    try (Harness h = new Harness(settings())) {
      // Given a key with one closed window
      sendWindow(h, "a", 3, 0);

      // When a tombstone arrives
      h.sendSpec("a", null, 10);

      // Then the stored model says RESET, with its version kept and its counts zeroed
      final ModelState reset = h.model("a");
      assertThat(reset.lastStatus()).isEqualTo("RESET");
      assertThat(reset.version()).isEqualTo(1L);
      assertThat(reset.eventsTotal()).isZero();
    }
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of("negative lambda", spec().setLambda(-1.0).build(), DeadLetterReason.INVALID_SPEC),
        Arguments.of("NaN lambda", spec().setLambda(Double.NaN).build(), DeadLetterReason.INVALID_SPEC),
        Arguments.of("negative lambda_intercept", spec().setLambdaIntercept(-0.5).build(), DeadLetterReason.INVALID_SPEC),
        Arguments.of("gamma 0", spec().setGamma(0.0).build(), DeadLetterReason.INVALID_SPEC),
        Arguments.of("gamma above 1", spec().setGamma(1.5).build(), DeadLetterReason.INVALID_SPEC),
        Arguments.of("window_events 0", spec().setWindowEvents(0L).build(), DeadLetterReason.INVALID_SPEC),
        Arguments.of("window_ms 0", spec().setWindowMs(0L).build(), DeadLetterReason.INVALID_SPEC),
        Arguments.of("duplicate names", spec().setFeatureNames(List.of("a", "a")).build(), DeadLetterReason.INVALID_SPEC),
        Arguments.of("blank name", spec().setFeatureNames(List.of("a", " ")).build(), DeadLetterReason.INVALID_SPEC),
        Arguments.of("too many names", spec().setFeatureNames(List.of("a", "b", "c", "d", "e", "f")).build(),
            DeadLetterReason.INVALID_SPEC),
        Arguments.of("names for 3 features", spec().setFeatureNames(List.of("a", "b", "c")).build(),
            DeadLetterReason.SPEC_WRONG_FEATURE_COUNT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void shouldDeadLetterAnInvalidSpecAndKeepTheOldOne(final String kind, final ModelSpec bad, final DeadLetterReason reason) {
    try (Harness h = new Harness(settings())) {
      // Given a key with 2 features and a valid spec of windows of 2 events
      h.send("a", event(X[0], Y[0]), 0);
      h.sendSpec("a", spec().setWindowEvents(2L).build(), 1);

      // When an invalid spec arrives for it
      h.sendSpec("a", bad, 2);

      // Then it is dead-lettered with its reason, counted against the key, and the old spec still rules
      final List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(new String(r.headers().lastHeader(IrlsTopology.HEADER_REASON).value(), StandardCharsets.UTF_8))
            .isEqualTo(reason.name());
        assertThat(new String(r.headers().lastHeader(IrlsTopology.HEADER_SOURCE_TOPIC).value(), StandardCharsets.UTF_8))
            .isEqualTo("irls.model-specs");
      });
      assertThat(h.modelDeadLetters("a")).containsEntry(reason.name(), 1L);
      h.send("a", event(X[1], Y[1]), 3);
      assertThat(h.drainUpdates()).singleElement().satisfies(u -> assertThat(u.getWindowEvents()).isEqualTo(2L));
    }
  }

  @Test
  void shouldDeadLetterAnUndecodableSpec() {
    try (Harness h = new Harness(settings())) {
      // Given nothing for key a
      // When its spec is garbage bytes
      h.specs.pipeInput("a".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF, 1, 2, 3, 4, 5, 6, 7, 8}, 0L);

      // Then it goes to the dead-letter topic as UNDECODABLE_SPEC
      assertThat(h.deadLetters.readRecordsToList()).singleElement().satisfies(r ->
          assertThat(new String(r.headers().lastHeader(IrlsTopology.HEADER_REASON).value(), StandardCharsets.UTF_8))
              .isEqualTo("UNDECODABLE_SPEC"));
      assertThat(h.deadLetterCounts()).containsEntry("UNDECODABLE_SPEC", 1L);
    }
  }

  @Test
  void shouldFixTheFeatureCountFromTheSpecBeforeTheFirstEvent() {
    try (Harness h = new Harness(settings())) {
      // Given a spec naming three features for a key that has no event yet
      h.sendSpec("a", spec().setFeatureNames(List.of("u", "v", "w")).build(), 0);

      // When an event with two features arrives
      h.send("a", event(X[0], Y[0]), 1);

      // Then it is dead-lettered as a wrong feature count, and counted against the key
      assertThat(h.deadLetters.readRecordsToList()).hasSize(1);
      assertThat(h.modelDeadLetters("a")).containsEntry("WRONG_FEATURE_COUNT", 1L);
      assertThat(h.openWindows()).isEmpty();
    }
  }
}
