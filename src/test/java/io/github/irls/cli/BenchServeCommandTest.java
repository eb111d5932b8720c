package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.app.Latencies;
import io.github.irls.app.ScoreLoad;
import io.github.irls.app.ServingBenchmark;
import io.github.irls.app.ThreadCpu;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bench-serve}'s arithmetic, report and option checks, without a broker; its timings are never asserted. */
class BenchServeCommandTest {

  @Test
  void shouldTakeNearestRankPercentilesWhateverTheOrderOfRecording() {
    // Given the latencies 1..1000 ns recorded in a shuffled order
    final Latencies latencies = new Latencies();
    final List<Long> values = new java.util.ArrayList<>();
    for (long v = 1; v <= 1000; v++) {
      values.add(v);
    }
    java.util.Collections.shuffle(values, new Random(3));
    values.forEach(latencies::record);

    // Then the quantiles are the nearest ranks: ceil(q n)
    assertThat(latencies.count()).isEqualTo(1000);
    assertThat(latencies.quantile(0.5)).isEqualTo(500);
    assertThat(latencies.quantile(0.99)).isEqualTo(990);
    assertThat(latencies.quantile(0.999)).isEqualTo(999);
    assertThat(latencies.quantile(0.0001)).isEqualTo(1);
    assertThat(latencies.max()).isEqualTo(1000);
  }

  @Test
  void shouldMergeThePerThreadRecordersAndAnswerZeroWhenEmpty() {
    // Given two threads' latencies, one of them 3 values, the other 1
    final Latencies a = new Latencies();
    a.record(30);
    a.record(10);
    a.record(20);
    final Latencies b = new Latencies();
    b.record(40);

    // When merged, then the quantiles are of all four
    final Latencies all = Latencies.merge(List.of(a, b));
    assertThat(all.count()).isEqualTo(4);
    assertThat(all.quantile(0.5)).isEqualTo(20);
    assertThat(all.quantile(0.75)).isEqualTo(30);
    assertThat(all.max()).isEqualTo(40);
    // and nothing recorded is 0, not an exception
    assertThat(new Latencies().quantile(0.99)).isZero();
  }

  @Test
  void shouldDeriveRequestAndScoreRatesFromASyntheticPhase() {
    // Given 2,000 requests of 100 vectors in 4 s, 10 of them errors
    final ScoreLoad.Result r = result("closed loop, batched", 100, 8, 0, 2_000, 10, 4.0, millis(1, 2, 3));

    // Then requests/s counts every request and scores/s only the vectors of the answered ones
    assertThat(r.requestsPerSecond()).isEqualTo(500.0);
    assertThat(r.scoresPerSecond()).isEqualTo(1_990 * 100 / 4.0);
    assertThat(r.millis(0.5)).isEqualTo(2.0);
    assertThat(r.openLoop()).isFalse();
  }

  @Test
  void shouldPrintOneRowPerPhaseAndTheTargetsMetOrMissed() {
    // Given a report whose batched phase reaches 25,000 scores/s and whose open loop keeps p99 at 4 ms
    final ServingBenchmark.Report report = report(
        result("closed loop, batched", 100, 8, 0, 2_500, 0, 10.0, millis(2, 3, 4)),
        result("closed loop, single", 1, 8, 0, 50_000, 0, 10.0, millis(1, 1, 2)),
        result("open loop, single", 1, 0, 1_000, 10_000, 0, 10.0, millis(1, 2, 4)));

    // When the table is made
    final String table = BenchServeCommand.table(report);

    // Then the machine, one row per phase and both targets appear, both met
    assertThat(table).contains("machine: 2 cores").contains("1,000 models (p = 5)");
    assertThat(table.lines().filter(l -> l.startsWith("closed loop, batched "))).singleElement()
        .satisfies(l -> assertThat(l).contains("25,000").contains("2,500"));
    assertThat(table.lines().filter(l -> l.startsWith("closed loop, single "))).hasSize(1);
    assertThat(table.lines().filter(l -> l.startsWith("open loop, single "))).singleElement()
        .satisfies(l -> assertThat(l).contains("1,000"));
    assertThat(table).contains(">= 20,000 scores/s in batches of 100: 25,000 scores/s").contains("p99 < 10 ms");
    assertThat(table.lines().filter(l -> l.trim().endsWith("MET"))).hasSize(2);
  }

