package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.irls.app.IrlsApplication;
import io.github.irls.app.KafkaIo;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.config.IrlsConfig;
import io.github.irls.demo.Simulator;
import io.github.irls.query.ModelView;
import io.github.irls.serde.EventFormat;
import io.github.irls.testing.KafkaIntegrationTest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser: the demo's four simulated models run through a real broker and
 * the application, then headless Chromium loads the page for one key, and the table searched and
 * sorted. The rendered DOM and a
 * screenshot are kept in the build folder ({@code dashboard-dom.html}, {@code dashboard.png}).
 * Skips when {@value #CHROMIUM} is missing ({@code .ci/run} installs Debian's {@code chromium}).
 */
class DashboardBrowserIT extends KafkaIntegrationTest {

  static final String CHROMIUM = "/usr/bin/chromium";

  private static final long WINDOW_EVENTS = 250;
  private static final int EVENTS_PER_KEY = 2000;
  private static final long VERSIONS = EVENTS_PER_KEY / WINDOW_EVENTS;
  /** A hang guard for one browser run, not a performance bound. */
  private static final Duration BROWSER_GUARD = Duration.ofMinutes(3);

  @Test
  void shouldRenderTheModelsAndTheChosenKeysTrajectoriesInHeadlessChromium(
      @TempDir final Path state, @TempDir final Path profiles) throws Exception {
    assumeTrue(Files.isExecutable(Path.of(CHROMIUM)),
        "No Chromium at " + CHROMIUM + ": the dashboard browser test needs Debian's chromium package "
            + "(apt-get install chromium; .ci/run installs it)");

    // Given the demo's four models, 2,000 events each, folded in windows of 250 events (8 versions per key)
    final IrlsConfig config = config(state);
    final List<Simulator.Truth> truths = Simulator.demoModels();
    try (IrlsApplication app = IrlsApplication.start(config)) {
      produce(config, truths);
      awaitVersions(app, truths);
      final String chosen = truths.get(3).key();
      final String url = app.httpAddress().orElseThrow() + "/?model=" + URLEncoder.encode(chosen, StandardCharsets.UTF_8);

      // When headless Chromium loads the dashboard for one key, once for the DOM and once for a screenshot
      final Path build = buildFolder();
      final String dom = chromium(profiles.resolve("dom"), build.resolve("dashboard-chromium.log"),
          "--dump-dom", url);
      Files.writeString(build.resolve("dashboard-dom.html"), dom);
      final Path screenshot = build.resolve("dashboard.png");
      Files.deleteIfExists(screenshot);
      chromium(profiles.resolve("shot"), build.resolve("dashboard-chromium.log"),
          "--screenshot=" + screenshot, url);

      // Then the table lists every model, with its version
      for (final Simulator.Truth truth : truths) {
        assertThat(dom).contains("data-model=\"" + truth.key() + "\"");
      }
      assertThat(count(dom, "<td class=\"num\">" + VERSIONS + "</td>")).isEqualTo(truths.size());
      // And the chosen key's page drew all its updates: one chart per coefficient with a band and a line,
      // the events per step and the status per step
      assertThat(dom).contains("data-rendered-model=\"" + chosen + "\"");
      assertThat(dom).contains("data-history-points=\"" + VERSIONS + "\"");
      final List<String> coefficientCharts = all(dom, "<svg[^>]*class=\"chart coefficient\"[^>]*>");
      assertThat(coefficientCharts).hasSize(4).allMatch(svg -> svg.contains("data-points=\"" + VERSIONS + "\""));
      assertThat(dom).contains("data-name=\"intercept\"").contains("data-name=\"x3\"");
      assertThat(count(dom, "class=\"band\"")).isEqualTo(4);
      assertThat(count(dom, "class=\"line\"")).isEqualTo(4);
      assertThat(all(dom, "<svg[^>]*class=\"chart events\"[^>]*data-points=\"" + VERSIONS + "\"")).hasSize(1);
      assertThat(count(dom, "class=\"bar\"")).isEqualTo((int) VERSIONS);
      assertThat(all(dom, "<svg[^>]*class=\"chart statuses\"[^>]*>")).hasSize(1);
      // And its model quality over versions: log-loss and calibration for every update, logloss_z for
      // all but the first (scored at p = 0.5, it has none), in the strip of +-3 with the threshold line
      // of the server's drift.z.threshold, and each drift-suspected version marked on all three charts
      final List<String> qualityCharts = all(dom, "<svg[^>]*class=\"chart quality [^\"]*\"[^>]*>");
      assertThat(qualityCharts).hasSize(3);
      assertThat(one(qualityCharts, "data-quality=\"logloss\"")).contains("data-points=\"" + VERSIONS + "\"");
      assertThat(one(qualityCharts, "data-quality=\"calibration\"")).contains("data-points=\"" + VERSIONS + "\"");
      final String z = one(qualityCharts, "data-quality=\"logloss_z\"");
      assertThat(z).contains("data-points=\"" + (VERSIONS - 1) + "\"").contains("data-threshold=\"4\"");
      assertThat(count(dom, "class=\"line quality\"")).isEqualTo(3);
      assertThat(count(dom, "class=\"zone\"")).isEqualTo(1);
      assertThat(count(dom, "class=\"threshold\"")).isEqualTo(1);
      final Matcher drifted = Pattern.compile("data-drift-versions=\"([0-9,]*)\"").matcher(z);
      assertThat(drifted.find()).isTrue();
      final int flagged = drifted.group(1).isEmpty() ? 0 : drifted.group(1).split(",").length;
      assertThat(count(dom, "class=\"drift-mark\"")).isEqualTo(3 * flagged);
      assertThat(dom).contains("id=\"current-status\">OK<");
      assertThat(dom).containsPattern("<p id=\"error\" class=\"error\" hidden=\"\"");
      // And the screenshot was written as a PNG
      assertThat(screenshot).exists();
      final byte[] png = Files.readAllBytes(screenshot);
      assertThat(png).startsWith(0x89, 'P', 'N', 'G');

      // When the table is searched (in upper case) for another key and sorted by version, ascending
      final String searched = truths.get(1).key();
      final String searchDom = chromium(profiles.resolve("search"), build.resolve("dashboard-chromium.log"),
          "--dump-dom", app.httpAddress().orElseThrow() + "/?sort=version&order=asc&q="
              + URLEncoder.encode(searched.toUpperCase(Locale.ROOT), StandardCharsets.UTF_8));

      // Then the server's page holds that model only, counted, and the version header shows the order
      for (final Simulator.Truth truth : truths) {
        assertThat(searchDom.contains("data-model=\"" + truth.key() + "\"")).as(truth.key())
            .isEqualTo(truth.key().equals(searched));
      }
      assertThat(searchDom).containsPattern("<th data-sort=\"version\"[^>]*aria-sort=\"ascending\"");
      assertThat(searchDom).contains("1–1 of 1 model(s)");
      assertThat(searchDom).containsPattern("<p id=\"error\" class=\"error\" hidden=\"\"");
    }
  }

  private IrlsConfig config(final Path state) {
    final String id = "dashboard-" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, Object> props = new HashMap<>();
    props.put(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(IrlsConfig.APPLICATION_ID_CONFIG, id);
    props.put(IrlsConfig.INPUT_TOPIC_CONFIG, id + ".events");
    props.put(IrlsConfig.OUTPUT_TOPIC_CONFIG, id + ".coefficients");
    props.put(IrlsConfig.DLQ_TOPIC_CONFIG, id + ".dlq");
    props.put(IrlsConfig.MODEL_SPECS_TOPIC_CONFIG, id + ".specs");
    props.put(IrlsConfig.WINDOW_EVENTS_CONFIG, WINDOW_EVENTS);
    // windows close by count only, so every key has exactly EVENTS_PER_KEY / WINDOW_EVENTS versions
    props.put(IrlsConfig.WINDOW_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.IDLE_CLOSE_MS_CONFIG, Long.MAX_VALUE);
    props.put(IrlsConfig.HTTP_PORT_CONFIG, 0);
    props.put(IrlsConfig.STATE_DIR_CONFIG, state.toString());
    return new IrlsConfig(props);
  }

  private static void produce(final IrlsConfig config, final List<Simulator.Truth> truths) {
    final Simulator simulator = new Simulator(truths, 42);
    final Serializer<LabeledEvent> serializer = EventFormat.AVRO.serde().serializer();
    try (Producer<String, byte[]> producer = KafkaIo.eventProducer(config.clientProperties())) {
      for (int i = 0; i < EVENTS_PER_KEY; i++) {
        for (int k = 0; k < truths.size(); k++) {
          final Simulator.Event e = simulator.next(k);
          final List<Double> x = new ArrayList<>();
          for (final double v : e.features()) {
            x.add(v);
          }
          final LabeledEvent event = LabeledEvent.newBuilder().setFeatures(x).setLabel(e.label()).build();
          producer.send(new ProducerRecord<>(config.inputTopic(), e.key(), serializer.serialize("", event)));
        }
      }
    }
  }

  private static void awaitVersions(final IrlsApplication app, final List<Simulator.Truth> truths)
      throws InterruptedException {
    final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (truths.stream().allMatch(t -> version(app, t.key()) == VERSIONS)) {
        return;
      }
      Thread.sleep(200);
    }
    fail("the models did not all reach version " + VERSIONS + " within 120 s: "
        + truths.stream().map(t -> t.key() + "=" + version(app, t.key())).toList());
  }

  private static long version(final IrlsApplication app, final String key) {
    final Optional<ModelView> m = app.queries().model(key);
    return m.map(ModelView::version).orElse(-1L);
  }

  /**
   * Runs headless Chromium on {@code url} with a fresh profile and the flags this machine needs (no
   * background networking: its connections would be refused); returns what it printed on stdout.
   */
  private static String chromium(final Path profile, final Path log, final String mode, final String url)
      throws IOException, InterruptedException {
    Files.createDirectories(profile);
    final Path out = Files.createTempFile("chromium-out", ".txt");
    final List<String> command = List.of(CHROMIUM,
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--window-size=1280,900", "--virtual-time-budget=10000",
        mode, url);
    final Process process = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    if (!process.waitFor(BROWSER_GUARD.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("Chromium did not finish within " + BROWSER_GUARD.toMinutes() + " min: " + String.join(" ", command));
    }
    assertThat(process.exitValue()).as("Chromium's exit code (its stderr is in " + log + ")").isZero();
    final String printed = Files.readString(out);
    Files.delete(out);
    return printed;
  }

  /** The build folder ({@code target/} or {@code -Dirls.build.dir}): the parent of the test classes. */
  private static Path buildFolder() throws URISyntaxException {
    return Path.of(DashboardBrowserIT.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
  }

  private static int count(final String text, final String needle) {
    int n = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
      n++;
    }
    return n;
  }

  /** The one element of {@code elements} that contains {@code needle}. */
  private static String one(final List<String> elements, final String needle) {
    final List<String> found = elements.stream().filter(e -> e.contains(needle)).toList();
    assertThat(found).as("elements with " + needle).hasSize(1);
    return found.get(0);
  }

  private static List<String> all(final String text, final String regex) {
    final List<String> found = new ArrayList<>();
    final Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }
}
