package io.github.irls.http;

import io.github.irls.tls.TlsMaterial;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How the HTTP API is locked: TLS (the server's key and certificate, and what this instance trusts
 * when it forwards to its peers) and who is let in ({@link HttpAuth}). {@code /health} and {@code
 * /ready} stay open either way, for probes. {@link #toString()} shows no secret.
 *
 * @param serverTls the server's context (its key store); empty for plain http
 * @param peerTls the context this instance's forwarding client trusts peers with; present exactly
 *     when {@code serverTls} is, since peers speak what this instance speaks
 * @param auth who is let in, and what is sent to peers
 */
public record HttpSecurity(Optional<SSLContext> serverTls, Optional<SSLContext> peerTls, HttpAuth auth) {

  /** The option prefix of the HTTP server's TLS material, for messages. */
  public static final String TLS_OPTION_PREFIX = "http.ssl";

  /** Plain http, no authentication. */
  public static final HttpSecurity NONE = new HttpSecurity(Optional.empty(), Optional.empty(), HttpAuth.NONE);

  public HttpSecurity {
    Objects.requireNonNull(auth, "auth");
    if (serverTls.isPresent() != peerTls.isPresent()) {
      throw new IllegalArgumentException("TLS is for the server and its peers alike, or for neither");
    }
  }

  /** Plain http with {@code auth}. */
  public static HttpSecurity plain(final HttpAuth auth) {
    return new HttpSecurity(Optional.empty(), Optional.empty(), auth);
  }

  /**
   * https with {@code material}'s key store; peers are trusted by its trust store, else by the JDK's
   * trusted certificates plus the key store's own.
   *
   * @throws IllegalArgumentException if the material cannot be read or has no key store (the
   *     message names the option and the file, never the password)
   */
  public static HttpSecurity tls(final TlsMaterial material, final HttpAuth auth) {
    if (material.keystoreLocation().isEmpty()) {
      throw new IllegalArgumentException("TLS for the HTTP server needs " + TLS_OPTION_PREFIX + ".keystore.location");
    }
    return new HttpSecurity(Optional.of(material.sslContext(TLS_OPTION_PREFIX)),
        Optional.of(material.sslContextTrustingOwnCertificates(TLS_OPTION_PREFIX)), auth);
  }

  /** Whether the server speaks https. */
  public boolean tlsEnabled() {
    return serverTls.isPresent();
  }

  @Override
  public String toString() {
    return "HttpSecurity[" + (tlsEnabled() ? "https" : "http") + ", " + auth + "]";
  }
}
