package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JDK server's connections get TCP_NODELAY, so that no response waits for a delayed ACK: the
 * switch is on once any server is made through {@link JdkHttpServers}, the HTTP API's included.
 * Checked in a JVM of its own, since the switch is read once per JVM and another test may have set it.
 */
class HttpApiNoDelayTest {

  @Test
  void shouldSwitchNaglesAlgorithmOffBeforeTheFirstJdkServerOfAFreshJvm() throws Exception {
    // Given a fresh JVM whose first server is made as the test stubs make theirs
    final Process child = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), FirstServer.class.getName()))
        .redirectErrorStream(true)
        .start();

    // When it has made the server and said what the switch was then
    final boolean exited = child.waitFor(60, TimeUnit.SECONDS);
    final String said = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();

    // Then the switch was on before the server existed
    assertThat(exited).isTrue();
    assertThat(said).isEqualTo("nodelay=true");
  }

  /** Makes one server through {@link JdkHttpServers}, first thing, and prints the switch. */
  static final class FirstServer {
    public static void main(final String[] args) throws IOException {
      final String before = System.getProperty(JdkHttpServers.NODELAY_PROPERTY);
      final HttpServer server = JdkHttpServers.http(new InetSocketAddress("127.0.0.1", 0));
      server.stop(0);
      System.out.println(before == null ? "nodelay=" + System.getProperty(JdkHttpServers.NODELAY_PROPERTY)
          : "set before: " + before);
    }
  }
}
