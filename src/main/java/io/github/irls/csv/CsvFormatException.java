package io.github.irls.csv;

import java.util.Optional;

/**
 * Malformed input: the message names the source, the 1-based line (the header is line 1) and, when
 * one is to blame, the column, as {@code <source>:<line>: <reason>}.
 */
public final class CsvFormatException extends Exception {

  private final String source;
  private final long line;
  private final String column;
  private final String reason;

  /**
   * @param source the file name as the user gave it ({@code <stdin>} for standard input)
   * @param line 1-based line number; the header is line 1
   * @param column the header name of the offending column, or null when no single column is to blame
   * @param reason what is wrong, in a sentence without the location
   */
  public CsvFormatException(final String source, final long line, final String column, final String reason) {
    super(source + ":" + line + ": " + reason);
    this.source = source;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }

  public String source() {
    return source;
  }

  public long line() {
    return line;
  }

  public Optional<String> column() {
    return Optional.ofNullable(column);
  }

  public String reason() {
    return reason;
  }
}
