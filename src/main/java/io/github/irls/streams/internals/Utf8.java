package io.github.irls.streams.internals;

/** A UTF-8 validity check that allocates nothing (keys are checked per event). */
final class Utf8 {

  private Utf8() {}

  /** Whether {@code b} is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
  static boolean isValid(final byte[] b) {
    int i = 0;
    final int n = b.length;
    while (i < n) {
      final int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      final int len;
      int min;
      int cp;
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
        min = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
        min = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + len > n) {
        return false;
      }
      for (int k = 1; k < len; k++) {
        final int cc = b[i + k] & 0xFF;
        if ((cc & 0xC0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return false;
      }
      i += len;
    }
    return true;
  }
}
