package io.github.irls.http;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Creates the JDK's HTTP servers with Nagle's algorithm off. The JDK server leaves it on, so that
 * an answer written in two parts (headers, then body) waits for the client's delayed ACK: about 40
 * ms a request on Linux. Its switch, {@code sun.net.httpserver.nodelay}, is read once, when the
 * server's configuration class loads, so it must be set before the first server of the JVM is
 * created, whoever creates it: every JDK server here (the HTTP API's, and the tests' stubs and
 * proxies) is made through this class. A value given on the command line wins.
 */
public final class JdkHttpServers {

  static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  static {
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
  }

  private JdkHttpServers() {}

  /** An unstarted http server bound to {@code address}. */
  public static HttpServer http(final InetSocketAddress address) throws IOException {
    return HttpServer.create(address, 0);
  }

  /** An unstarted https server bound to {@code address}, without its configurator yet. */
  public static HttpsServer https(final InetSocketAddress address) throws IOException {
    return HttpsServer.create(address, 0);
  }
}
