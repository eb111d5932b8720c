package io.github.irls.csv;

import io.github.irls.glm.Design;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads the fixtures' CSV format (opened by {@link CsvInput}, parsed by {@link CsvRowParser}) into
 * one {@link Design} per model key, streaming: the only per-row storage is the designs' column
 * arrays. The values must be what a binomial fit accepts ({@link CsvRowParser.Values#BINOMIAL}), and
 * there must be at least one row.
 *
 * <p>The input is read in large blocks of whole lines. Each block is split at line boundaries
 * between {@code threads} row parsers (correctly rounded, straight from the bytes, no String per
 * field); the parsed rows are then appended to the designs in file order by the calling thread, so
 * the result does not depend on the thread count.
 *
 * <p>Instances are immutable and may be shared; each {@link #read} call has its own state.
 */
public final class GroupedCsvReader {

  /** The input name that means standard input. */
  public static final String STDIN = CsvInput.STDIN;

  static final int DEFAULT_BLOCK_BYTES = 1 << 22;
  /** Below this many bytes a block is parsed by one thread: handing off would cost more. */
  static final int MIN_PARALLEL_BYTES = 1 << 16;

  private final int threads;
  private final int blockBytes;
  private final int minParallelBytes;

  /** A reader that parses with {@code threads} threads (1 = the calling thread only). */
  public GroupedCsvReader(final int threads) {
    this(threads, DEFAULT_BLOCK_BYTES, MIN_PARALLEL_BYTES);
  }

  /** Small blocks let tests cross block and thread boundaries with small inputs. */
  GroupedCsvReader(final int threads, final int blockBytes, final int minParallelBytes) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (blockBytes < 16) {
      throw new IllegalArgumentException("blockBytes must be >= 16, got " + blockBytes);
    }
    this.threads = threads;
    this.blockBytes = blockBytes;
    this.minParallelBytes = minParallelBytes;
  }

  /** Reads the file {@code input}, or standard input when it is {@code -}. */
  public GroupedRows read(final String input) throws IOException, CsvFormatException {
    try (CsvInput in = CsvInput.open(input, blockBytes)) {
      return read(in);
    }
  }

  /**
   * Reads {@code in} (plain or gzip), naming it {@code source} in error messages. The stream is read
   * to its end but not closed.
   */
  public GroupedRows read(final InputStream in, final String source) throws IOException, CsvFormatException {
    return read(CsvInput.of(in, source, -1, blockBytes));
  }

  private GroupedRows read(final CsvInput in) throws IOException, CsvFormatException {
    final ExecutorService pool =
        threads > 1
            ? Executors.newFixedThreadPool(
                threads - 1,
                r -> {
                  final Thread t = new Thread(r, "csv-parse");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    try {
      return new Parse(in, pool).run();
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** One model key's rows; the key is compared as raw (unescaped) UTF-8 bytes. */
  private static final class Group {
    final String key;
    final byte[] keyBytes;
    final int hash;
    final Design.Builder builder;
    /** The block this key was last seen in, and its first and last row there. */
    long epoch = -1;
    int head;
    int tail;

    Group(final byte[] keyBytes, final int hash, final Design.Builder builder) {
      this.key = new String(keyBytes, StandardCharsets.UTF_8);
      this.keyBytes = keyBytes;
      this.hash = hash;
      this.builder = builder;
    }

    boolean matches(final byte[] b, final int from, final int to) {
      return Arrays.equals(keyBytes, 0, keyBytes.length, b, from, to);
    }
  }

  /** The state of one read. */
  private final class Parse {
    private final CsvInput in;
    private final String source;
    private final CsvHeader header;
    private final ExecutorService pool;
    /** Lines before the current block: the header is line 1. */
    private long linesBefore = 1;
    private long rows;
    private final List<Group> groups = new ArrayList<>();
    private int[] table = new int[64];
    private Group last;
    private byte[] scratch = new byte[64];
    private final CsvRowParser[] workers;
    private int[] next = new int[256];
    private final List<Group> touched = new ArrayList<>();
    private long epoch;

    Parse(final CsvInput in, final ExecutorService pool) {
      this.in = in;
      this.source = in.source();
      this.header = in.header();
      this.pool = pool;
      this.workers = new CsvRowParser[threads];
      for (int t = 0; t < threads; t++) {
        workers[t] = new CsvRowParser(header, CsvRowParser.Values.BINOMIAL);
      }
    }

    GroupedRows run() throws IOException, CsvFormatException {
      for (int end = in.nextBlock(); end > 0; end = in.nextBlock()) {
        processBlock(in.block(), end);
      }
      if (rows == 0) {
        throw new CsvFormatException(source, linesBefore + 1, null, "no data rows after the header");
      }
      final List<GroupedRows.ModelRows> models = new ArrayList<>(groups.size());
      for (final Group g : groups) {
        models.add(new GroupedRows.ModelRows(g.key, g.builder.build()));
      }
      return new GroupedRows(header.featureNames(), header.hasWeight(), header.hasOffset(), models, rows);
    }

    /** Parses the whole lines in {@code block[0, to)} on the workers, then appends them in order. */
    private void processBlock(final byte[] block, final int to) throws CsvFormatException {
      final int parts = pool == null || to < minParallelBytes ? 1 : threads;
      final int[] bounds = new int[parts + 1];
      for (int t = 1; t < parts; t++) {
        final int target = Math.max(bounds[t - 1], (int) ((long) to * t / parts));
        final int nl = Bytes.indexOf(block, (byte) '\n', target, to);
        bounds[t] = nl < 0 ? to : nl + 1;
      }
      bounds[parts] = to;
      final List<Future<?>> futures = new ArrayList<>(parts - 1);
      for (int t = 1; t < parts; t++) {
        final CsvRowParser w = workers[t];
        final int lo = bounds[t];
        final int hi = bounds[t + 1];
        futures.add(pool.submit(() -> w.parse(block, lo, hi)));
      }
      workers[0].parse(block, bounds[0], bounds[1]);
      for (final Future<?> f : futures) {
        try {
          f.get();
        } catch (final InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while parsing", e);
        } catch (final ExecutionException e) {
          throw new IllegalStateException("a parser thread failed", e.getCause());
        }
      }
      for (int t = 0; t < parts; t++) {
        append(workers[t], block);
      }
    }

    /** Appends a worker's rows in order; its error, if any, comes after every row before it. */
    private void append(final CsvRowParser w, final byte[] block) throws CsvFormatException {
      final double[] v = w.values;
      final int stride = w.stride;
      final int p = header.features();
      final int n = w.rows;
      // Rows are chained per key and appended key by key: with many interleaved keys, appending in
      // file order would write each row into p + 3 far-apart column arrays (a cache miss each),
      // while a run of one key's rows fills consecutive slots. Each key keeps its file order.
      if (next.length < n) {
        next = new int[Math.max(n, 2 * next.length)];
      }
      epoch++;
      touched.clear();
      for (int r = 0; r < n; r++) {
        final Group g = lookup(block, w.keyFrom[r], w.keyTo[r], w.keyEscaped[r]);
        next[r] = -1;
        if (g.epoch != epoch) {
          g.epoch = epoch;
          g.head = r;
          touched.add(g);
        } else {
          next[g.tail] = r;
        }
        g.tail = r;
      }
      for (final Group g : touched) {
        for (int r = g.head; r >= 0; r = next[r]) {
          final int base = r * stride;
          g.builder.add(v, base, v[base + p], v[base + p + 1], v[base + p + 2]);
        }
      }
      rows += n;
      if (w.failed()) {
        throw w.failure(source, linesBefore + 1);
      }
      linesBefore += w.lines;
    }

    private Group lookup(final byte[] b, final int from, final int to, final boolean escaped) {
      byte[] k = b;
      int lo = from;
      int hi = to;
      if (escaped) {
        k = unescape(b, from, to);
        lo = 0;
        hi = unescapedLength;
      }
      if (last != null && last.matches(k, lo, hi)) {
        return last;
      }
      final int h = hash(k, lo, hi);
      int mask = table.length - 1;
      int i = h & mask;
      while (table[i] != 0) {
        final Group g = groups.get(table[i] - 1);
        if (g.hash == h && g.matches(k, lo, hi)) {
          last = g;
          return g;
        }
        i = (i + 1) & mask;
      }
      final Group g = new Group(Arrays.copyOfRange(k, lo, hi), h, Design.builder(header.features(), 16));
      groups.add(g);
      table[i] = groups.size();
      if (groups.size() * 2 > table.length) {
        table = new int[table.length * 2];
        mask = table.length - 1;
        for (int gi = 0; gi < groups.size(); gi++) {
          int j = groups.get(gi).hash & mask;
          while (table[j] != 0) {
            j = (j + 1) & mask;
          }
          table[j] = gi + 1;
        }
      }
      last = g;
      return g;
    }

    private int unescapedLength;

    /** A quoted key with doubled quotes, unescaped into the scratch buffer. */
    private byte[] unescape(final byte[] b, final int from, final int to) {
      if (scratch.length < to - from) {
        scratch = new byte[to - from];
      }
      unescapedLength = CsvRowParser.unescape(b, from, to, scratch);
      return scratch;
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static int hash(final byte[] b, final int from, final int to) {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    // Spread the bits (murmur3's finaliser) so that similar keys do not cluster in the table.
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
