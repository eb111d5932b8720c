package io.github.irls.app;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.csv.CsvFormatException;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads the fixtures' CSV format, {@code model,y[,weight][,offset],x1..xp}, one row at a time in
 * file order, as (model key, {@link LabeledEvent}) pairs: what {@code produce} and {@code replay}
 * send. Columns are found by header name as in {@code fit} (every column other than {@code model},
 * {@code y}, {@code weight} and {@code offset} is a feature, in file order); gzip is recognised by
 * its magic bytes; fields may be double-quoted; blank lines are skipped.
 *
 * <p>Numbers are parsed with {@link Double#parseDouble}, correctly rounded like {@code fit}'s
 * reader, so both see the same doubles.
 */
public final class EventCsvReader implements Closeable {

  private final String source;
  private final CountingInputStream counted;
  private final BufferedReader reader;
  private final long totalBytes;
  private final int modelColumn;
  private final int yColumn;
  private final int weightColumn;
  private final int offsetColumn;
  private final int[] featureColumns;
  private final int columns;
  private final List<String> names;
  private final List<String> fields = new ArrayList<>();
  private long line;
  private String key;
  private LabeledEvent event;

  private EventCsvReader(final String source, final InputStream raw, final long totalBytes)
      throws IOException, CsvFormatException {
    this.source = source;
    this.totalBytes = totalBytes;
    this.counted = new CountingInputStream(raw);
    final PushbackInputStream pushback = new PushbackInputStream(counted, 2);
    final byte[] magic = new byte[2];
    final int n = pushback.readNBytes(magic, 0, 2);
    if (n > 0) {
      pushback.unread(magic, 0, n);
    }
    final boolean gzip = n == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
    final InputStream in = gzip ? new GZIPInputStream(pushback, 1 << 16) : pushback;
    this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    final String header = reader.readLine();
    line = 1;
    if (header == null) {
      throw new CsvFormatException(source, 1, null, "empty input: expected a header model,y[,weight][,offset],x1..xp");
    }
    split(stripBom(header));
    int model = -1;
    int y = -1;
    int weight = -1;
    int offset = -1;
    final List<Integer> features = new ArrayList<>();
    for (int c = 0; c < fields.size(); c++) {
      switch (fields.get(c).trim()) {
        case "model" -> model = c;
        case "y" -> y = c;
        case "weight" -> weight = c;
        case "offset" -> offset = c;
        default -> features.add(c);
      }
    }
    if (model < 0 || y < 0) {
      throw new CsvFormatException(source, 1, null,
          "the header must name the columns model and y (model,y[,weight][,offset],x1..xp), got '" + header + "'");
    }
    this.columns = fields.size();
    this.names = List.copyOf(fields);
    this.modelColumn = model;
    this.yColumn = y;
    this.weightColumn = weight;
    this.offsetColumn = offset;
    this.featureColumns = features.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Opens {@code file} and reads its header.
   *
   * @throws CsvFormatException if the header lacks {@code model} or {@code y}
   */
  public static EventCsvReader open(final Path file) throws IOException, CsvFormatException {
    return new EventCsvReader(file.toString(), Files.newInputStream(file), Files.size(file));
  }

  /** Reads from {@code in} (not closed until this reader is); {@code totalBytes} may be -1. */
  public static EventCsvReader open(final InputStream in, final String source, final long totalBytes)
      throws IOException, CsvFormatException {
    return new EventCsvReader(source, in, totalBytes);
  }

  /** The number of features per row. */
  public int features() {
    return featureColumns.length;
  }

  /**
   * Reads the next row.
   *
   * @return false at the end of the input
   * @throws CsvFormatException naming the line and the column of a malformed field
   */
  public boolean next() throws IOException, CsvFormatException {
    String text;
    do {
      text = reader.readLine();
      line++;
      if (text == null) {
        key = null;
        event = null;
        return false;
      }
    } while (text.isBlank());
    split(text);
    if (fields.size() != columns) {
      throw new CsvFormatException(source, line, null,
          "expected " + columns + " fields, found " + fields.size());
    }
    key = fields.get(modelColumn);
    if (key.isEmpty()) {
      throw new CsvFormatException(source, line, "model", "empty model key");
    }
    final List<Double> x = new ArrayList<>(featureColumns.length);
    for (final int c : featureColumns) {
      x.add(number(c));
    }
    event = LabeledEvent.newBuilder()
        .setFeatures(x)
        .setLabel(number(yColumn))
        .setWeight(weightColumn < 0 ? 1.0 : number(weightColumn))
        .setOffset(offsetColumn < 0 ? 0.0 : number(offsetColumn))
        .setEventTime(null)
        .build();
    return true;
  }

  /** The model key of the current row. */
  public String key() {
    return key;
  }

  /** The current row as an event (no event time: the record timestamp is used). */
  public LabeledEvent event() {
    return event;
  }

  /** The line number of the current row (the header is line 1). */
  public long line() {
    return line;
  }

  /** Bytes of the file consumed so far (compressed bytes for gzip input). */
  public long bytesRead() {
    return counted.count;
  }

  /** The size of the file, or -1 if unknown. */
  public long totalBytes() {
    return totalBytes;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  private double number(final int column) throws CsvFormatException {
    final String text = fields.get(column).trim();
    try {
      return Double.parseDouble(text);
    } catch (final NumberFormatException e) {
      final String name = names.get(column).trim();
      throw new CsvFormatException(source, line, name,
          "column " + name + ": not a number: '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
    }
  }

  /** Splits one line at commas outside double quotes; quotes are removed ("" is a quote). */
  private void split(final String text) {
    fields.clear();
    final StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      final char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else if (c != '\r') {
        field.append(c);
      }
    }
    fields.add(field.toString());
  }

  private static String stripBom(final String s) {
    return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }

  private static final class CountingInputStream extends FilterInputStream {
    private long count;

    CountingInputStream(final InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      final int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(final byte[] b, final int off, final int len) throws IOException {
      final int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(final long n) throws IOException {
      final long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
