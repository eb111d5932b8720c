package io.github.irls.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.glm.Design;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.StepStatus;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.OpenWindow;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import io.github.irls.glm.ProgressiveScore;
import io.github.irls.glm.ProgressiveValidation;
import java.util.Optional;
import java.util.OptionalDouble;

class StoreCodecsTest {

  @Test
  void shouldRoundTripAModelState() {
    // Given a model with p = 2
    final ModelState state = new ModelState(2, 7, 7000, 6500.5, 3, 123456L, StepStatus.NOT_POSITIVE_DEFINITE,
        "information not positive definite", List.of("age", "income"), 987654L, 6,
        new Posterior(new double[] {-1, 0.5, 2}, new double[] {0.1, 0.2, 0.3}, new double[] {1, 2, 3, 4, 5, 6}),
        Optional.of(new ProgressiveValidation(6500.5, 0.61, 0.21, 3100.25, 3050.0, OptionalDouble.of(0.71),
            OptionalDouble.of(0.004), OptionalDouble.of(4.5))), true);

    // When it is encoded and decoded
    final ModelState back = ModelStateSerde.decode(ModelStateSerde.encode(state));

    // Then every field survives
    assertThat(back).usingRecursiveComparison().isEqualTo(state);
  }

  @Test
  void shouldRefuseATruncatedModelState() {
    // Given an encoded model cut short
    final byte[] bytes = ModelStateSerde.encode(new ModelState(1, 1, 1, 1, 0, 0, StepStatus.OK, "", List.of(), 0, 0,
        new Posterior(new double[2], new double[2], new double[3]), Optional.empty(), false));
    final byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);

