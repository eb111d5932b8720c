package io.github.irls.csv;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import io.github.irls.glm.Design;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

/**
 * Reads the fixtures' CSV format, {@code model,y[,weight][,offset],x1..xp}, into one {@link Design}
 * per model key, streaming: the only per-row storage is the designs' column arrays.
 *
 * <p>Columns are identified by their header names ({@code model}, {@code y}, and the optional
 * {@code weight} and {@code offset}); every other column is a feature, in file order. Gzip input is
 * recognised by its magic bytes, whatever the file is called; {@code -} reads standard input. Fields
 * may be double-quoted (as R's {@code write.csv} writes them); blank lines are skipped but counted.
 *
 * <p>The input is read in large blocks of whole lines. Each block is split at line boundaries
 * between {@code threads} workers that tokenize and parse numbers with FastDoubleParser (correctly
 * rounded, straight from the bytes, no String per field); the parsed rows are then appended to the
 * designs in file order by the calling thread, so the result does not depend on the thread count.
 *
 * <p>Instances are immutable and may be shared; each {@link #read} call has its own state.
 */
public final class GroupedCsvReader {

  /** The input name that means standard input. */
  public static final String STDIN = "-";

  static final String STDIN_NAME = "<stdin>";
  static final int DEFAULT_BLOCK_BYTES = 1 << 22;
  /** Below this many bytes a block is parsed by one thread: handing off would cost more. */
  static final int MIN_PARALLEL_BYTES = 1 << 16;