  @Test
  void shouldMarkTargetsMissedWhenTooSlowOrBelowTheRateAsked() {
    // Given 15,000 scores/s batched, and an open loop that achieved 900 of the 1,000 requests/s asked
    final ServingBenchmark.Report report = report(
        result("closed loop, batched", 100, 8, 0, 1_500, 0, 10.0, millis(2, 3, 4)),
        result("open loop, single", 1, 0, 1_000, 9_000, 0, 10.0, millis(1, 2, 4)));

    // Then both are MISSED, and an error is shown
    final String table = BenchServeCommand.table(report);
    assertThat(table.lines().filter(l -> l.trim().endsWith("MISSED"))).hasSize(2);
  }

  @Test
  void shouldEncodeTheKeyAndWriteOneVectorOfPFeaturesPerRow() throws Exception {
    // Given a key with a slash and a body of 3 vectors of 4 features
    final HttpRequest request = ScoreLoad.scoreRequest("http://127.0.0.1:1", "fraud/merchant 17", "{}").request();
    final JsonNode body = new ObjectMapper().readTree(ScoreLoad.featuresBody(new Random(1), 4, 3));

    // Then the key is one path segment and the body has the route's shape
    assertThat(request.uri().getRawPath()).isEqualTo("/models/fraud%2Fmerchant%2017/score");
    assertThat(request.method()).isEqualTo("POST");
    assertThat(body.get("features")).hasSize(3);
    assertThat(body.get("features")).allSatisfy(v -> {
      assertThat(v).hasSize(4);
      assertThat(v).allSatisfy(x -> assertThat(x.isNumber()).isTrue());
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"--batch=0", "--batch=10001", "--clients=0", "--rate=0", "--models=0", "--p=0", "--window-events=0",
      "--duration=0", "--warmup=-1s", "--batch=x", "--client=curl"})
  void shouldRefuseAnUnusableOptionWithExitCode2BeforeStartingABroker(final String option) {
    // When bench-serve is given an unusable option
    final FitCommandTest.Run run = FitCommandTest.run("bench-serve", option);

    // Then it exits 2 naming the option, having started nothing
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(option.substring(0, option.indexOf('='))).doesNotContain("Starting");
  }

  private static Latencies millis(final long... values) {
    final Latencies l = new Latencies();
    for (final long v : values) {
      l.record(v * 1_000_000);
    }
    return l;
  }

  private static ScoreLoad.Result result(final String name, final int batch, final int clients, final double rate,
      final long requests, final long errors, final double seconds, final Latencies latencies) {
    return new ScoreLoad.Result(name, batch, clients, rate, requests, errors, "", 0, seconds, latencies,
        new ThreadCpu.Usage(Map.of(ThreadCpu.Role.SERVER, 10.0, ThreadCpu.Role.CLIENT, 8.0), 19.0, seconds));
  }

  private static ServingBenchmark.Report report(final ScoreLoad.Result... phases) {
    final ServingBenchmark.Settings settings = new ServingBenchmark.Settings(1000, 5, 100, 4, 8, 100,
        Duration.ofSeconds(10), Duration.ofSeconds(3), 1000, "unused:1", Map.of(), 42, Optional.empty(), ScoreLoad.Transport.HTTP_CLIENT);
    return new ServingBenchmark.Report(settings,
        new ServingBenchmark.Machine(2, "OpenJDK 17", "Linux amd64", 1L << 30, 1.5, 1.7, "true"), 100_000, 12.0,
        "http://127.0.0.1:1", List.of(phases), Optional.empty());
  }
}
