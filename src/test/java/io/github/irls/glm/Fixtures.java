package io.github.irls.glm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads the golden fixtures from the test classpath (a deliberately plain reader, independent of the CLI's). */
public final class Fixtures {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** One fixture's rows, in file order. */
  public record Rows(List<String> featureNames, double[][] x, double[] y, double[] weight, double[] offset) {
    public int size() {
      return y.length;
    }

    public Design design() {
      return design(0, y.length);
    }

    public Design design(final int from, final int to) {
      final Design.Builder b = Design.builder(featureNames.size(), to - from);
      for (int i = from; i < to; i++) {
        b.add(x[i], y[i], weight[i], offset[i]);
      }
      return b.build();
    }
  }

  public static Rows rows(final String dataCase) {
    return rowsAt("/golden/data/" + dataCase + ".csv", null);
  }

  /** The rows of one model key of an extra (R-generated, possibly multi-key) case in golden/extra. */
  public static Rows extraRows(final String dataCase, final String model) {
    return rowsAt("/golden/extra/" + dataCase + ".csv", model);
  }

  public static JsonNode extraRef(final String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/golden/extra/" + name + ".json")) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Rows rowsAt(final String csv, final String model) {
    try (InputStream raw = open(csv)) {
      final BufferedReader r = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8));
      final String[] header = r.readLine().split(",");
      final List<String> names = Arrays.asList(header);
      final int yCol = names.indexOf("y");
      final int wCol = names.indexOf("weight");
      final int oCol = names.indexOf("offset");
      final List<Integer> xCols = new ArrayList<>();
      final List<String> xNames = new ArrayList<>();
      for (int c = 0; c < header.length; c++) {
        if (!List.of("model", "y", "weight", "offset").contains(header[c])) {
          xCols.add(c);
          xNames.add(header[c]);
        }
      }
      final List<double[]> xs = new ArrayList<>();
      final List<double[]> ywo = new ArrayList<>();
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        final String[] f = line.split(",");
        if (model != null && !f[0].equals(model)) {
          continue;
        }
        final double[] x = new double[xCols.size()];
        for (int j = 0; j < x.length; j++) {
          x[j] = Double.parseDouble(f[xCols.get(j)]);
        }
        xs.add(x);
        ywo.add(new double[] {
          Double.parseDouble(f[yCol]),
          wCol < 0 ? 1.0 : Double.parseDouble(f[wCol]),
          oCol < 0 ? 0.0 : Double.parseDouble(f[oCol])
        });
      }
      final int n = xs.size();
      final double[] y = new double[n];
      final double[] w = new double[n];
      final double[] o = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = ywo.get(i)[0];
        w[i] = ywo.get(i)[1];
        o[i] = ywo.get(i)[2];
      }
      return new Rows(xNames, xs.toArray(new double[0][]), y, w, o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The rows of the sequential reference {@code ref/sequential_synth_p5_trajectory.csv} for forgetting
   * factor {@code gamma}: per window, the six coefficients then the six posterior SDs (100 rows).
   */
  public static List<double[]> sequentialTrajectory(final double gamma) {
    return trajectory("/golden/ref/sequential_synth_p5_trajectory.csv", 2,
        fields -> Double.parseDouble(fields[0]) == gamma);
  }

  /** The rows of R's hybrid trajectory {@code extra/hybrid_synth_p5_trajectory.csv} (warm-up 2, gamma 1). */
  public static List<double[]> hybridTrajectory() {
    return trajectory("/golden/extra/hybrid_synth_p5_trajectory.csv", 1, fields -> true);
  }

  /** Twelve numbers per row from column {@code first} on, of the rows {@code keep} accepts; the header skipped. */
  private static List<double[]> trajectory(final String resource, final int first,
      final java.util.function.Predicate<String[]> keep) {
    final List<double[]> out = new java.util.ArrayList<>();
    try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
        Fixtures.class.getResourceAsStream(resource), java.nio.charset.StandardCharsets.UTF_8))) {
      r.readLine();
      for (String line; (line = r.readLine()) != null; ) {
        final String[] f = line.split(",");
        if (keep.test(f)) {
          final double[] v = new double[12];
          for (int j = 0; j < 12; j++) {
            v[j] = Double.parseDouble(f[first + j]);
          }
          out.add(v);
        }
      }
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.size() != 100) {
      throw new IllegalStateException(resource + " holds " + out.size() + " windows, not the reference's 100");
    }
    return out;
  }

  public static JsonNode ref(final String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/golden/ref/" + name + ".json")) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static double[] doubles(final JsonNode array) {
    final double[] v = new double[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = array.get(i).isNull() ? Double.NaN : array.get(i).asDouble();
    }
    return v;
  }

  public static double[][] matrix(final JsonNode array) {
    final double[][] m = new double[array.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = doubles(array.get(i));
    }
    return m;
  }

  private static InputStream open(final String csv) throws IOException {
    final InputStream plain = Fixtures.class.getResourceAsStream(csv);
    if (plain != null) {
      return plain;
    }
    final InputStream gz = Fixtures.class.getResourceAsStream(csv + ".gz");
    if (gz == null) {
      throw new IOException("no fixture " + csv + "[.gz] on the test classpath");
    }
    return new GZIPInputStream(gz, 1 << 16);
  }
}
