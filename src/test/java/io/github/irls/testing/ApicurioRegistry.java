package io.github.irls.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real schema registry for the integration tests: Apicurio Registry (from Maven Central, unpacked
 * by the build into the directory the system property {@value #DIR_PROPERTY} names), run as a child
 * JVM on 127.0.0.1 with its in-memory storage. Its Confluent-compatible API is {@link #url()}.
 */
public final class ApicurioRegistry implements AutoCloseable {

  /** System property: the directory holding {@code apicurio-registry-app-*-runner.jar}. */
  public static final String DIR_PROPERTY = "irls.test.apicurio.dir";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final URI url;
  private final Path log;

  private ApicurioRegistry(final Process process, final URI url, final Path log) {
    this.process = process;
    this.url = url;
    this.log = log;
  }

  /** The runner jar, if the build unpacked the registry (absent with -DskipRegistryIT or offline). */
  public static Optional<Path> runnerJar() {
    final String dir = System.getProperty(DIR_PROPERTY);
    if (dir == null || !Files.isDirectory(Path.of(dir))) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst();
    } catch (final IOException e) {
      return Optional.empty();
    }
  }

  /** Starts the registry and waits until its API answers; its output goes to {@code logDir}. */
  public static ApicurioRegistry start(final Path jar, final Path logDir) throws Exception {
    final int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    final Path log = logDir.resolve("apicurio-registry.log");
    final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    final Process process = new ProcessBuilder(List.of(java, "-Xmx384m", "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + port, "-jar", jar.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    final ApicurioRegistry registry =
        new ApicurioRegistry(process, URI.create("http://127.0.0.1:" + port + "/apis/ccompat/v7"), log);
    try {
      registry.awaitReady();
    } catch (final Exception | AssertionError e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  private void awaitReady() throws Exception {
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("Apicurio Registry exited with " + process.exitValue() + ": " + tail());
      }
      try {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/subjects"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (final IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Apicurio Registry did not answer within " + START_TIMEOUT.toSeconds() + " s: " + tail());
  }

  /** The base URL of its Confluent-compatible API ({@code .../apis/ccompat/v7}). */
  public URI url() {
    return url;
  }

  private String tail() throws IOException {
    final List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