    // When it is decoded, Then a SerializationException names the problem
    assertThatThrownBy(() -> ModelStateSerde.decode(cut)).isInstanceOf(SerializationException.class);
  }

  @Test
  void shouldRoundTripAWindowRecord() {
    // Given a window that keeps its events
    final KeyWindow w = new KeyWindow("k".getBytes(StandardCharsets.UTF_8), 4);
    w.openEvents(10);
    w.end = 20;
    w.count = 3;
    w.weight = 2.5;
    w.late = 1;
    w.nextChunk = 7;
    w.lastActivity = 1234;

    // When it is encoded and decoded for a query
    final KeyWindow back = KeyWindow.decode(w.key, w.encode());

    // Then it reads back
    assertThat(back.view()).isEqualTo(new OpenWindow("k", 4, 10, 20, 3, 2.5, 1, 1234));
    assertThat(back.kind).isEqualTo(KeyWindow.Kind.EVENTS);
    assertThat(back.nextChunk).isEqualTo(7);
  }

  @Test
  void shouldRoundTripANewtonWindowWithItsStatistics() {
    // Given a newton window of two events at b = (0.5, -1, 2)
    final KeyWindow w = new KeyWindow("k".getBytes(StandardCharsets.UTF_8), 2);
    w.openStatistics(5, new double[] {0.5, -1, 2});
    w.add(new double[] {1.5, -2.0}, 1.0, 3.0, 0.25);
    w.add(new double[] {-0.5, 4.0}, 0.0, 1.0, 0.0);

    // When it is encoded and decoded
    final byte[] bytes = w.encode();
    final KeyWindow back = KeyWindow.decode(w.key, bytes);

    // Then its statistics are those it had, within the budget of 8 (d(d+1)/2 + 3d + 16) bytes, and
    // its progressive score (issue 12: a fixed 8 * STATE_SIZE bytes more, whatever d and the window)
    assertThat(back.kind).isEqualTo(KeyWindow.Kind.STATISTICS);
    assertThat(back.statistics.beta()).containsExactly(0.5, -1, 2);
    assertThat(back.statistics.packedInformation()).containsExactly(w.statistics.packedInformation());
    assertThat(back.statistics.score()).containsExactly(w.statistics.score());
    assertThat(back.statistics.maxAbsFeatures()).containsExactly(1.5, 4.0);
    assertThat(back.statistics.count()).isEqualTo(2);
    assertThat(back.statistics.logLikelihood()).isEqualTo(w.statistics.logLikelihood());
    assertThat(back.statistics.progressive().result()).isEqualTo(w.statistics.progressive().result());
    final int scoreBytes = 8 * ProgressiveScore.STATE_SIZE;
    assertThat(bytes.length - scoreBytes).isEqualTo(103 + 8 * (6 + 9 - 1)).isLessThanOrEqualTo(8 * (6 + 9 + 16));
    assertThat(scoreBytes).isEqualTo(8 * (8 + 2 * 64));
  }

  @Test
  void shouldReadANewtonWindowWrittenBeforeTheProgressiveScoreWithAnEmptyScore() {
    // Given a newton window's record as written before the progressive score was kept
    final KeyWindow w = new KeyWindow("k".getBytes(StandardCharsets.UTF_8), 2);
    w.openStatistics(5, new double[] {0.5, -1, 2});
    w.add(new double[] {1.5, -2.0}, 1.0, 3.0, 0.25);
    final byte[] current = w.encode();
    final byte[] old = Arrays.copyOf(current, current.length - 8 * ProgressiveScore.STATE_SIZE);

    // When it is decoded
    final KeyWindow back = KeyWindow.decode(w.key, old);

    // Then the statistics are read and the score starts empty
    assertThat(back.statistics.count()).isEqualTo(1);
    assertThat(back.statistics.progressive().result().weight()).isZero();
  }

  @Test
  void shouldKeepOneKeysChunksApartFromAnother() {
    // Given keys "a" and "ab"
    final byte[] lastOfA = WindowStore.chunkKey("a".getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE).get();
    final byte[] firstOfA = WindowStore.chunkKey("a".getBytes(StandardCharsets.UTF_8), 0).get();
    final byte[] chunkOfAb = WindowStore.chunkKey("ab".getBytes(StandardCharsets.UTF_8), 0).get();

    // When "ab"'s chunk key is placed among "a"'s
    // Then it sorts outside the range of "a"'s chunks: a range scan of "a" never sees "ab"'s rows
    assertThat(Arrays.compareUnsigned(chunkOfAb, firstOfA) < 0 || Arrays.compareUnsigned(chunkOfAb, lastOfA) > 0)
        .isTrue();
  }

  @Test
  void shouldRoundTripAChunkOfRowsIntoADesign() {
    // Given a window that keeps its events, with one pending row
    final KeyWindow w = new KeyWindow("k".getBytes(StandardCharsets.UTF_8), 2);
    w.openEvents(0);
    w.add(new double[] {1.5, -2.0}, 1.0, 3.0, 0.25);

    // When its pending rows are written as a chunk and appended to a design
    final byte[] chunk = w.encodePendingChunk();
    final Design.Builder builder = Design.builder(2, 1);
    assertThat(KeyWindow.addChunkTo(builder, chunk, 2, new double[5])).isTrue();
    final Design d = builder.build();

    // Then the row, label, weight and offset are there
    assertThat(d.column(0)[0]).isEqualTo(1.5);
    assertThat(d.column(1)[0]).isEqualTo(-2.0);
    assertThat(d.y()[0]).isEqualTo(1.0);
    assertThat(d.weight()[0]).isEqualTo(3.0);
    assertThat(d.offset()[0]).isEqualTo(0.25);
    assertThat(KeyWindow.addChunkTo(builder, chunk, 3, new double[6])).isFalse();
  }

  @Test
  void shouldTellValidUtf8FromInvalid() {
    // Given valid text in several scripts and malformed sequences
    // When checked, Then only the well-formed ones pass
    assertThat(Utf8.isValid("model-1".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(Utf8.isValid("modèle-ü-模型-🙂".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(Utf8.isValid(new byte[0])).isTrue();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xC3, 0x28})).isFalse(); // bad continuation
    assertThat(Utf8.isValid(new byte[] {(byte) 0xC0, (byte) 0x80})).isFalse(); // overlong
    assertThat(Utf8.isValid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isFalse(); // surrogate
    assertThat(Utf8.isValid(new byte[] {(byte) 0xE2, (byte) 0x82})).isFalse(); // truncated
    assertThat(Utf8.isValid(new byte[] {(byte) 0xFF})).isFalse();
  }
}
