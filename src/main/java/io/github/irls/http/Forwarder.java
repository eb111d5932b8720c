package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the other instances ({@link Peers}) for what this one does not host: a per-key request goes
 * to the instance holding the key's active store, else to a standby (marked {@value
 * HttpApi#STALE_HEADER}), and the answer is relayed as is, but for a 401: the peer refused this
 * instance's credentials, not the client's, so that is a 502 saying so ({@link #refused}). Every
 * request sent carries {@value HttpApi#FORWARDED_HEADER} so that it is answered there and never
 * forwarded again.
 */
final class Forwarder {

  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** How a per-key request is answered. */
  enum Answer {
    /** Another instance answered; its answer was sent. */
    RELAYED,
    /** From this instance's active stores. */
    HERE,
    /** From this instance's stores, standby copies included, marked stale. */
    HERE_STALE
  }

  private final Peers peers;
  private final HttpClient client;
  private final String scheme;
  private final Optional<String> authorization;

  Forwarder(final Peers peers) {
    this(peers, Optional.empty(), Optional.empty());
  }

  /**
   * Asks {@code peers} over https trusting {@code tls} when it is given (else plain http), every
   * request carrying {@code authorization} as its {@code Authorization} header when given.
   */
  Forwarder(final Peers peers, final Optional<SSLContext> tls, final Optional<String> authorization) {
    this.peers = peers;
    final HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
    tls.ifPresent(builder::sslContext);
    this.client = builder.build();
    this.scheme = tls.isPresent() ? "https://" : "http://";
    this.authorization = authorization;
  }

  /**
   * Answers a request for {@code key} from another instance when that one hosts it: the active
   * one, else a standby (stale). Otherwise says how this instance must answer: from its active
   * stores (it is active, or the request was forwarded already) or from its standby copy (asked to
   * by {@link HttpApi#STALE_HEADER}, or the only copy left that answers). 503 when nobody answers.
   */
  Answer forward(final HttpExchange exchange, final String key) throws IOException {
    return forward(exchange, key, null);
  }

  /**
   * As {@link #forward(HttpExchange, String)} for a request with a body (a POST), which the caller
   * has read already: {@code body} is sent on with the same method, path and query.
   */
  Answer forward(final HttpExchange exchange, final String key, final byte[] body) throws IOException {
    final boolean forwarded = exchange.getRequestHeaders().containsKey(HttpApi.FORWARDED_HEADER);
    final boolean staleAsked = "1".equals(exchange.getRequestHeaders().getFirst(HttpApi.STALE_HEADER));
    final URI uri = exchange.getRequestURI();
    final String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    final Reply reply = ask(key, exchange.getRequestMethod(), pathAndQuery, body, forwarded, staleAsked);
    if (reply.here()) {
      return reply.stale() ? Answer.HERE_STALE : Answer.HERE;
    }
    final HttpResponse<byte[]> response = reply.remote();
    Exchanges.send(exchange, response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(Exchanges.JSON_TYPE), response.body());
    return Answer.RELAYED;
  }

  /** Where the model {@code key} is hosted. */
  Peers.Owner owner(final String key) {
    return peers.owner(key);
  }

  /**
   * Where a request for {@code key} is answered: by the instance holding its active store when that
   * is another one (its answer, any status but 401, which is {@link #refused}), else by a standby
   * (asked with {@link HttpApi#STALE_HEADER}), else here. {@code forwarded} requests are answered
   * here, from the standby copy when {@code staleAsked}. 503 when the key lives elsewhere and nobody
   * answers.
   *
   * @param body the body to send on, or null for a request without one
   */
  Reply ask(final String key, final String method, final String pathAndQuery, final byte[] body,
      final boolean forwarded, final boolean staleAsked) throws IOException {
    if (forwarded) {
      return staleAsked ? Reply.HERE_STALE : Reply.HERE;
    }
    final Peers.Owner owner = peers.owner(key);
    for (final Peers.Source source : owner.sources()) {
      if (source.here()) {
        return source.stale() ? Reply.HERE_STALE : Reply.HERE;
      }
      final Optional<HttpResponse<byte[]>> answer = tryCall(source.host(), method, pathAndQuery, body, source.stale());
      if (answer.isPresent()) {
        return reply(source.host(), answer.get(), source.stale());
      }
    }
    throw nobodyAnswers(key, owner);
  }

  private static Reply reply(final String host, final HttpResponse<byte[]> response, final boolean stale) {
    if (response.statusCode() == 401) {
      throw refused(host);
    }
    return new Reply(response, stale);
  }

  /**
   * 502: the instance at {@code host} answered 401 to a request this one sent on. The client's
   * credentials were accepted here; it is this instance's own that the peer refused, which a 401
   * relayed as is would hide.
   */
  static HttpError refused(final String host) {
    return new HttpError(502, "the instance at " + host + " refused this instance's credentials (401): every"
        + " instance must accept the others' http.auth.peer.user.info (under http.auth=basic, a user of its"
        + " credentials file) or http.auth.token (under http.auth=bearer, the same token)");
  }

  /** 503: the instance hosting {@code key} does not answer, and no standby does. */
  static HttpError nobodyAnswers(final String key, final Peers.Owner owner) {
    return new HttpError(503, "the instance hosting '" + key + "' (" + owner.active()
        + ") does not answer and no standby does");
  }

  /**
   * How a request is answered.
   *
   * @param remote another instance's answer, or null when it is to be answered here
   * @param stale whether the answer comes (or is to come) from a standby copy
   */
  record Reply(HttpResponse<byte[]> remote, boolean stale) {
    static final Reply HERE = new Reply(null, false);
    static final Reply HERE_STALE = new Reply(null, true);

    boolean here() {
      return remote == null;
    }
  }

  /** GETs {@code pathAndQuery} from the instance at {@code host}, marked as forwarded. */
  HttpResponse<byte[]> get(final String host, final String pathAndQuery) throws IOException {
    return call(host, "GET", pathAndQuery, null, false);
  }

  /** The answer of {@code host} to the request, or empty when it cannot be reached. */
  private Optional<HttpResponse<byte[]>> tryCall(final String host, final String method, final String pathAndQuery,
      final byte[] body, final boolean stale) {
    try {
      return Optional.of(call(host, method, pathAndQuery, body, stale));
    } catch (final IOException e) {
      LOG.debug("forwarding {} {} to {} failed: {}", method, pathAndQuery, host, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Sends the request to {@code host} without waiting, so that several instances can be asked at
   * once: its answer, or empty when it cannot be reached (as {@link #ask} counts a peer that does
   * not answer). The HTTP client's own threads carry it, so that one thread can wait for many.
   */
  CompletableFuture<Optional<HttpResponse<byte[]>>> callAsync(final String host, final String method,
      final String pathAndQuery, final byte[] body, final boolean stale) {
    final HttpRequest request;
    try {
      request = request(host, method, pathAndQuery, body, stale);
    } catch (final IOException e) {
      LOG.debug("forwarding {} {} to {} failed: {}", method, pathAndQuery, host, e.toString());
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> Optional.of(warnIfRefused(host, response)))
        .exceptionally(e -> {
          LOG.debug("forwarding {} {} to {} failed: {}", method, pathAndQuery, host, e.toString());
          return Optional.empty();
        });
  }

  private HttpResponse<byte[]> call(final String host, final String method, final String pathAndQuery,
      final byte[] body, final boolean stale) throws IOException {
    final HttpRequest request = request(host, method, pathAndQuery, body, stale);
    try {
      return warnIfRefused(host, client.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (final IllegalArgumentException e) {
      throw new IOException("bad address " + host, e);
    }
  }

  private HttpRequest request(final String host, final String method, final String pathAndQuery,
      final byte[] body, final boolean stale) throws IOException {
    final HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(scheme + host + pathAndQuery))
          .timeout(TIMEOUT)
          .header(HttpApi.FORWARDED_HEADER, "1")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    } catch (final IllegalArgumentException e) {
      throw new IOException("bad address " + host, e);
    }
    if (body != null) {
      request.header("Content-Type", Exchanges.JSON_TYPE);
    }
    if (stale) {
      request.header(HttpApi.STALE_HEADER, "1");
    }
    authorization.ifPresent(value -> request.header("Authorization", value));
    return request.build();
  }

  private static HttpResponse<byte[]> warnIfRefused(final String host, final HttpResponse<byte[]> response) {
    if (response.statusCode() == 401) {
      LOG.warn("{} refused this instance's credentials (401): its peers must accept http.auth.peer.user.info"
          + " or http.auth.token", host);
    }
    return response;
  }
}
