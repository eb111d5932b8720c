package io.github.irls.csv;

import java.nio.charset.StandardCharsets;

/** Byte-range helpers of the CSV parser, which works on UTF-8 bytes and makes no String per field. */
final class Bytes {

  /** Values quoted in error messages are cut here so that one bad field cannot flood a terminal. */
  private static final int MAX_SHOWN_VALUE = 40;

  private Bytes() {}

  /** The first index of {@code v} in {@code b[from, to)}, or -1. */
  static int indexOf(final byte[] b, final byte v, final int from, final int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  /** The last index of {@code v} in {@code b[from, to)}, or -1. */
  static int lastIndexOf(final byte[] b, final byte v, final int from, final int to) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  /** {@code b[from, to)} in double quotes for an error message, cut after a few dozen bytes. */
  static String shown(final byte[] b, final int from, final int to) {
    final int n = Math.min(to - from, MAX_SHOWN_VALUE);
    final String s = new String(b, from, n, StandardCharsets.UTF_8);
    return "\"" + s + (to - from > n ? "..." : "") + "\"";
  }
}
