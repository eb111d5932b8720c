package io.github.irls.csv;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Tokenizes and parses a range of whole lines of the fixtures' CSV format into row records, straight
 * from the UTF-8 bytes (no String per field); reused from block to block, one per thread.
 *
 * <p>Fields are split at commas; a field may be double-quoted (as R's {@code write.csv} writes it),
 * with {@code ""} for a quote inside, and then nothing but a comma may follow its closing quote.
 * Blank lines (empty, or spaces and tabs only) are skipped but counted. Numbers are parsed with
 * FastDoubleParser, correctly rounded and with {@link Double#parseDouble}'s syntax, after spaces and
 * tabs around them are stripped; the model key is taken as it stands.
 *
 * <p>Row {@code r}'s record is {@code values[r * stride, (r + 1) * stride)}, laid out as
 * {@code [x1..xp, y, weight, offset]} (weight 1 and offset 0 when the file has no such column).
 * Parsing stops at the first malformed line: the rows before it are kept, and {@link #failure}
 * describes it.
 */
public final class CsvRowParser {

  /** Which numbers a row may hold. */
  public enum Values {
    /**
     * Whatever {@link Double#parseDouble} accepts, NaN and infinities included: the events topic
     * takes them, and the topology dead-letters what it cannot fit.
     */
    ANY,
    /** What a binomial fit accepts: y in [0, 1], a weight finite and >= 0, every other value finite. */
    BINOMIAL
  }

  private final CsvHeader header;
  private final boolean binomial;
  private final int columns;
  private final int features;
  private final int[] role;
  private final int[] slot;
  // Package-private so that GroupedCsvReader can append the row records without copying them.
  final int stride;
  double[] values;
  int[] keyFrom;
  int[] keyTo;
  boolean[] keyEscaped;
  /** 0-based index, within the parsed range, of each row's line. */
  private int[] lineOf;
  private byte[] block;
  int rows;
  /** Lines (blank ones included) in the range, up to the first error. */
  int lines;
  /** 0-based index of the failing line within the range, or -1. */
  private int errorLine = -1;
  private String errorColumn;
  private String errorMessage;

  public CsvRowParser(final CsvHeader header, final Values values) {
    this.header = header;
    this.binomial = values == Values.BINOMIAL;
    this.columns = header.columns();
    this.features = header.features();
    this.role = header.role;
    this.slot = header.slot;
    this.stride = header.stride();
    final int capacity = 256;
    this.values = new double[capacity * stride];
    this.keyFrom = new int[capacity];
    this.keyTo = new int[capacity];
    this.keyEscaped = new boolean[capacity];
    this.lineOf = new int[capacity];
  }

  /**
   * Parses the whole lines in {@code b[from, to)}, replacing the rows of the previous call. Keeps a
   * reference to {@code b}: {@link #key} reads it.
   */
  public void parse(final byte[] b, final int from, final int to) {
    block = b;
    rows = 0;
    lines = 0;
    errorLine = -1;
    errorColumn = null;
    errorMessage = null;
    int p = from;
    while (p < to) {
      final int nl = Bytes.indexOf(b, (byte) '\n', p, to);
      final int lineEnd = nl < 0 ? to : nl;
      int e = lineEnd;
      if (e > p && b[e - 1] == '\r') {
        e--;
      }
      if (!isBlank(b, p, e)) {
        if (rows == keyFrom.length) {
          grow();
        }
        lineOf[rows] = lines;
        if (!parseLine(b, p, e)) {
          errorLine = lines;
          return;
        }
      }
      lines++;
      p = nl < 0 ? to : nl + 1;
    }
  }

  /** The rows parsed (before the first malformed line, if any). */
  public int rows() {
    return rows;
  }

  /** The lines read, blank ones included, up to the first malformed one. */
  public int lines() {
    return lines;
  }

  /** The 0-based index of row {@code r}'s line within the parsed range. */
  public int lineIndex(final int r) {
    return lineOf[r];
  }

  /** Whether parsing stopped at a malformed line. */
  public boolean failed() {
    return errorLine >= 0;
  }

  /**
   * The error of the malformed line, if {@link #failed}.
   *
   * @param firstLine the line number of the parsed range's first line (the header is line 1)
   */
  public CsvFormatException failure(final String source, final long firstLine) {
    if (errorLine < 0) {
      throw new IllegalStateException("the range parsed without an error");
    }
    return new CsvFormatException(source, firstLine + errorLine, errorColumn, errorMessage);
  }

  /** Row {@code r}'s model key, unquoted. */
  public String key(final int r) {
    if (!keyEscaped[r]) {
      return new String(block, keyFrom[r], keyTo[r] - keyFrom[r], StandardCharsets.UTF_8);
    }
    final byte[] unquoted = new byte[keyTo[r] - keyFrom[r]];
    final int n = unescape(block, keyFrom[r], keyTo[r], unquoted);
    return new String(unquoted, 0, n, StandardCharsets.UTF_8);
  }

  /** Feature {@code j} (0-based) of row {@code r}. */
  public double feature(final int r, final int j) {
    return values[r * stride + j];
  }

  public double y(final int r) {
    return values[r * stride + stride - 3];
  }

  public double weight(final int r) {
    return values[r * stride + stride - 2];
  }

  public double offset(final int r) {
    return values[r * stride + stride - 1];
  }

  /**
   * Copies the quoted field {@code b[from, to)} into {@code into} with each doubled quote made one.
   *
   * @param into at least {@code to - from} long; modified
   * @return the unescaped length
   */
  static int unescape(final byte[] b, final int from, final int to, final byte[] into) {
    int n = 0;
    for (int i = from; i < to; i++) {
      into[n++] = b[i];
      if (b[i] == '"' && i + 1 < to && b[i + 1] == '"') {
        i++;
      }
    }
    return n;
  }

  private static boolean isBlank(final byte[] b, final int s, final int e) {
    for (int i = s; i < e; i++) {
      if (b[i] != ' ' && b[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  /** Parses one non-blank line into row record {@code rows}; false (with the error set) if malformed. */
  private boolean parseLine(final byte[] b, final int s, final int e) {
    final int base = rows * stride;
    values[base + features + 1] = 1.0;
    values[base + features + 2] = 0.0;
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
      if (role[c] == CsvHeader.KEY) {
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
          return fail(c, "empty value in column \"" + header.name(c) + "\" (missing values are not supported)");
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
        if (binomial && !checkBinomial(b, fs, fe, c, v)) {
          return false;
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

  /** Whether {@code v} (the text {@code b[fs, fe)} of column {@code c}) is one a binomial fit takes. */
  private boolean checkBinomial(final byte[] b, final int fs, final int fe, final int c, final double v) {
    return switch (role[c]) {
      case CsvHeader.RESPONSE ->
          v >= 0.0 && v <= 1.0 || fail(c, "response y must be in [0, 1], got " + Bytes.shown(b, fs, fe));
      case CsvHeader.WEIGHT ->
          v >= 0.0 && v != Double.POSITIVE_INFINITY
              || fail(c, "weight must be finite and >= 0, got " + Bytes.shown(b, fs, fe));
      default ->
          Double.isFinite(v)
              || fail(c, "value in column \"" + header.name(c) + "\" must be finite, got " + Bytes.shown(b, fs, fe));
    };
  }

  private String notANumber(final byte[] b, final int fs, final int fe, final int c) {
    return "cannot parse " + Bytes.shown(b, fs, fe) + " in column \"" + header.name(c) + "\" as a number";
  }

  private boolean fail(final int column, final String message) {
    errorColumn = column < 0 ? null : header.name(column);
    errorMessage = message;
    return false;
  }

  private void grow() {
    final int capacity = keyFrom.length * 2;
    values = Arrays.copyOf(values, capacity * stride);
    keyFrom = Arrays.copyOf(keyFrom, capacity);
    keyTo = Arrays.copyOf(keyTo, capacity);
    keyEscaped = Arrays.copyOf(keyEscaped, capacity);
    lineOf = Arrays.copyOf(lineOf, capacity);
  }

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
}
