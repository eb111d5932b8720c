package io.github.irls.streams.internals;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian primitive access to byte arrays without wrapping them (no allocation). */
final class Bin {

  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle DOUBLE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.BIG_ENDIAN);

  private Bin() {}

  static int getInt(final byte[] b, final int at) {
    return (int) INT.get(b, at);
  }

  static void putInt(final byte[] b, final int at, final int v) {
    INT.set(b, at, v);
  }

  static long getLong(final byte[] b, final int at) {
    return (long) LONG.get(b, at);
  }

  static void putLong(final byte[] b, final int at, final long v) {
    LONG.set(b, at, v);
  }

  static double getDouble(final byte[] b, final int at) {
    return (double) DOUBLE.get(b, at);
  }

  static void putDouble(final byte[] b, final int at, final double v) {
    DOUBLE.set(b, at, v);
  }
}
