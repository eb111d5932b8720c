package io.github.irls.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.glm.Design;
import io.github.irls.glm.Posterior;
import io.github.irls.glm.StepStatus;
import io.github.irls.streams.ModelState;
import io.github.irls.streams.OpenWindow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StoreCodecsTest {

  @Test
  void shouldRoundTripAModelState() {
    // Given a model with p = 2
    final ModelState state = new ModelState(2, 7, 7000, 6500.5, 3, 123456L, StepStatus.NOT_POSITIVE_DEFINITE,
        "information not positive definite", List.of("age", "income"), 987654L,
        new Posterior(new double[] {-1, 0.5, 2}, new double[] {0.1, 0.2, 0.3}, new double[] {1, 2, 3, 4, 5, 6}));

    // When it is encoded and decoded
    final ModelState back = ModelStateSerde.decode(ModelStateSerde.encode(state));

    // Then every field survives
    assertThat(back).usingRecursiveComparison().isEqualTo(state);
  }

  @Test
  void shouldRefuseATruncatedModelState() {
    // Given an encoded model cut short
    final byte[] bytes = ModelStateSerde.encode(new ModelState(1, 1, 1, 1, 0, 0, StepStatus.OK, "", List.of(), 0,
        new Posterior(new double[2], new double[2], new double[3])));
    final byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);

    // When it is decoded, Then a SerializationException names the problem
    assertThatThrownBy(() -> ModelStateSerde.decode(cut)).isInstanceOf(SerializationException.class);
  }

  @Test
  void shouldRoundTripAWindowRecord() {
    // Given a window record
    final WindowMeta m = new WindowMeta();
    m.reset(4);
    m.start = 10;
    m.end = 20;
    m.count = 3;
    m.weight = 2.5;
    m.late = 1;
    m.nextSeq = 99;
    m.lastActivityMs = 1234;

    // When it is encoded and decoded for a query
    final OpenWindow w = WindowMeta.decode("k".getBytes(StandardCharsets.UTF_8), m.encode());

    // Then it reads back
    assertThat(w).isEqualTo(new OpenWindow("k", 4, 10, 20, 3, 2.5, 1, 1234));
  }

  @Test
  void shouldKeepOneKeysEventPrefixApartFromAnother() {
    // Given keys "a" and "ab"
    final byte[] prefixA = EventRows.prefix("a".getBytes(StandardCharsets.UTF_8));
    final byte[] eventOfAb = EventRows.key("ab".getBytes(StandardCharsets.UTF_8), 0);

    // When "a"'s prefix is compared with an event key of "ab"
    boolean isPrefix = eventOfAb.length >= prefixA.length;
    for (int i = 0; isPrefix && i < prefixA.length; i++) {
      isPrefix = eventOfAb[i] == prefixA[i];
    }

    // Then it is not a prefix of it: a prefix scan of "a" never sees "ab"'s events
    assertThat(isPrefix).isFalse();
  }

  @Test
  void shouldRoundTripAnEventRowIntoADesign() {
    // Given an event's stored value
    final byte[] value = EventRows.value(List.of(1.5, -2.0), 1.0, 3.0, 0.25);

    // When it is appended to a design
    final Design.Builder builder = Design.builder(2, 1);
    assertThat(EventRows.addTo(builder, value, 2, new double[2])).isTrue();
    final Design d = builder.build();

    // Then the row, label, weight and offset are there
    assertThat(d.column(0)[0]).isEqualTo(1.5);
    assertThat(d.column(1)[0]).isEqualTo(-2.0);
    assertThat(d.y()[0]).isEqualTo(1.0);
    assertThat(d.weight()[0]).isEqualTo(3.0);
    assertThat(d.offset()[0]).isEqualTo(0.25);
    assertThat(EventRows.addTo(builder, value, 3, new double[3])).isFalse();
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
