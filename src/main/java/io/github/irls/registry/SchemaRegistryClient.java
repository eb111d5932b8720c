package io.github.irls.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;

/**
 * A client of a schema registry's REST API as Confluent defined it, which Confluent Schema
 * Registry, Karapace, Redpanda and Apicurio Registry's compatibility API ({@code /apis/ccompat/v7})
 * serve: {@code GET /schemas/ids/{id}} for a writer schema, {@code POST /subjects/{subject}} and
 * {@code POST /subjects/{subject}/versions} to find or register one.
 *
 * <p>Every answer is classified, never thrown: a schema, an id the registry does not know (a 404
 * with error code 40403: the record names a schema that does not exist, so it is a bad record), or
 * <em>unavailable</em> (no connection, a timeout, a 5xx, 401/403, or any answer that is not the
 * registry's own: the record is fine and must wait). The URLs are tried in order; the next one is
 * asked only when one is unavailable. Credentials go in the {@code Authorization} header only and
 * never into a message.
 */
public final class SchemaRegistryClient implements AutoCloseable {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/json";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Confluent's error code for "Schema not found". */
  static final int SCHEMA_NOT_FOUND = 40403;
  /** Confluent's error code for "Subject not found". */
  static final int SUBJECT_NOT_FOUND = 40401;

  /** What the registry said of a writer schema id. */
  public sealed interface Lookup permits Found, NotFound, Unavailable {}

  /** The registry holds the schema: its text and type ({@code AVRO} when the registry leaves it out). */
  public record Found(String schema, String schemaType) implements Lookup {}

  /** The registry answered that it does not know the id. */
  public record NotFound(String message) implements Lookup {}

  /** No URL gave an answer that says anything of the id; {@code reason} names the last failure of each. */
  public record Unavailable(String reason) implements Lookup {}

  private final RegistrySettings settings;
  private final HttpClient http;
  private final ExecutorService executor;
  private final String authorization;
  private final AtomicLong found = new AtomicLong();
  private final AtomicLong notFound = new AtomicLong();
  private final AtomicLong unavailable = new AtomicLong();

