package io.github.irls.app;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.csv.CsvFormatException;
import io.github.irls.csv.CsvInput;
import io.github.irls.csv.CsvRowParser;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the fixtures' CSV format, {@code model,y[,weight][,offset],x1..xp}, one row at a time in
 * file order, as (model key, {@link LabeledEvent}) pairs: what {@code produce} and {@code replay}
 * send. The format (header, gzip, quoting, numbers, errors) is {@code fit}'s, from {@link CsvInput}
 * and {@link CsvRowParser}, so both see the same rows and the same doubles; unlike {@code fit}, any
 * number is sent (NaN, a y of 2), since the topology dead-letters what it cannot fit.
 */
public final class EventCsvReader implements Closeable {

  /** Small blocks keep {@link #bytesRead} moving smoothly for a progress bar. */
  private static final int BLOCK_BYTES = 1 << 16;

  private final CsvInput input;
  private final CsvRowParser parser;
  /** The line number of the parsed block's first line (the header is line 1). */
  private long blockFirstLine;
  /** The next row of the parsed block to hand out. */
  private int nextRow;
  private long line;
  private String key;
  private LabeledEvent event;

  private EventCsvReader(final CsvInput input) {
    this.input = input;
    this.parser = new CsvRowParser(input.header(), CsvRowParser.Values.ANY);
    this.blockFirstLine = 2;
  }

  /**
   * Opens {@code file} and reads its header.
   *
   * @throws CsvFormatException if the header is malformed (e.g. lacks {@code model} or {@code y})
   */
  public static EventCsvReader open(final Path file) throws IOException, CsvFormatException {
    return new EventCsvReader(CsvInput.open(file, BLOCK_BYTES));
  }

  /** Reads from {@code in} (not closed until this reader is); {@code totalBytes} may be -1. */
  public static EventCsvReader open(final InputStream in, final String source, final long totalBytes)
      throws IOException, CsvFormatException {
    return new EventCsvReader(CsvInput.of(in, source, totalBytes, BLOCK_BYTES));
  }

  /** The number of features per row. */
  public int features() {
    return input.header().features();
  }

  /**
   * Reads the next row.
   *
   * @return false at the end of the input
   * @throws CsvFormatException naming the line and the column of a malformed field
   */
  public boolean next() throws IOException, CsvFormatException {
    while (nextRow == parser.rows()) {
      if (parser.failed()) {
        throw parser.failure(input.source(), blockFirstLine);
      }
      blockFirstLine += parser.lines();
      final int length = input.nextBlock();
      if (length == 0) {
        key = null;
        event = null;
        return false;
      }
      parser.parse(input.block(), 0, length);
      nextRow = 0;
    }
    final int r = nextRow++;
    final int p = features();
    final List<Double> x = new ArrayList<>(p);
    for (int j = 0; j < p; j++) {
      x.add(parser.feature(r, j));
    }
    key = parser.key(r);
    event = LabeledEvent.newBuilder()
        .setFeatures(x)
        .setLabel(parser.y(r))
        .setWeight(parser.weight(r))
        .setOffset(parser.offset(r))
        .setEventTime(null)
        .build();
    line = blockFirstLine + parser.lineIndex(r);
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
    return input.bytesRead();
  }

  /** The size of the file, or -1 if unknown. */
  public long totalBytes() {
    return input.totalBytes();
  }

  @Override
  public void close() throws IOException {
    input.close();
  }
}
