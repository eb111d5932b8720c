package io.github.irls.csv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The header of the fixtures' CSV format, {@code model,y[,weight][,offset],x1..xp}: what each column
 * is. Columns are identified by name, in any order ({@code model}, {@code y}, and the optional
 * {@code weight} and {@code offset}); every other column is a feature, in file order. Names may be
 * double-quoted and are stripped of surrounding white space.
 *
 * <p>A parsed row is a record {@code [x1..xp, y, weight, offset]} of {@link #stride()} doubles
 * (see {@link CsvRowParser}); {@link #slot} says where each column's value goes.
 */
public final class CsvHeader {

  static final String EXPECTED = "model,y[,weight][,offset],x1..xp";

  /** Column roles; ints rather than an enum because the row parser switches on them per field. */
  static final int KEY = 0;
  static final int RESPONSE = 1;
  static final int WEIGHT = 2;
  static final int OFFSET = 3;
  static final int FEATURE = 4;

  private final List<String> names;
  private final List<String> features;
  private final boolean hasWeight;
  private final boolean hasOffset;
  /** The role of each column. */
  final int[] role;
  /** Index into a row record {@code [x1..xp, y, weight, offset]}; -1 for the key. */
  final int[] slot;

  private CsvHeader(final List<String> names, final int[] role) {
    this.names = List.copyOf(names);
    this.role = role;
    final List<String> featureNames = new ArrayList<>();
    for (int c = 0; c < role.length; c++) {
      if (role[c] == FEATURE) {
        featureNames.add(names.get(c));
      }
    }
    this.features = List.copyOf(featureNames);
    this.hasWeight = names.contains("weight");
    this.hasOffset = names.contains("offset");
    final int p = features.size();
    this.slot = new int[role.length];
    int k = 0;
    for (int c = 0; c < role.length; c++) {
      slot[c] =
          switch (role[c]) {
            case KEY -> -1;
            case RESPONSE -> p;
            case WEIGHT -> p + 1;
            case OFFSET -> p + 2;
            default -> k++;
          };
    }
  }

  /** Every column's name, in file order. */
  public List<String> names() {
    return names;
  }

  /** The feature columns' names, in file order. */
  public List<String> featureNames() {
    return features;
  }

  public boolean hasWeight() {
    return hasWeight;
  }

  public boolean hasOffset() {
    return hasOffset;
  }

  /** The number of columns. */
  public int columns() {
    return role.length;
  }

  /** The number of features. */
  public int features() {
    return features.size();
  }

  /** The length of a row record: the features, then y, weight and offset. */
  public int stride() {
    return features.size() + 3;
  }

  String name(final int column) {
    return names.get(column);
  }

  /**
   * Parses the header line {@code b[from, to)} (without its line end or byte order mark).
   *
   * @throws CsvFormatException if a name is empty or repeated, {@code model} or {@code y} is
   *     missing, or the line holds a lone carriage return
   */
  static CsvHeader parse(final byte[] b, final int from, final int to, final String source)
      throws CsvFormatException {
    if (Bytes.indexOf(b, (byte) '\r', from, to) >= 0) {
      // Lines split at \n only, so a file with old Mac line ends would read as one long header.
      throw new CsvFormatException(source, 1, null,
          "the header line holds a carriage return: lines must end with \\n or \\r\\n, not \\r alone");
    }
    final List<String> names = split(b, from, to, source);
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
      role[c] =
          switch (name) {
            case "model" -> KEY;
            case "y" -> RESPONSE;
            case "weight" -> WEIGHT;
            case "offset" -> OFFSET;
            default -> FEATURE;
          };
    }
    final boolean hasModel = seen.contains("model");
    final boolean hasY = seen.contains("y");
    if (!hasModel && !hasY) {
      throw new CsvFormatException(source, 1, null, "missing columns model and y in the header (expected " + EXPECTED + ")");
    }
    if (!hasModel || !hasY) {
      final String missing = hasModel ? "y" : "model";
      throw new CsvFormatException(
          source, 1, missing, "missing column \"" + missing + "\" in the header (expected " + EXPECTED + ")");
    }
    return new CsvHeader(names, role);
  }

  /** Splits the header at commas outside double quotes ({@code ""} in quotes is a quote). */
  private static List<String> split(final byte[] b, final int from, final int to, final String source)
      throws CsvFormatException {
    final List<String> names = new ArrayList<>();
    int p = from;
    while (true) {
      final String name;
      if (p < to && b[p] == '"') {
        final StringBuilder sb = new StringBuilder();
        int q = p + 1;
        int start = q;
        while (true) {
          if (q >= to) {
            throw new CsvFormatException(source, 1, null, "unterminated quoted field in the header");
          }
          if (b[q] == '"') {
            sb.append(new String(b, start, q - start, StandardCharsets.UTF_8));
            if (q + 1 < to && b[q + 1] == '"') {
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
        if (p < to && b[p] != ',') {
          throw new CsvFormatException(source, 1, name, "unexpected text after the closing quote of \"" + name + "\"");
        }
      } else {
        int q = p;
        while (q < to && b[q] != ',') {
          q++;
        }
        name = new String(b, p, q - p, StandardCharsets.UTF_8);
        p = q;
      }
      names.add(name.strip());
      if (p >= to) {
        return names;
      }
      p++; // the comma
    }
  }
}
