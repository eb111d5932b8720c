package io.github.irls.registry;

import io.github.irls.tls.TlsMaterial;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a schema registry (Confluent's REST API, which Confluent, Karapace, Redpanda and
 * Apicurio's compatibility API serve). {@link #toString()} never shows a secret.
 *
 * @param urls the registry's base URLs, tried in order (the next one when one cannot be reached or
 *     answers 5xx), e.g. {@code http://registry:8081} or {@code http://apicurio:8080/apis/ccompat/v7}
 * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication, if any
 * @param tls the TLS material for {@code https} URLs
 * @param connectTimeout how long to wait for a connection to one URL
 * @param requestTimeout how long to wait for one URL's answer
 * @param retryBackoff the first wait before asking again after the registry could not answer
 * @param retryBackoffMax the longest such wait (the wait doubles up to it)
 */
public record RegistrySettings(
    List<URI> urls,
    Optional<String> basicAuthUserInfo,
    TlsMaterial tls,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration retryBackoff,
    Duration retryBackoffMax) {

  public RegistrySettings {
    urls = List.copyOf(urls);
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("a schema registry needs at least one URL");
    }
    Objects.requireNonNull(basicAuthUserInfo, "basicAuthUserInfo");
    Objects.requireNonNull(tls, "tls");
  }

  /** Settings with no authentication, no TLS material and the defaults of the configuration. */
  public static RegistrySettings of(final List<URI> urls) {
    return new RegistrySettings(urls, Optional.empty(), TlsMaterial.NONE, Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  /** These settings with other retry waits (tests). */
  public RegistrySettings withRetryBackoff(final Duration first, final Duration max) {
    return new RegistrySettings(urls, basicAuthUserInfo, tls, connectTimeout, requestTimeout, first, max);
  }

  /** These settings with other timeouts. */
  public RegistrySettings withTimeouts(final Duration connect, final Duration request) {
    return new RegistrySettings(urls, basicAuthUserInfo, tls, connect, request, retryBackoff, retryBackoffMax);
  }

  /** These settings with HTTP basic authentication. */
  public RegistrySettings withBasicAuth(final String userInfo) {
    return new RegistrySettings(urls, Optional.of(userInfo), tls, connectTimeout, requestTimeout, retryBackoff,
        retryBackoffMax);
  }

  /** These settings with TLS material. */
  public RegistrySettings withTls(final TlsMaterial material) {
    return new RegistrySettings(urls, basicAuthUserInfo, material, connectTimeout, requestTimeout, retryBackoff,
        retryBackoffMax);
  }

  @Override
  public String toString() {
    return "RegistrySettings[urls=" + urls + ", basicAuth=" + (basicAuthUserInfo.isPresent() ? "[hidden]" : "none")
        + ", tls=" + tls + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
        + ", retryBackoff=" + retryBackoff + ".." + retryBackoffMax + "]";
  }
}
