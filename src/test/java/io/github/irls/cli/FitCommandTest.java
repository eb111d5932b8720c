package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FitCommandTest {

  static final List<String> FIELDS =
      List.of(
          "model", "coef_names", "coefficients", "std_errors", "z_values", "p_values", "vcov", "aliased",
          "rank", "null_deviance", "residual_deviance", "df_null", "df_residual", "loglik", "aic",
          "iterations", "converged", "warnings");

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** What a run printed and returned. */
  record Run(int exit, String out, String err) {
    List<JsonNode> lines() throws IOException {
      final List<JsonNode> nodes = new ArrayList<>();
      for (final String line : out.split("\n")) {
        if (!line.isEmpty()) {
          nodes.add(JSON.readTree(line));
        }
      }
      return nodes;
    }
  }

  static Run run(final String... args) {
    final CommandLine cmd = IrlsCommand.commandLine();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    final int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static Path golden(final String name) {
    try {
      return Path.of(FitCommandTest.class.getResource("/golden/" + name).toURI());
    } catch (final URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path write(final String name, final String content) throws IOException {
    final Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void shouldPrintOneJsonLinePerModelWithExactlyTheDocumentedFields() throws Exception {
    // Given the Pima fixture
    final Path input = golden("data/pima_tr.csv");

    // When it is fitted
    final Run run = run("fit", "--input", input.toString());

    // Then exit 0, one line, exactly the documented fields in order, and nothing on stderr
    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).endsWith("\n");
    final List<JsonNode> lines = run.lines();
    assertThat(lines).hasSize(1);
    final List<String> names = new ArrayList<>();
    lines.get(0).fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyElementsOf(FIELDS);
    assertThat(lines.get(0).get("model").asText()).isEqualTo("pima_tr");
    assertThat(lines.get(0).get("coef_names")).hasSize(8);
    assertThat(lines.get(0).get("vcov")).hasSize(8);
    assertThat(lines.get(0).get("converged").asBoolean()).isTrue();
  }

  @Test
  void shouldPrintAliasedCoefficientsAsNull() throws Exception {
    // Given the collinear fixture, where x3 = x1 + x2
    final Run run = run("fit", "--input", golden("data/collinear.csv").toString());

    // Then x3's coefficient, statistics and vcov row and column are null
    assertThat(run.exit()).isZero();
    final JsonNode fit = run.lines().get(0);
    for (final String field : List.of("coefficients", "std_errors", "z_values", "p_values")) {
      assertThat(fit.get(field).get(3).isNull()).as(field).isTrue();
      assertThat(fit.get(field).get(1).isNumber()).as(field).isTrue();
    }
    for (int i = 0; i < 5; i++) {
      assertThat(fit.get("vcov").get(3).get(i).isNull()).isTrue();
      assertThat(fit.get("vcov").get(i).get(3).isNull()).isTrue();
    }
    assertThat(fit.get("aliased").get(3).asBoolean()).isTrue();
    assertThat(fit.get("rank").asInt()).isEqualTo(4);
  }

  @Test
  void shouldFitEachKeyAsIfItWereAloneAndPrintKeysInOrderOfFirstAppearance() throws Exception {
    // Given mtcars interleaved with a second model (two of Pima's columns), and each alone
    final List<String> mtcars = Files.readAllLines(golden("data/mtcars_am.csv"));
    final List<String> pima = Files.readAllLines(golden("data/pima_tr.csv"));
    final StringBuilder mixed = new StringBuilder("model,y,x1,x2\n");
    final StringBuilder second = new StringBuilder("model,y,x1,x2\n");
    for (int i = 1; i < Math.max(mtcars.size(), 60); i++) {
      if (i < mtcars.size()) {
        mixed.append(mtcars.get(i)).append('\n');
      }
      // a second model on two of Pima's columns, renamed
      final String[] f = pima.get(i).split(",");
      final String row = "second," + f[1] + "," + f[3] + "," + f[6] + "\n";
      mixed.append(row);
      second.append(row);
    }
    final Path both = write("both.csv", mixed.toString());
    final Path alone = write("second.csv", second.toString());

    // When the mixed file is fitted on two threads and the second model alone on one
    final Run mixedRun = run("fit", "--input", both.toString(), "--threads", "2");
    final Run aloneRun = run("fit", "--input", alone.toString(), "--threads", "1");
    final Run mtcarsRun = run("fit", "--input", golden("data/mtcars_am.csv").toString());

    // Then the keys come in order of first appearance, each identical to its fit alone
    assertThat(mixedRun.exit()).isZero();
    final List<JsonNode> lines = mixedRun.lines();
    assertThat(lines).extracting(n -> n.get("model").asText()).containsExactly("mtcars_am", "second");
    assertThat(lines.get(0)).isEqualTo(mtcarsRun.lines().get(0));
    assertThat(lines.get(1)).isEqualTo(aloneRun.lines().get(0));
  }

  @Test
  void shouldReadStandardInput() throws Exception {
    // Given the mtcars fixture on standard input
    final InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(Files.readAllBytes(golden("data/mtcars_am.csv"))));
    final Run run;
    try {
      // When "-" is the input
      run = run("fit", "--input", "-");
    } finally {
      System.setIn(saved);
    }

    // Then it is fitted like the file
    assertThat(run.exit()).isZero();
    assertThat(run.lines().get(0)).isEqualTo(run("fit", "--input", golden("data/mtcars_am.csv").toString()).lines().get(0));
  }

  @Test
  void shouldStopAtGlmsRuleWithEpsilonAndRespectMaxIterations() throws Exception {
    // Given mtcars, which R fits in 8 iterations
    final String input = golden("data/mtcars_am.csv").toString();

    // When the iterations are capped at 2, and separately glm's default epsilon is used
    final Run capped = run("fit", "--input", input, "--max-iterations", "2");
    final Run loose = run("fit", "--input", input, "--epsilon", "1e-8");

    // Then the capped fit says it did not converge, and the loose one converged
    assertThat(capped.exit()).isZero();
    final JsonNode c = capped.lines().get(0);
    assertThat(c.get("converged").asBoolean()).isFalse();
    assertThat(c.get("iterations").asInt()).isEqualTo(2);
    assertThat(c.get("warnings").get(0).asText()).isEqualTo("glm.fit: algorithm did not converge");
    assertThat(loose.lines().get(0).get("converged").asBoolean()).isTrue();
  }

  @Test
  void shouldMatchTheRidgeReferenceForEveryLambda() throws Exception {
    // Given the ridge reference on Pima (intercept not penalised)
    final JsonNode ref = JSON.readTree(golden("ref/ridge_pima_tr.json").toFile());
    for (final JsonNode result : ref.get("results")) {
      final String lambda = result.get("lambda").asText();

      // When fitted with --lambda
      final Run run = run("fit", "--input", golden("data/pima_tr.csv").toString(), "--lambda", lambda);

      // Then the MAP and posterior SDs match to 1e-9 relative
      assertThat(run.exit()).isZero();
      final JsonNode fit = run.lines().get(0);
      final Iterator<JsonNode> beta = result.get("newton").get("beta").elements();
      final Iterator<JsonNode> sd = result.get("newton").get("posterior_sd").elements();
      for (int j = 0; j < 8; j++) {
        final double b = beta.next().asDouble();
        final double s = sd.next().asDouble();
        assertThat(fit.get("coefficients").get(j).asDouble())
            .as("lambda %s beta[%d]", lambda, j)
            .isCloseTo(b, org.assertj.core.data.Offset.offset(1e-9 * Math.abs(b)));
        assertThat(fit.get("std_errors").get(j).asDouble())
            .as("lambda %s sd[%d]", lambda, j)
            .isCloseTo(s, org.assertj.core.data.Offset.offset(1e-9 * s));
      }
    }
  }

  @Test
  void shouldReportMalformedInputWithFileAndLineAndExitOne() throws Exception {
    // Given a file whose third line has a response of 2
    final Path file = write("bad.csv", "model,y,x\nm,0,1\nm,2,1\n");

    // When it is fitted
    final Run run = run("fit", "--input", file.toString());

    // Then one line on stderr names the file and line, nothing on stdout, exit 1
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("error: " + file + ":3: response y must be in [0, 1], got \"2\"" + System.lineSeparator());
  }

  @Test
  void shouldReportAMissingFileWithoutAStackTraceAndExitOne() {
    // Given a path that does not exist
    final String missing = dir.resolve("missing.csv").toString();

    // When it is fitted
    final Run run = run("fit", "--input", missing);

    // Then exit 1 with one clear line
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + missing + ": no such file" + System.lineSeparator());
  }

  @Test
  void shouldReportCorruptGzipAndExitOne() throws Exception {
    // Given a file with gzip's magic bytes and garbage after them
    final Path file = dir.resolve("bad.csv.gz");
    Files.write(file, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});

    // When it is fitted
    final Run run = run("fit", "--input", file.toString());

    // Then exit 1 naming the file
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: " + file + ": corrupt or truncated gzip data");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void shouldPrintTheStackTraceOnlyWhenVerbose() throws Exception {
    // Given a malformed file
    final Path file = write("bad.csv", "model,y,x\nm,0,x\n");

    // When it is fitted with --verbose
    final Run run = run("fit", "--input", file.toString(), "--verbose");

    // Then the error line is followed by the trace
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: " + file + ":2: cannot parse \"x\" in column \"x\" as a number");
    assertThat(run.err()).contains("CsvFormatException");
  }

  @Test
  void shouldExitTwoOnUsageErrors() {
    // Given a readable input
    final String input = golden("data/mtcars_am.csv").toString();

    // When the command line is wrong in various ways, then picocli's usage handling exits 2
    assertThat(run("fit").exit()).isEqualTo(2);
    assertThat(run("fit").err()).contains("Missing required option: '--input=FILE'");
    assertThat(run("fit", "--input", input, "--bogus").exit()).isEqualTo(2);
    assertThat(run("fit", "--input", input, "--lambda", "abc").exit()).isEqualTo(2);
    assertThat(run("fit", "--input", input, "--max-iterations", "1.5").exit()).isEqualTo(2);
    final Run negative = run("fit", "--input", input, "--lambda", "-1");
    assertThat(negative.exit()).isEqualTo(2);
    assertThat(negative.err()).contains("--lambda must be a finite number >= 0, got -1.0");
    assertThat(run("fit", "--input", input, "--epsilon", "0").exit()).isEqualTo(2);
    assertThat(run("fit", "--input", input, "--threads", "0").exit()).isEqualTo(2);
    assertThat(run("fit", "--input", input, "--max-iterations", "0").exit()).isEqualTo(2);
  }

  @Test
  void shouldDocumentTheOutputInHelp() {
    // When help is asked for
    final Run run = run("fit", "--help");

    // Then it lists the options and the output fields
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("--lambda-intercept", "--epsilon", "--threads", "coef_names", "std_errors");
  }
}
