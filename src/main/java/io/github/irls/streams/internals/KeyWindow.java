package io.github.irls.streams.internals;

import io.github.irls.glm.Design;
import io.github.irls.glm.ProgressiveScore;
import io.github.irls.glm.WindowStatistics;
import io.github.irls.glm.linalg.PackedSymmetric;
import io.github.irls.streams.OpenWindow;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One model key's open window, as the fitting processor works on it in memory and as {@link
 * WindowStore} keeps it: the window's bookkeeping (start, end, counts, weight, late events, last
 * activity), the key's feature count, and what the window's step will need — its events, for a
 * window that iterates ({@link Kind#EVENTS}), or only their sufficient statistics at the step's
 * starting coefficients, for a newton window ({@link Kind#STATISTICS}).
 *
 * <p>Mutable; owned by the store and changed only by the stream thread. Events of an
 * {@code EVENTS} window live in the store as chunks, one per commit at most ({@link WindowStore}
 * writes the rows added since the last commit as one chunk); {@link #pendingRows} holds those not
 * yet written.
 *
 * <p>The header record (big-endian): format byte 2, int features, long start, end, count, double
 * weight, long late, long lastActivity (stream time), byte kind, long firstChunk, long nextChunk;
 * then for a {@code STATISTICS} window: long count, double weight sum, double log-likelihood, long extreme
 * fits, byte non-finite, d coefficients, d(d+1)/2 packed information, d score, p max |x_j|, then
 * the window's progressive score ({@link ProgressiveScore#STATE_SIZE} doubles): {@code 103 + 8
 * (d(d+1)/2 + 3d - 1 + STATE_SIZE)} bytes in all, whatever the window size. A statistics record
 * written before the progressive score existed (without it) is read with an empty score.
 */
final class KeyWindow {

  /** What an open window keeps for its step. */
  enum Kind {
    /** No open window (nothing to fold). */
    NONE,
    /** The window's events (the step iterates on them). */
    EVENTS,
    /** The window's statistics at the step's starting coefficients (one Newton step). */
    STATISTICS
  }

  static final byte FORMAT = 2;
  private static final int HEADER = 1 + 4 + 8 * 6 + 1 + 8 * 2;

  final byte[] key;
  /** The key's feature count; -1 until its first event (or its first after a reset) fixes it. */
  int features;
  long start;
  long end;
  long count;
  double weight;
  long late;
  /** The task's stream time when the key's last event was folded in (idleness counts from it). */
  long lastActivity;
  Kind kind = Kind.NONE;
  /** Chunks of this window in the store: sequence numbers {@code [firstChunk, nextChunk)}. */
  long firstChunk;
  long nextChunk;
  /** Rows added since the last commit ({@code p + 3} doubles each: features, label, weight, offset). */
  double[] pending = new double[0];
  int pendingRows;
  /** Chunks of closed windows to delete at the next commit: {@code [deleteFrom, deleteTo)}. */
  long deleteFrom;
  long deleteTo;
  /** The statistics of a {@code STATISTICS} window (null otherwise). */
  WindowStatistics statistics;
  /** Whether this differs from what the store holds. */
  boolean dirty;

  KeyWindow(final byte[] key, final int features) {
    this.key = key;
    this.features = features;
  }

  /** Whether the window holds events that a close would fold. */
  boolean isOpen() {
    return count > 0;
  }

  /** Opens an {@code EVENTS} window whose first event has time {@code time}. */
  void openEvents(final long time) {
    open(time, Kind.EVENTS);
    statistics = null;
  }

  /** Opens a {@code STATISTICS} window at the coefficients {@code beta}. */
  void openStatistics(final long time, final double[] beta) {
    open(time, Kind.STATISTICS);
    if (statistics == null || statistics.features() != features) {
      statistics = new WindowStatistics(features);
    }
    statistics.reset(beta);
  }

  private void open(final long time, final Kind as) {
    kind = as;
    start = time;
    end = time;
    count = 0;
    weight = 0;
    late = 0;
    firstChunk = nextChunk;
    pendingRows = 0;
  }

  /** Adds one event's row to the window; {@code x[0 .. p)} is not modified. */
  void add(final double[] x, final double y, final double w, final double offset) {
    if (kind == Kind.STATISTICS) {
      statistics.add(x, 0, y, w, offset);
    } else {
      final int width = features + 3;
      final int at = pendingRows * width;
      if (pending.length < at + width) {
        final double[] grown = new double[Math.max(at + width, 2 * pending.length)];
        System.arraycopy(pending, 0, grown, 0, at);
        pending = grown;
      }
      System.arraycopy(x, 0, pending, at, features);
      pending[at + features] = y;
      pending[at + features + 1] = w;
      pending[at + features + 2] = offset;
      pendingRows++;
    }
    count++;
    weight += w;
  }

  /** Appends the rows not yet written to the store to {@code design}. */
  void addPendingTo(final Design.Builder design) {
    final int width = features + 3;
    for (int i = 0; i < pendingRows; i++) {
      final int at = i * width;
      design.add(pending, at, pending[at + features], pending[at + features + 1], pending[at + features + 2]);
    }
  }

  /**
   * Empties the window after its step: its chunks are to be deleted at the next commit, the next
   * window's chunks follow them. The feature count stays.
   */
  void clear() {
    if (nextChunk > firstChunk) {
      if (deleteTo == deleteFrom) {
        deleteFrom = firstChunk;
      }
      deleteTo = nextChunk;
    }
    firstChunk = nextChunk;
    pendingRows = 0;
    kind = Kind.NONE;
    start = 0;
    end = 0;
    count = 0;
    weight = 0;
    late = 0;
  }

  /** The view interactive queries return. */
  OpenWindow view() {
    return new OpenWindow(new String(key, StandardCharsets.UTF_8), features, start, end, count, weight, late,
        lastActivity);
  }

  /** The header record: the window's bookkeeping and, for a newton window, its statistics. */
  byte[] encode() {
    final boolean stats = kind == Kind.STATISTICS;
    final int d = features + 1;
    final int size = HEADER + (stats ? statisticsBytes(features) + 8 * ProgressiveScore.STATE_SIZE : 0);
    final byte[] b = new byte[size];
    b[0] = FORMAT;
    Bin.putInt(b, 1, features);
    Bin.putLong(b, 5, start);
    Bin.putLong(b, 13, end);
    Bin.putLong(b, 21, count);
    Bin.putDouble(b, 29, weight);
    Bin.putLong(b, 37, late);
    Bin.putLong(b, 45, lastActivity);
    b[53] = (byte) kind.ordinal();
    Bin.putLong(b, 54, firstChunk);
    Bin.putLong(b, 62, nextChunk);
    if (stats) {
      int at = HEADER;
      Bin.putLong(b, at, statistics.count());
      Bin.putDouble(b, at + 8, statistics.weightSum());
      Bin.putDouble(b, at + 16, statistics.logLikelihood());
      Bin.putLong(b, at + 24, statistics.extremeFitted());
      b[at + 32] = (byte) (statistics.sawNonFinite() ? 1 : 0);
      at += 33;
      at = putAll(b, at, statistics.beta());
      at = putAll(b, at, statistics.packedInformation());
      at = putAll(b, at, statistics.score());
      at = putAll(b, at, statistics.maxAbsFeatures());
      final double[] progressive = new double[ProgressiveScore.STATE_SIZE];
      statistics.progressive().state(progressive, 0);
      putAll(b, at, progressive);
    }
    return b;
  }

  /** Bytes of a newton window's statistics after the header, the progressive score not included. */
  private static int statisticsBytes(final int p) {
    final int d = p + 1;
    return 8 * 4 + 1 + 8 * (2 * d + PackedSymmetric.size(d) + p);
  }

  /** Reads a header record; null when {@code value} is not one. */
  static KeyWindow decode(final byte[] key, final byte[] value) {
    if (value == null || value.length < HEADER || value[0] != FORMAT) {
      return null;
    }
    final KeyWindow w = new KeyWindow(key, Bin.getInt(value, 1));
    w.start = Bin.getLong(value, 5);
    w.end = Bin.getLong(value, 13);
    w.count = Bin.getLong(value, 21);
    w.weight = Bin.getDouble(value, 29);
    w.late = Bin.getLong(value, 37);
    w.lastActivity = Bin.getLong(value, 45);
    final int kind = value[53];
    if (kind < 0 || kind >= Kind.values().length) {
      return null;
    }
    w.kind = Kind.values()[kind];
    w.firstChunk = Bin.getLong(value, 54);
    w.nextChunk = Bin.getLong(value, 62);
    w.deleteFrom = w.firstChunk;
    w.deleteTo = w.firstChunk;
    if (w.kind == Kind.STATISTICS) {
      final int p = w.features;
      final int d = p + 1;
      final boolean withScore = p >= 0 && value.length == HEADER + statisticsBytes(p) + 8 * ProgressiveScore.STATE_SIZE;
      if (p < 0 || !withScore && value.length != HEADER + statisticsBytes(p)) {
        return null;
      }
      int at = HEADER;
      final long n = Bin.getLong(value, at);
      final double weightSum = Bin.getDouble(value, at + 8);
      final double logLikelihood = Bin.getDouble(value, at + 16);
      final long extreme = Bin.getLong(value, at + 24);
      final boolean nonFinite = value[at + 32] != 0;
      at += 33;
      final double[] beta = getAll(value, at, d);
      at += 8 * d;
      final double[] information = getAll(value, at, PackedSymmetric.size(d));
      at += 8 * information.length;
      final double[] score = getAll(value, at, d);
      at += 8 * d;
      final double[] maxAbs = getAll(value, at, p);
      at += 8 * p;
      w.statistics = new WindowStatistics(p).restore(beta, information, score, maxAbs, n, weightSum,
          logLikelihood, extreme, nonFinite);
      if (withScore) {
        w.statistics.progressive().restore(getAll(value, at, ProgressiveScore.STATE_SIZE), 0);
      }
    } else if (value.length != HEADER) {
      return null;
    }
    return w;
  }

  /** The value of one chunk: format byte, int rows, then the rows ({@code p + 3} doubles each). */
  byte[] encodePendingChunk() {
    final int width = features + 3;
    final byte[] b = new byte[5 + 8 * pendingRows * width];
    b[0] = FORMAT;
    Bin.putInt(b, 1, pendingRows);
    putAll(b, 5, pending, pendingRows * width);
    return b;
  }

  /**
   * Appends the rows of one stored chunk to {@code design}; {@code row} (length >= p + 3) is scratch.
   * Returns false, appending nothing, when {@code chunk} does not hold rows of {@code p} features.
   */
  static boolean addChunkTo(final Design.Builder design, final byte[] chunk, final int p, final double[] row) {
    if (chunk == null || chunk.length < 5 || chunk[0] != FORMAT) {
      return false;
    }
    final int rows = Bin.getInt(chunk, 1);
    final int width = p + 3;
    if (rows < 0 || chunk.length != 5 + 8L * rows * width) {
      return false;
    }
    int at = 5;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < width; j++) {
        row[j] = Bin.getDouble(chunk, at);
        at += 8;
      }
      design.add(row, 0, row[p], row[p + 1], row[p + 2]);
    }
    return true;
  }

  /** Writes {@code values} big-endian at {@code at}; one bulk copy (the statistics are d^2 doubles). */
  private static int putAll(final byte[] b, final int at, final double[] values) {
    return putAll(b, at, values, values.length);
  }

  private static int putAll(final byte[] b, final int at, final double[] values, final int n) {
    ByteBuffer.wrap(b, at, 8 * n).asDoubleBuffer().put(values, 0, n);
    return at + 8 * n;
  }

  private static double[] getAll(final byte[] b, final int at, final int n) {
    final double[] out = new double[n];
    ByteBuffer.wrap(b, at, 8 * n).asDoubleBuffer().get(out);
    return out;
  }
}
