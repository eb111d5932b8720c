package io.github.irls.csv;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An input in the fixtures' CSV format, opened: plain or gzip (recognised by its magic bytes
 * {@code 1f 8b}, whatever the file is called), {@code -} for standard input, its {@link CsvHeader}
 * read (a UTF-8 byte order mark is skipped). The rows are then handed out in blocks of whole lines
 * for a {@link CsvRowParser}; lines end with {@code \n} or {@code \r\n}, the last one may lack it.
 *
 * <p>Closing it closes the stream it reads, except standard input.
 */
public final class CsvInput implements Closeable {

  /** The input name that means standard input. */
  public static final String STDIN = "-";
  /** Standard input's name in error messages. */
  public static final String STDIN_NAME = "<stdin>";

  private final String source;
  private final CountingInputStream counted;
  private final InputStream decoded;
  private final long totalBytes;
  private final CsvHeader header;
  private byte[] buf;
  /** The unread bytes are {@code buf[pos, len)}. */
  private int pos;
  private int len;
  private boolean eof;
  /** The end of the block last handed out (the header line, at first). */
  private int blockEnd;

  private CsvInput(final InputStream raw, final boolean closeRaw, final String source, final long totalBytes,
      final int blockBytes) throws IOException, CsvFormatException {
    if (blockBytes < 16) {
      throw new IllegalArgumentException("blockBytes must be >= 16, got " + blockBytes);
    }
    this.source = source;
    this.totalBytes = totalBytes;
    this.counted = new CountingInputStream(raw, closeRaw);
    this.buf = new byte[blockBytes];
    this.decoded = gunzipIfCompressed(counted);
    this.header = readHeader();
  }

  /**
   * Opens the file {@code input}, or standard input when it is {@code -}, and reads the header.
   *
   * @param blockBytes the initial size of a block (it grows to hold the longest line)
   * @throws NoSuchFileException if there is no such file or the name is not a path
   * @throws CsvFormatException if the header is malformed
   */
  public static CsvInput open(final String input, final int blockBytes) throws IOException, CsvFormatException {
    if (STDIN.equals(input)) {
      return new CsvInput(System.in, false, STDIN_NAME, -1, blockBytes);
    }
    final Path path;
    try {
      path = Path.of(input);
    } catch (final InvalidPathException e) {
      throw new NoSuchFileException(input, null, e.getReason());
    }
    return open(path, blockBytes);
  }

  /** Opens {@code file} (never standard input) and reads the header; see {@link #open(String, int)}. */
  public static CsvInput open(final Path file, final int blockBytes) throws IOException, CsvFormatException {
    final long size = Files.size(file);
    final InputStream raw = Files.newInputStream(file);
    try {
      return new CsvInput(raw, true, file.toString(), size, blockBytes);
    } catch (final IOException | CsvFormatException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * Reads {@code in}, naming it {@code source} in error messages, and reads the header. {@code in} is
   * closed by {@link #close}, and left open if this throws.
   *
   * @param totalBytes the size of the input, or -1 if unknown (only reported back)
   */
  public static CsvInput of(final InputStream in, final String source, final long totalBytes, final int blockBytes)
      throws IOException, CsvFormatException {
    return new CsvInput(in, true, source, totalBytes, blockBytes);
  }

  /** Gzip is recognised by its magic bytes {@code 1f 8b}, not by the file name. */
  private static InputStream gunzipIfCompressed(final InputStream in) throws IOException {
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

  /** The input's name in error messages: the file name as given, or {@value #STDIN_NAME}. */
  public String source() {
    return source;
  }

  public CsvHeader header() {
    return header;
  }

  /** Bytes of the input consumed so far (compressed bytes for gzip input). */
  public long bytesRead() {
    return counted.count;
  }

  /** The size of the input, or -1 if unknown. */
  public long totalBytes() {
    return totalBytes;
  }

  /**
   * Reads the next block of whole lines into {@link #block()} from index 0, overwriting the previous
   * block. The line after the last one handed out is the block's first line.
   *
   * @return the block's length in bytes; 0 at the end of the input
   */
  public int nextBlock() throws IOException {
    pos = blockEnd;
    while (true) {
      fill();
      if (len == 0) {
        blockEnd = 0;
        return 0;
      }
      final int end = eof ? len : Bytes.lastIndexOf(buf, (byte) '\n', 0, len) + 1;
      if (end > 0) {
        blockEnd = end;
        return end;
      }
      // One line longer than the buffer: make room for it.
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
  }

  /** The bytes of the current block (valid up to {@link #nextBlock}'s length, until the next call). */
  public byte[] block() {
    return buf;
  }

  @Override
  public void close() throws IOException {
    decoded.close();
  }

  /** Moves the unread bytes to the front and reads until the buffer is full or the input ends. */
  private void fill() throws IOException {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, len - pos);
      len -= pos;
      pos = 0;
    }
    while (!eof && len < buf.length) {
      final int n = decoded.read(buf, len, buf.length - len);
      if (n < 0) {
        eof = true;
      } else {
        len += n;
      }
    }
  }

  private CsvHeader readHeader() throws IOException, CsvFormatException {
    int nl;
    while (true) {
      fill();
      nl = Bytes.indexOf(buf, (byte) '\n', 0, len);
      if (nl >= 0 || eof) {
        break;
      }
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    if (len == 0) {
      throw new CsvFormatException(source, 1, null, "the file is empty; expected a header " + CsvHeader.EXPECTED);
    }
    int from = 0;
    if (len >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
      from = 3; // a UTF-8 byte order mark, as some spreadsheet exports write
    }
    int to = nl < 0 ? len : nl;
    if (to > from && buf[to - 1] == '\r') {
      to--;
    }
    final CsvHeader parsed = CsvHeader.parse(buf, from, to, source);
    blockEnd = nl < 0 ? len : nl + 1;
    return parsed;
  }

  /** Counts the bytes read from the raw input, for progress; closes it only if asked to. */
  private static final class CountingInputStream extends FilterInputStream {
    private final boolean closeUnderlying;
    private long count;

    CountingInputStream(final InputStream in, final boolean closeUnderlying) {
      super(in);
      this.closeUnderlying = closeUnderlying;
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

    @Override
    public void close() throws IOException {
      if (closeUnderlying) {
        super.close();
      }
    }
  }
}
