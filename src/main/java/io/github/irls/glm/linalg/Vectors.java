package io.github.irls.glm.linalg;

/** Small checks on plain vectors, shared by the fitter and the streaming step. */
public final class Vectors {

  private Vectors() {}

  /** Whether every element is finite (neither NaN nor infinite). */
  public static boolean allFinite(final double[] v) {
    for (final double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
