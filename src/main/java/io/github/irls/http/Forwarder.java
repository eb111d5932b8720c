package io.github.irls.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the other instances ({@link Peers}) for what this one does not host: a per-key request goes
 * to the instance holding the key's active store, else to a standby (marked {@value
 * HttpApi#STALE_HEADER}), and the answer is relayed as is. Every request sent carries {@value
 * HttpApi#FORWARDED_HEADER} so that it is answered there and never forwarded again.
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
    if (exchange.getRequestHeaders().containsKey(HttpApi.FORWARDED_HEADER)) {
      return "1".equals(exchange.getRequestHeaders().getFirst(HttpApi.STALE_HEADER)) ? Answer.HERE_STALE : Answer.HERE;
    }
    final Peers.Owner owner = peers.owner(key);
    if (owner.local()) {
      return Answer.HERE;
    }
    final URI uri = exchange.getRequestURI();
    final String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    if (relay(exchange, owner.active(), pathAndQuery, false)) {
      return Answer.RELAYED;
    }
    if (owner.standbyHere()) {
      return Answer.HERE_STALE;
    }
    for (final String standby : owner.standbys()) {
      if (relay(exchange, standby, pathAndQuery, true)) {
        return Answer.RELAYED;
      }
    }
    throw new HttpError(503, "the instance hosting '" + key + "' (" + owner.active()
        + ") does not answer and no standby does");
  }

  /** GETs {@code pathAndQuery} from the instance at {@code host}, marked as forwarded. */
  HttpResponse<byte[]> get(final String host, final String pathAndQuery) throws IOException {
    return get(host, pathAndQuery, false);
  }

  /** Forwards the GET to {@code host}; true when it answered (any status), relayed as is. */
  private boolean relay(final HttpExchange exchange, final String host, final String pathAndQuery,
      final boolean stale) throws IOException {
    final HttpResponse<byte[]> response;
    try {
      response = get(host, pathAndQuery, stale);
    } catch (final IOException e) {
      LOG.debug("forwarding {} to {} failed: {}", pathAndQuery, host, e.toString());
      return false;
    }
    Exchanges.send(exchange, response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(Exchanges.JSON_TYPE), response.body());
    return true;
  }

  private HttpResponse<byte[]> get(final String host, final String pathAndQuery, final boolean stale)
      throws IOException {
    final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + host + pathAndQuery))
        .timeout(TIMEOUT)
        .header(HttpApi.FORWARDED_HEADER, "1")
        .GET();
    if (stale) {
      request.header(HttpApi.STALE_HEADER, "1");
    }
    authorization.ifPresent(value -> request.header("Authorization", value));
    try {
      final HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() == 401) {
        LOG.warn("{} refused this instance's credentials (401): its peers must accept http.auth.peer.user.info"
            + " or http.auth.token", host);
      }
      return response;
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (final IllegalArgumentException e) {
      throw new IOException("bad address " + host, e);
    }
  }
}