  private static final String EXPECTED_HEADER = "model,y[,weight][,offset],x1..xp";
  private static final int MAX_SHOWN_VALUE = 40;

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
    if (STDIN.equals(input)) {
      return read(System.in, STDIN_NAME);
    }
    final Path path;
    try {
      path = Path.of(input);
    } catch (final InvalidPathException e) {
      throw new NoSuchFileException(input, null, e.getReason());
    }
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, input);
    }
  }

  /**
   * Reads {@code in} (plain or gzip), naming it {@code source} in error messages. The stream is read
   * to its end but not closed.
   */
  public GroupedRows read(final InputStream in, final String source) throws IOException, CsvFormatException {
    final InputStream decoded = gunzipIfCompressed(in);
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
      return new Parse(decoded, source, pool).run();
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /** Gzip is recognised by its magic bytes {@code 1f 8b}, not by the file name. */
  static InputStream gunzipIfCompressed(final InputStream in) throws IOException {
    final BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    final int b0 = buffered.read();
    final int b1 = buffered.read();
    buffered.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new GZIPInputStream(buffered, 1 << 16);
    }
    return buffered;
  }

  // ---------------------------------------------------------------------------------------------

  /** What each column is. */
  private static final int KEY = 0;
  private static final int RESPONSE = 1;
  private static final int WEIGHT = 2;
  private static final int OFFSET = 3;
  private static final int FEATURE = 4;

  /** The header's meaning: column roles and where each parsed value goes in a row record. */
  private static final class Header {
    final String[] names;
    final int[] role;
    /** Index into a row record {@code [x1..xp, y, weight, offset]}; -1 for the key. */
    final int[] slot;
    final List<String> features;
    final boolean hasWeight;
    final boolean hasOffset;

    Header(final String[] names, final int[] role, final int[] slot, final List<String> features,
        final boolean hasWeight, final boolean hasOffset) {
      this.names = names;
      this.role = role;
      this.slot = slot;
      this.features = features;
      this.hasWeight = hasWeight;
      this.hasOffset = hasOffset;
    }

    int columns() {
      return names.length;
    }

    int p() {
      return features.size();
    }

    /** A row record holds the features, then y, weight and offset. */
    int stride() {
      return features.size() + 3;
    }
  }

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
    private final InputStream in;
    private final String source;
    private final ExecutorService pool;
    private byte[] buf = new byte[blockBytes];
    private int pos;
    private int len;
    private boolean eof;
    /** Lines before {@code buf[pos]}: the header is line 1. */
    private long linesBefore;
    private long rows;
    private Header header;
    private final List<Group> groups = new ArrayList<>();
    private int[] table = new int[64];
    private Group last;
    private byte[] scratch = new byte[64];
    private Worker[] workers;
    private int[] next = new int[256];
    private final List<Group> touched = new ArrayList<>();
    private long epoch;

    Parse(final InputStream in, final String source, final ExecutorService pool) {
      this.in = in;
      this.source = source;
      this.pool = pool;
    }

    GroupedRows run() throws IOException, CsvFormatException {
      readHeader();
      workers = new Worker[threads];
      for (int t = 0; t < threads; t++) {
        workers[t] = new Worker(header);
      }
      while (true) {
        fill();
        if (len == 0) {
          break;
        }
        final int end = eof ? len : lastNewline(buf, 0, len) + 1;
        if (end == 0) {
          // One line longer than the buffer: make room for it.
          buf = Arrays.copyOf(buf, buf.length * 2);
          continue;
        }
        processBlock(0, end);
        pos = end;
      }
      if (rows == 0) {
        throw new CsvFormatException(source, linesBefore + 1, null, "no data rows after the header");
      }
      final List<GroupedRows.ModelRows> models = new ArrayList<>(groups.size());
      for (final Group g : groups) {
        models.add(new GroupedRows.ModelRows(g.key, g.builder.build()));
      }
      return new GroupedRows(header.features, header.hasWeight, header.hasOffset, models, rows);
    }

    /** Moves the unread bytes to the front and reads until the buffer is full or the input ends. */
    private void fill() throws IOException {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, len - pos);
        len -= pos;
        pos = 0;
      }
      while (!eof && len < buf.length) {
        final int n = in.read(buf, len, buf.length - len);
        if (n < 0) {
          eof = true;
        } else {
          len += n;
        }
      }
    }

    private void readHeader() throws IOException, CsvFormatException {
      int nl;
      while (true) {
        fill();
        nl = indexOf(buf, (byte) '\n', 0, len);
        if (nl >= 0 || eof) {
          break;
        }
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      if (len == 0) {
        throw new CsvFormatException(
            source, 1, null, "the file is empty; expected a header " + EXPECTED_HEADER);
      }
      final int next = nl < 0 ? len : nl + 1;
      int from = 0;
      if (len >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
        from = 3; // a UTF-8 byte order mark, as some spreadsheet exports write
      }
      int to = nl < 0 ? len : nl;
      if (to > from && buf[to - 1] == '\r') {
        to--;
      }
      header = parseHeader(splitHeader(from, to));
      pos = next;
      linesBefore = 1;
    }

    private List<String> splitHeader(final int from, final int to) throws CsvFormatException {
      final List<String> names = new ArrayList<>();
      int p = from;
      while (true) {
        final String name;
        if (p < to && buf[p] == '"') {
          final StringBuilder sb = new StringBuilder();
          int q = p + 1;
          int start = q;
          while (true) {
            if (q >= to) {
              throw new CsvFormatException(source, 1, null, "unterminated quoted field in the header");
            }
            if (buf[q] == '"') {
              sb.append(new String(buf, start, q - start, StandardCharsets.UTF_8));
              if (q + 1 < to && buf[q + 1] == '"') {
                sb.append('"');
                q += 2;
                start = q;
                continue;
              }
              break;
            }
            q++;
          }
          name = sb.toString();
          p = q + 1;
          if (p < to && buf[p] != ',') {
            throw new CsvFormatException(source, 1, name, "unexpected text after the closing quote of \"" + name + "\"");
          }
        } else {
          int q = p;
          while (q < to && buf[q] != ',') {
            q++;
          }
          name = new String(buf, p, q - p, StandardCharsets.UTF_8);
          p = q;
        }
        names.add(name.strip());
        if (p >= to) {
          return names;
        }
        p++; // the comma
      }
    }

    private Header parseHeader(final List<String> names) throws CsvFormatException {
      final int n = names.size();
      final int[] role = new int[n];
      final Set<String> seen = new HashSet<>();
      for (int c = 0; c < n; c++) {
        final String name = names.get(c);
        if (name.isEmpty()) {
          throw new CsvFormatException(source, 1, null, "column " + (c + 1) + " of the header has no name");
        }
        if (!seen.add(name)) {
          throw new CsvFormatException(source, 1, name, "column \"" + name + "\" appears twice in the header");
        }
        switch (name) {
          case "model" -> role[c] = KEY;
          case "y" -> role[c] = RESPONSE;
          case "weight" -> role[c] = WEIGHT;
          case "offset" -> role[c] = OFFSET;
          default -> role[c] = FEATURE;
        }
      }
      for (final String required : List.of("model", "y")) {
        if (!seen.contains(required)) {
          throw new CsvFormatException(
              source, 1, required,
              "missing column \"" + required + "\" in the header (expected " + EXPECTED_HEADER + ")");
        }
      }
      final List<String> features = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        if (role[c] == FEATURE) {
          features.add(names.get(c));
        }
      }
      final int p = features.size();
      final int[] slot = new int[n];
      int k = 0;
      for (int c = 0; c < n; c++) {
        slot[c] =
            switch (role[c]) {
              case KEY -> -1;
              case RESPONSE -> p;
              case WEIGHT -> p + 1;
              case OFFSET -> p + 2;
              default -> k++;
            };
      }
      return new Header(
          names.toArray(new String[0]), role, slot, features, seen.contains("weight"), seen.contains("offset"));
    }

    /** Parses the whole lines in {@code buf[from, to)} on the workers, then appends them in order. */
    private void processBlock(final int from, final int to) throws CsvFormatException {
      final int parts = pool == null || to - from < minParallelBytes ? 1 : threads;
      final int[] bounds = new int[parts + 1];
      bounds[0] = from;
      for (int t = 1; t < parts; t++) {
        final int target = Math.max(bounds[t - 1], from + (int) ((long) (to - from) * t / parts));
        final int nl = indexOf(buf, (byte) '\n', target, to);
        bounds[t] = nl < 0 ? to : nl + 1;
      }
      bounds[parts] = to;
      final byte[] block = buf;
      final List<Future<?>> futures = new ArrayList<>(parts - 1);
      for (int t = 1; t < parts; t++) {
        final Worker w = workers[t];
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
    private void append(final Worker w, final byte[] block) throws CsvFormatException {
      final double[] v = w.values;
      final int stride = w.stride;
      final int p = header.p();
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
      if (w.errorLine >= 0) {
        throw new CsvFormatException(source, linesBefore + w.errorLine + 1, w.errorColumn, w.errorMessage);
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
      final Group g = new Group(Arrays.copyOfRange(k, lo, hi), h, Design.builder(header.p(), 16));
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
      int n = 0;
      for (int i = from; i < to; i++) {
        scratch[n++] = b[i];
        if (b[i] == '"' && i + 1 < to && b[i + 1] == '"') {
          i++;
        }
      }
      unescapedLength = n;
      return scratch;
    }
  }

  /** Tokenizes and parses a range of whole lines into row records; reused from block to block. */
  private static final class Worker {
    private final Header header;
    final int stride;
    double[] values;
    int[] keyFrom;
    int[] keyTo;
    boolean[] keyEscaped;
    int rows;
    /** Lines (blank ones included) in the range, up to the first error. */
    int lines;
    /** 0-based index of the failing line within the range, or -1. */
    int errorLine;
    String errorColumn;
    String errorMessage;

    Worker(final Header header) {
      this.header = header;
      this.stride = header.stride();
      final int capacity = 256;
      this.values = new double[capacity * stride];
      this.keyFrom = new int[capacity];
      this.keyTo = new int[capacity];
      this.keyEscaped = new boolean[capacity];
    }

    void parse(final byte[] b, final int from, final int to) {
      rows = 0;
      lines = 0;
      errorLine = -1;
      errorColumn = null;
      errorMessage = null;
      int p = from;
      while (p < to) {
        final int nl = indexOf(b, (byte) '\n', p, to);
        final int lineEnd = nl < 0 ? to : nl;
        int e = lineEnd;
        if (e > p && b[e - 1] == '\r') {
          e--;
        }
        if (e > p && !parseLine(b, p, e)) {
          errorLine = lines;
          return;
        }
        lines++;
        p = nl < 0 ? to : nl + 1;
      }
    }

    /** Parses one non-blank line into row record {@code rows}; false (with the error set) if malformed. */
    private boolean parseLine(final byte[] b, final int s, final int e) {
      if (rows == keyFrom.length) {
        grow();
      }
      final int columns = header.columns();
      final int[] role = header.role;
      final int[] slot = header.slot;
      final int base = rows * stride;
      final int p = header.p();
      values[base + p + 1] = 1.0;
      values[base + p + 2] = 0.0;
      int at = s;
      for (int c = 0; c < columns; c++) {
        int fs;
        int fe;
        boolean escaped = false;
        if (at < e && b[at] == '"') {
          int q = at + 1;
          while (true) {
            if (q >= e) {
              return fail(c, "unterminated quoted field");
            }
            if (b[q] == '"') {
              if (q + 1 < e && b[q + 1] == '"') {
                escaped = true;
                q += 2;
                continue;
              }
              break;
            }
            q++;
          }
          fs = at + 1;
          fe = q;
          at = q + 1;
          if (at < e && b[at] != ',') {
            return fail(c, "unexpected text after a closing quote");
          }
        } else {
          int q = at;
          while (q < e && b[q] != ',') {
            q++;
          }
          fs = at;
          fe = q;
          at = q;
        }
        if (role[c] == KEY) {
          keyFrom[rows] = fs;
          keyTo[rows] = fe;
          keyEscaped[rows] = escaped;
        } else {
          while (fs < fe && (b[fs] == ' ' || b[fs] == '\t')) {
            fs++;
          }
          while (fe > fs && (b[fe - 1] == ' ' || b[fe - 1] == '\t')) {
            fe--;
          }
          if (fe == fs) {
            return fail(c, "empty value in column \"" + header.names[c] + "\" (missing values are not supported)");
          }
          if (escaped) {
            return fail(c, notANumber(b, fs, fe, c));
          }
          final double v;
          try {
            v = JavaDoubleParser.parseDouble(b, fs, fe - fs);
          } catch (final NumberFormatException ex) {
            return fail(c, notANumber(b, fs, fe, c));
          }
          switch (role[c]) {
            case RESPONSE -> {
              if (!(v >= 0.0 && v <= 1.0)) {
                return fail(c, "response y must be in [0, 1], got " + shown(b, fs, fe));
              }
            }
            case WEIGHT -> {
              if (!(v >= 0.0) || v == Double.POSITIVE_INFINITY) {
                return fail(c, "weight must be finite and >= 0, got " + shown(b, fs, fe));
              }
            }
            default -> {
              if (!Double.isFinite(v)) {
                return fail(c, "value in column \"" + header.names[c] + "\" must be finite, got " + shown(b, fs, fe));
              }
            }
          }
          values[base + slot[c]] = v;
        }
        if (c < columns - 1) {
          if (at >= e) {
            return fail(-1, "expected " + columns + " columns, found " + (c + 1));
          }
          at++; // the comma
        } else if (at < e) {
          return fail(-1, "expected " + columns + " columns, found " + (columns + countFields(b, at, e)));
        }
      }
      rows++;
      return true;
    }

    private String notANumber(final byte[] b, final int fs, final int fe, final int c) {
      return "cannot parse " + shown(b, fs, fe) + " in column \"" + header.names[c] + "\" as a number";
    }

    private boolean fail(final int column, final String message) {
      errorColumn = column < 0 ? null : header.names[column];
      errorMessage = message;
      return false;
    }

    private void grow() {
      final int capacity = keyFrom.length * 2;
      values = Arrays.copyOf(values, capacity * stride);
      keyFrom = Arrays.copyOf(keyFrom, capacity);
      keyTo = Arrays.copyOf(keyTo, capacity);
      keyEscaped = Arrays.copyOf(keyEscaped, capacity);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Commas in {@code b[from, to)} outside quotes: the number of extra fields after a field's end. */
  private static int countFields(final byte[] b, final int from, final int to) {
    int n = 0;
    boolean quoted = false;
    for (int i = from; i < to; i++) {
      if (b[i] == '"') {
        quoted = !quoted;
      } else if (b[i] == ',' && !quoted) {
        n++;
      }
    }
    return n;
  }

  private static String shown(final byte[] b, final int from, final int to) {
    final int n = Math.min(to - from, MAX_SHOWN_VALUE);
    final String s = new String(b, from, n, StandardCharsets.UTF_8);
    return "\"" + s + (to - from > n ? "..." : "") + "\"";
  }

  private static int indexOf(final byte[] b, final byte v, final int from, final int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private static int lastNewline(final byte[] b, final int from, final int to) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

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