  private SchemaRegistryClient(final RegistrySettings settings, final HttpClient http, final ExecutorService executor) {
    this.settings = settings;
    this.http = http;
    this.executor = executor;
    this.authorization = settings.basicAuthUserInfo()
        .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)))
        .orElse(null);
  }

  /**
   * A client for {@code settings}; contacts nothing yet.
   *
   * @throws IllegalArgumentException if the TLS material cannot be read (the message names the file,
   *     never a password)
   */
  public static SchemaRegistryClient create(final RegistrySettings settings) {
    final AtomicInteger threads = new AtomicInteger();
    final ExecutorService executor = Executors.newCachedThreadPool(r -> {
      final Thread t = new Thread(r, "irls-schema-registry-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    final HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .executor(executor);
    if (settings.tls().configured()) {
      builder.sslContext(settings.tls().sslContext("schema.registry.ssl"));
    }
    return new SchemaRegistryClient(settings, builder.build(), executor);
  }

  /** The settings this client was made with. */
  public RegistrySettings settings() {
    return settings;
  }

  /** Lookups answered with a schema, with "not found" and unavailable, since this client was made. */
  public long[] lookupCounts() {
    return new long[] {found.get(), notFound.get(), unavailable.get()};
  }

  /** The writer schema with {@code id}, asked of each URL in turn until one answers; never throws. */
  public CompletableFuture<Lookup> schema(final int id) {
    return schema(id, 0, "");
  }

  private CompletableFuture<Lookup> schema(final int id, final int url, final String failures) {
    final URI uri = resolve(settings.urls().get(url), "schemas/ids/" + Integer.toUnsignedString(id));
    return http.sendAsync(request(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, error) -> classify(uri, response, error))
        .thenCompose(lookup -> {
          if (lookup instanceof Unavailable u && url + 1 < settings.urls().size()) {
            return schema(id, url + 1, failures + u.reason() + "; ");
          }
          final Lookup last = lookup instanceof Unavailable u ? new Unavailable(failures + u.reason()) : lookup;
          count(last);
          return CompletableFuture.completedFuture(last);
        });
  }

  private void count(final Lookup lookup) {
    (lookup instanceof Found ? found : lookup instanceof NotFound ? notFound : unavailable).incrementAndGet();
  }

  private static Lookup classify(final URI uri, final HttpResponse<byte[]> response, final Throwable error) {
    if (error != null) {
      final Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      return new Unavailable(where(uri) + ": " + cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
    }
    final int status = response.statusCode();
    final Optional<JsonNode> body = json(response.body());
    if (status == 200) {
      final JsonNode schema = body.map(b -> b.get("schema")).orElse(null);
      if (schema != null && schema.isTextual()) {
        final JsonNode type = body.get().get("schemaType");
        return new Found(schema.asText(), type != null && type.isTextual() ? type.asText() : "AVRO");
      }
      return new Unavailable(where(uri) + ": answered 200 without a schema (is the URL the registry's API?)");
    }
    final int code = body.map(b -> b.path("error_code").asInt(0)).orElse(0);
    if (status == 404 && code == SCHEMA_NOT_FOUND) {
      return new NotFound(body.get().path("message").asText("schema not found"));
    }
    return new Unavailable(where(uri) + ": HTTP " + status + (code != 0 ? " (error code " + code + ")" : "")
        + (status == 404 ? " without the registry's schema-not-found error (is the URL the registry's API?)" : "")
        + (status == 401 || status == 403 ? " (check schema.registry.basic.auth.user.info)" : ""));
  }

  /**
   * The id of {@code schema} under {@code subject}: found when it is registered there, otherwise
   * registered (a registry answers the existing id for a schema registered before, so this works
   * with read-only credentials once the schema is registered).
   *
   * @throws RegistryException if no URL answers, the registry refuses (e.g. 409: incompatible with
   *     the subject's compatibility rule; 401/403) or the answer has no id
   */
  public int idOf(final String subject, final Schema schema) {
    final String body;
    try {
      body = JSON.writeValueAsString(java.util.Map.of("schema", schema.toString()));
    } catch (final IOException e) {
      throw new IllegalStateException(e);
    }
    final String path = "subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8);
    final Optional<Integer> registered = post(path, body, true);
    return registered.orElseGet(() -> post(path + "/versions", body, false).orElseThrow(
        () -> new RegistryException("the schema registry registered " + subject + " without answering an id")));
  }

  /** The id a POST answers; empty for a 404 saying the subject or schema is not registered (when {@code missingIsEmpty}). */
  private Optional<Integer> post(final String path, final String body, final boolean missingIsEmpty) {
    final StringBuilder failures = new StringBuilder();
    for (final URI base : settings.urls()) {
      final URI uri = resolve(base, path);
      final HttpResponse<byte[]> response;
      try {
        response = http.send(request(uri).header("Content-Type", CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (final IOException e) {
        failures.append(where(uri)).append(": ").append(e.getClass().getSimpleName()).append(' ')
            .append(e.getMessage()).append("; ");
        continue;
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException("interrupted while asking the schema registry");
      }
      final int status = response.statusCode();
      final Optional<JsonNode> json = json(response.body());
      final int code = json.map(b -> b.path("error_code").asInt(0)).orElse(0);
      if (status == 200 && json.map(b -> b.path("id").isInt()).orElse(false)) {
        return Optional.of(json.get().get("id").asInt());
      }
      if (missingIsEmpty && status == 404 && (code == SUBJECT_NOT_FOUND || code == SCHEMA_NOT_FOUND)) {
        return Optional.empty();
      }
      if (status >= 500) {
        failures.append(where(uri)).append(": HTTP ").append(status).append("; ");
        continue;
      }
      throw new RegistryException("the schema registry at " + where(uri) + " refused " + path + ": HTTP " + status
          + (code != 0 ? " error code " + code : "") + json.map(b -> " " + b.path("message").asText("")).orElse(""));
    }
    throw new RegistryException("no schema registry URL answered: " + failures);
  }

  private HttpRequest.Builder request(final URI uri) {
    final HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(settings.requestTimeout())
        .header("Accept", ACCEPT);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder;
  }

  private static URI resolve(final URI base, final String path) {
    final String text = base.toString();
    return URI.create(text.endsWith("/") ? text + path : text + "/" + path);
  }

  /** The scheme, host, port and path of {@code uri}: what a message may show of it. */
  private static String where(final URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + uri.getRawPath();
  }

  private static Optional<JsonNode> json(final byte[] body) {
    try {
      final JsonNode node = JSON.readTree(body);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (final IOException e) {
      return Optional.empty();
    }
  }

  /** The URLs, for messages. */
  public List<URI> urls() {
    return settings.urls();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** The registry refused or could not be asked to find or register a schema. */
  public static final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryException(final String message) {
      super(message);
    }
  }
}
