package io.github.irls.cli;

import java.io.PrintWriter;

/** A one-line progress bar redrawn in place ({@code \r}) at most five times a second. */
final class ProgressBar {

  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final String label;
  private final long started = System.nanoTime();
  private long lastDraw;

  ProgressBar(final PrintWriter err, final String label) {
    this.err = err;
    this.label = label;
  }

  /** Redraws if due; {@code fraction} in [0, 1], or negative when unknown. */
  void update(final double fraction, final long rows) {
    final long now = System.nanoTime();
    if (now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    draw(fraction, rows, now);
  }

  /** Draws the final state and ends the line. */
  void finish(final long rows) {
    draw(1.0, rows, System.nanoTime());
    err.println();
    err.flush();
  }

  private void draw(final double fraction, final long rows, final long now) {
    final double seconds = Math.max(1e-9, (now - started) / 1e9);
    final StringBuilder line = new StringBuilder("\r").append(label).append(' ');
    if (fraction >= 0) {
      final int filled = (int) Math.round(Math.min(1.0, fraction) * WIDTH);
      line.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
          .append(String.format("%3d%% ", Math.round(Math.min(1.0, fraction) * 100)));
    }
    line.append(String.format("%,d rows, %,.0f rows/s", rows, rows / seconds));
    err.print(line);
    err.flush();
  }
}
