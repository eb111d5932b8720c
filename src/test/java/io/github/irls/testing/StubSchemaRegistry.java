package io.github.irls.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.irls.http.JdkHttpServers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/**
 * A small in-JVM stand-in for a schema registry's REST API (Confluent's, as Apicurio's
 * compatibility API serves it), for the error paths that a real registry cannot be made to take on
 * demand: it can answer 503, stall past a client's timeout, demand basic authentication, hold
 * ids it was told to forget, or refuse to register under one subject (as an incompatible schema
 * is). The real-registry tests run Apicurio Registry itself.
 *
 * <p>{@code GET /schemas/ids/{id}}, {@code POST /subjects/{s}} (lookup) and {@code POST
 * /subjects/{s}/versions} (register), with Confluent's error codes.
 */
public final class StubSchemaRegistry implements AutoCloseable {

  /** How the stub answers. */
  public enum Mode {
    /** As a registry does. */
    UP,
    /** 503 to everything. */
    UNAVAILABLE,
    /** Answers only after {@link #stallMillis}. */
    STALLING,
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final String scheme;
  private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
  private final Map<String, Integer> subjects = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private volatile Mode mode = Mode.UP;
  private volatile String userInfo;
  private volatile long stallMillis = 3_000;

  private StubSchemaRegistry(final HttpServer server, final String scheme) {
    this.server = server;
    this.scheme = scheme;
  }

  /** Starts a stub on a free port of 127.0.0.1. */
  public static StubSchemaRegistry start() throws IOException {
    return serve(JdkHttpServers.http(new InetSocketAddress("127.0.0.1", 0)), "http");
  }

  /** Starts a stub speaking https with {@code tls} (a server context) on a free port of 127.0.0.1. */
  public static StubSchemaRegistry startTls(final SSLContext tls) throws IOException {
    final HttpsServer server = JdkHttpServers.https(new InetSocketAddress("127.0.0.1", 0));
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    return serve(server, "https");
  }

  private static StubSchemaRegistry serve(final HttpServer server, final String scheme) {
    final StubSchemaRegistry stub = new StubSchemaRegistry(server, scheme);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      final Thread t = new Thread(r, "stub-registry");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", stub::handle);
    server.start();
    return stub;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:PORT}. */
  public URI url() {
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Registers {@code schema} under {@code subject} (as a producer's serializer would) and returns its id. */
  public int register(final String subject, final Schema schema) {
    final String text = schema.toString();
    for (final Map.Entry<Integer, String> e : schemas.entrySet()) {
      if (e.getValue().equals(text)) {
        subjects.put(subject, e.getKey());
        return e.getKey();
      }
    }
    final int id = nextId.getAndIncrement();
    schemas.put(id, text);
    subjects.put(subject, id);
    return id;
  }

  /** Holds {@code text} under {@code id} whatever it is (an invalid schema, say). */
  public void put(final int id, final String text) {
    schemas.put(id, text);
  }

  /** Answers 409 (Confluent's 409, incompatible) to every registration under {@code subject}. */
  public void refuseRegistration(final String subject) {
    refused.add(subject);
  }

  public void mode(final Mode value) {
    mode = value;
  }

  /** Demands basic authentication with {@code user:password} (null: none). */
  public void requireBasicAuth(final String value) {
    userInfo = value;
  }

  public void stallMillis(final long value) {
    stallMillis = value;
  }

  /** Every request seen, as {@code METHOD path}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many requests asked for schema {@code id}. */
  public long lookups(final int id) {
    return requests.stream().filter(r -> r.equals("GET /schemas/ids/" + id)).count();
  }

  private void handle(final HttpExchange exchange) throws IOException {
    try (exchange) {
      final String path = exchange.getRequestURI().getPath();
      requests.add(exchange.getRequestMethod() + " " + path);
      final Mode now = mode;
      if (now == Mode.UNAVAILABLE) {
        send(exchange, 503, Map.of("error_code", 50301, "message", "stub: unavailable"));
        return;
      }
      if (now == Mode.STALLING) {
        try {
          Thread.sleep(stallMillis);
        } catch (final InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      final String required = userInfo;
      if (required != null) {
        final String expected = "Basic " + Base64.getEncoder().encodeToString(required.getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
          send(exchange, 401, Map.of("error_code", 40101, "message", "Unauthorized"));
          return;
        }
      }
      if (exchange.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
        final String schema = schemas.get(Integer.parseInt(path.substring("/schemas/ids/".length())));
        if (schema == null) {
          send(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
        } else {
          send(exchange, 200, Map.of("schema", schema));
        }
        return;
      }
      if (exchange.getRequestMethod().equals("POST") && path.startsWith("/subjects/")) {
        final JsonNode body = JSON.readTree(exchange.getRequestBody());
        final String rest = path.substring("/subjects/".length());
        final boolean registering = rest.endsWith("/versions");
        final String subject = registering ? rest.substring(0, rest.length() - "/versions".length()) : rest;
        final Schema schema = new Schema.Parser().parse(body.get("schema").asText());
        if (registering && refused.contains(subject)) {
          send(exchange, 409, Map.of("error_code", 409, "message", "Schema being registered is incompatible"));
        } else if (registering) {
          send(exchange, 200, Map.of("id", register(subject, schema)));
        } else if (subjects.containsKey(subject) && schema.toString().equals(schemas.get(subjects.get(subject)))) {
          send(exchange, 200, Map.of("id", subjects.get(subject), "subject", subject, "version", 1));
        } else if (subjects.containsKey(subject)) {
          send(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
        } else {
          send(exchange, 404, Map.of("error_code", 40401, "message", "Subject not found"));
        }
        return;
      }
      send(exchange, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
    }
  }

  private static void send(final HttpExchange exchange, final int status, final Map<String, ?> body)
      throws IOException {
    final byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
