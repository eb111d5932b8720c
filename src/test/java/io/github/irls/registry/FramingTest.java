package io.github.irls.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FramingTest {

  @Test
  void shouldFrameAndReadBackTheSchemaIdBigEndian() {
    // Given a payload framed with an id above 2^24
    final byte[] framed = Framing.frame(0x01020304, new byte[] {9, 8});

    // Then the frame is magic, the id big-endian, then the payload, and the id reads back
    assertThat(framed).containsExactly(0, 1, 2, 3, 4, 9, 8);
    assertThat(Framing.schemaId(framed)).hasValue(0x01020304);
  }

  @Test
  void shouldTellUnframedBytes() {
    // Then null, short and other-first-byte values are not framed
    assertThat(Framing.schemaId(null)).isEmpty();
    assertThat(Framing.schemaId(new byte[] {0, 0, 0, 1})).isEmpty();
    assertThat(Framing.schemaId(new byte[] {2, 0, 0, 0, 1})).isEmpty();
    assertThat(Framing.schemaId(new byte[] {0, 0, 0, 0, 1})).hasValue(1);
  }
}
