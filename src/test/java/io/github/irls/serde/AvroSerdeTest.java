package io.github.irls.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.avro.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private static LabeledEvent event(final double... features) {
    final List<Double> xs = new ArrayList<>();
    for (final double x : features) {
      xs.add(x);
    }
    return LabeledEvent.newBuilder()
        .setFeatures(xs)
        .setLabel(1.0)
        .setWeight(2.5)
        .setOffset(-0.25)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
        .build();
  }

  private static CoefficientUpdate update() {
    return CoefficientUpdate.newBuilder()
        .setModelKey("campaign-7")
        .setVersion(3)
        .setWindowStart(1_000)
        .setWindowEnd(2_000)
        .setWindowEvents(100)
        .setWindowWeight(100.0)
        .setEventsTotal(300)
        .setWeightTotal(300.0)
        .setLateEvents(2)
        .setFeatureNames(List.of("(Intercept)", "x1"))
        .setCoefficients(List.of(0.1, -2.0))
        .setStdErrors(List.of(0.01, 0.02))
        .setCovariance(List.of(1e-4, 0.0, 0.0, 4e-4))
        .setWindowLoglik(-60.5)
        .setGradientNorm(1e-3)
        .setStepNorm(0.2)
        .setIterations(4)
        .setStepMode("renewable")
        .setStatus("OK")
        .build();
  }

  @Test
  void shouldRoundTripALabeledEvent() {
    // Given
    final AvroSerde<LabeledEvent> serde = AvroSerde.of(LabeledEvent.class);
    final LabeledEvent original = event(0.5, -1.25, 3.0);

    // When
    final LabeledEvent decoded = serde.decode(serde.encode(original));

    // Then
    assertThat(decoded).isEqualTo(original);
    assertThat(decoded.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
  }

  @Test
  void shouldApplySchemaDefaultsToAnEventBuiltWithoutOptionalFields() {
    // Given
    final AvroSerde<LabeledEvent> serde = AvroSerde.of(LabeledEvent.class);
    final LabeledEvent minimal =
        LabeledEvent.newBuilder().setFeatures(List.of(1.0)).setLabel(0.0).build();

    // When
    final LabeledEvent decoded = serde.decode(serde.encode(minimal));

    // Then
    assertThat(decoded.getWeight()).isEqualTo(1.0);
    assertThat(decoded.getOffset()).isEqualTo(0.0);
    assertThat(decoded.getEventTime()).isNull();
  }

  @Test
  void shouldRoundTripACoefficientUpdateWithAndWithoutCovariance() {
    // Given
    final AvroSerde<CoefficientUpdate> serde = AvroSerde.of(CoefficientUpdate.class);
    final CoefficientUpdate withCovariance = update();
    final CoefficientUpdate without = CoefficientUpdate.newBuilder(update()).setCovariance(null).build();

    // When
    final CoefficientUpdate decodedWith = serde.decode(serde.encode(withCovariance));
    final CoefficientUpdate decodedWithout = serde.decode(serde.encode(without));

    // Then
    assertThat(decodedWith).isEqualTo(withCovariance);
    assertThat(decodedWith.getStatusReason()).isEmpty();
    assertThat(decodedWith.getRidgeAdded()).isEqualTo(0.0);
    assertThat(decodedWithout.getCovariance()).isNull();
  }

  @Test
  void shouldRoundTripAModelSpecAndATombstone() {
    // Given
    final AvroSerde<ModelSpec> serde = AvroSerde.of(ModelSpec.class);
    final ModelSpec spec = ModelSpec.newBuilder().setGamma(0.99).setWindowEvents(500L).build();

    // When
    final ModelSpec decoded = serde.decode(serde.encode(spec));

    // Then
    assertThat(decoded).isEqualTo(spec);
    assertThat(decoded.getLambda()).isNull();
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void shouldWorkWithoutTheAvroTrustedPackagesSystemProperty() {
    // Given the property a user would otherwise have to set
    assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
    final AvroSerde<CoefficientUpdate> serde = AvroSerde.of(CoefficientUpdate.class);

    // When
    final CoefficientUpdate decoded = serde.decode(serde.encode(update()));

    // Then
    assertThat(decoded.getModelKey()).isEqualTo("campaign-7");
  }

  @Test
  void shouldRejectGarbageBytesWithATypedReason() {
    // Given
    final AvroSerde<CoefficientUpdate> serde = AvroSerde.of(CoefficientUpdate.class);
    final byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);

    // When / Then
    assertThatThrownBy(() -> serde.decode(garbage))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNDECODABLE_AVRO))
        .hasMessageContaining("CoefficientUpdate");
  }

  @Test
  void shouldRejectEveryTruncationOfAValidRecord() {
    // Given
    final AvroSerde<LabeledEvent> serde = AvroSerde.of(LabeledEvent.class);
    final byte[] bytes = serde.encode(event(1.0, 2.0, 3.0, 4.0));

    for (int length = 0; length < bytes.length; length++) {
      // When
      final byte[] truncated = Arrays.copyOf(bytes, length);

      // Then
      assertThatThrownBy(() -> serde.decode(truncated))
          .as("truncated to %d of %d bytes", length, bytes.length)
          .isInstanceOfSatisfying(
              EventDecodingException.class,
              e -> assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNDECODABLE_AVRO));
    }
  }

  @Test
  void shouldRejectTrailingBytesAfterARecord() {
    // Given
    final AvroSerde<LabeledEvent> serde = AvroSerde.of(LabeledEvent.class);
    final byte[] bytes = serde.encode(event(1.0));
    final byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);

    // When / Then
    assertThatThrownBy(() -> serde.decode(longer))
        .isInstanceOf(EventDecodingException.class)
        .hasMessageContaining("trailing bytes");
  }

  @Test
  void shouldFailCleanlyWhenGarbageAnnouncesAHugeArray() {
    // Given a varint block count of about a billion doubles followed by nothing
    final AvroSerde<LabeledEvent> serde = AvroSerde.of(LabeledEvent.class);
    final byte[] hugeArray = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};

    // When / Then: a quick error, not gigabytes of heap and an OutOfMemoryError
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () ->
            assertThatThrownBy(() -> serde.decode(hugeArray))
                .isInstanceOfSatisfying(
                    EventDecodingException.class,
                    e ->
                        assertThat(e.reason())
                            .isEqualTo(EventDecodingException.Reason.UNDECODABLE_AVRO))
                .hasMessageContaining("array block"));
  }

  @Test
  void shouldFailCleanlyWhenGarbageAnnouncesAHugeString() {
    // Given a string length of about a billion bytes where the model key should be
    final AvroSerde<CoefficientUpdate> serde = AvroSerde.of(CoefficientUpdate.class);
    final byte[] hugeString = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};

    // When / Then
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () ->
            assertThatThrownBy(() -> serde.decode(hugeString))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("string length"));
  }

  @Test
  void shouldNeverReturnNullOrThrowAnythingElseForRandomBytes() {
    // Given
    final AvroSerde<CoefficientUpdate> serde = AvroSerde.of(CoefficientUpdate.class);
    final Random random = new Random(42);

    for (int i = 0; i < 2_000; i++) {
      final byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);

      // When
      try {
        final CoefficientUpdate decoded = serde.decode(bytes);

        // Then: whatever decodes must be a complete record
        assertThat(decoded).isNotNull();
      } catch (final EventDecodingException e) {
        assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNDECODABLE_AVRO);
      }
    }
  }

  @Test
  void shouldBeSafeToShareBetweenThreads() throws Exception {
    // Given
    final AvroSerde<LabeledEvent> serde = AvroSerde.of(LabeledEvent.class);
    final ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      final List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        final double base = t;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 5_000; i++) {
                    final LabeledEvent e = event(base, i, -i);
                    if (!serde.decode(serde.encode(e)).equals(e)) {
                      return false;
                    }
                  }
                  return true;
                }));
      }

      // When / Then
      for (final Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldRefuseARecordWithoutAValueThroughTheEventSerde() {
    // Given
    final Serde<LabeledEvent> serde = EventFormat.AVRO.serde();

    // When / Then
    assertThatThrownBy(() -> serde.deserializer().deserialize("irls.events", null))
        .isInstanceOfSatisfying(
            EventDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.MISSING_VALUE));
  }
}
