package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The JDK server's connections get TCP_NODELAY, so that no response waits for a delayed ACK. */
class HttpApiNoDelayTest {

  @Test
  void shouldSwitchNaglesAlgorithmOffForTheJdkServerOnceHttpApiIsLoaded() throws Exception {
    // Given the HTTP API's class loaded, as binding a server does first
    Class.forName(HttpApi.class.getName(), true, HttpApi.class.getClassLoader());

    // Then the JDK server's switch is on (unless the JVM was started with -Dsun.net.httpserver.nodelay=false)
    assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
  }
}
