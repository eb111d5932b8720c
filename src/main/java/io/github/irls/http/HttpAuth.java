package io.github.irls.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may use the HTTP API: anyone ({@link #NONE}), the users of a credentials file by HTTP basic
 * authentication, or whoever sends one bearer token; and what this instance sends its peers when it
 * forwards a request. Secrets are kept as SHA-256 digests only and compared in constant time
 * ({@link MessageDigest#isEqual}); {@link #toString()} shows none.
 *
 * <p>A credentials file has one {@code user:password} per line, or {@code user:{SHA-256}HEX} with
 * the hex SHA-256 of the password's UTF-8 bytes (as {@code printf %s PASSWORD | sha256sum} prints
 * it); blank lines and lines starting with {@code #} are skipped.
 */
public final class HttpAuth {

  /** How requests authenticate. */
  public enum Scheme {
    NONE, BASIC, BEARER
  }

  /** The realm of the challenge ({@code WWW-Authenticate}). */
  static final String REALM = "irls-streams";

  /** No authentication: every request is answered. */
  public static final HttpAuth NONE = new HttpAuth(Scheme.NONE, Map.of(), Optional.empty());

  private static final String HASHED_PREFIX = "{SHA-256}";
  private static final Pattern SHA_256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  /** The digest an unknown user's password is compared with, so that it takes as long as a known one. */
  private static final byte[] NO_USER = sha256("");

  private final Scheme scheme;
  /** BASIC: user to SHA-256 of the password; BEARER: "" to SHA-256 of the token. */
  private final Map<String, byte[]> digests;
  private final Optional<String> peerAuthorization;

  private HttpAuth(final Scheme scheme, final Map<String, byte[]> digests, final Optional<String> peerAuthorization) {
    this.scheme = scheme;
    this.digests = Map.copyOf(digests);
    this.peerAuthorization = peerAuthorization;
  }

  /**
   * HTTP basic authentication against the {@code lines} of a credentials file (see the class
   * comment). Peers are sent {@code peerUserInfo} ({@code user:password}) when given, else the
   * first user written with a plain password; none when every password is hashed.
   *
   * @throws IllegalArgumentException naming the line (by number, never its content) that is not
   *     {@code user:password}, a user written twice, or a file without users
   */
  public static HttpAuth basic(final List<String> lines, final Optional<String> peerUserInfo) {
    final Map<String, byte[]> digests = new LinkedHashMap<>();
    Optional<String> firstPlain = Optional.empty();
    for (int i = 0; i < lines.size(); i++) {
      final String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      final int colon = line.indexOf(':');
      if (colon <= 0 || colon == line.length() - 1) {
        throw new IllegalArgumentException("line " + (i + 1) + " is not user:password");
      }
      final String user = line.substring(0, colon);
      final String password = line.substring(colon + 1);
      final byte[] digest;
      if (password.startsWith(HASHED_PREFIX)) {
        final String hex = password.substring(HASHED_PREFIX.length());
        if (!SHA_256_HEX.matcher(hex).matches()) {
          throw new IllegalArgumentException("line " + (i + 1) + ": " + HASHED_PREFIX + " must be followed by the"
              + " 64 hex digits of a SHA-256");
        }
        digest = HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
      } else {
        digest = sha256(password);
        if (firstPlain.isEmpty()) {
          firstPlain = Optional.of(line);
        }
      }
      if (digests.put(user, digest) != null) {
        throw new IllegalArgumentException("line " + (i + 1) + ": user '" + user + "' is written twice");
      }
    }
    if (digests.isEmpty()) {
      throw new IllegalArgumentException("no user:password line");
    }
    final Optional<String> peer = peerUserInfo.isPresent() ? peerUserInfo : firstPlain;
    return new HttpAuth(Scheme.BASIC, digests, peer.map(HttpAuth::basicAuthorization));
  }

  /** Bearer authentication with {@code token}, which peers are sent too. */
  public static HttpAuth bearer(final String token) {
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the token is empty");
    }
    return new HttpAuth(Scheme.BEARER, Map.of("", sha256(token)), Optional.of("Bearer " + token));
  }

  /** The {@code Authorization} value of HTTP basic authentication for {@code userInfo} ({@code user:password}). */
  static String basicAuthorization(final String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  public Scheme scheme() {
    return scheme;
  }

  /** Whether requests need credentials. */
  public boolean required() {
    return scheme != Scheme.NONE;
  }

  /**
   * Whether a request with this {@code Authorization} header value (null when absent) is let in.
   * The scheme's name is matched ignoring case, as RFC 9110 says.
   */
  public boolean accepts(final String authorization) {
    return switch (scheme) {
      case NONE -> true;
      case BEARER -> credentials(authorization, "Bearer")
          .map(token -> MessageDigest.isEqual(sha256(token), digests.get("")))
          .orElse(false);
      case BASIC -> credentials(authorization, "Basic").flatMap(HttpAuth::decodeBase64)
          .map(this::acceptsUserInfo)
          .orElse(false);
    };
  }

  private boolean acceptsUserInfo(final String userInfo) {
    final int colon = userInfo.indexOf(':');
    final String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
    final byte[] expected = digests.get(user);
    final boolean matches = MessageDigest.isEqual(sha256(colon < 0 ? "" : userInfo.substring(colon + 1)),
        expected == null ? NO_USER : expected);
    return matches && expected != null && colon >= 0;
  }

  /** The {@code WWW-Authenticate} value of a 401; browsers prompt for a user and password on {@code Basic}. */
  public String challenge() {
    return (scheme == Scheme.BEARER ? "Bearer" : "Basic") + " realm=\"" + REALM + "\""
        + (scheme == Scheme.BASIC ? ", charset=\"UTF-8\"" : "");
  }

  /** The {@code Authorization} value this instance sends the peers it forwards to, if any. */
  public Optional<String> peerAuthorization() {
    return peerAuthorization;
  }

  /** What follows {@code "<scheme> "} in {@code authorization}, if it starts so. */
  private static Optional<String> credentials(final String authorization, final String scheme) {
    if (authorization == null || authorization.length() <= scheme.length() + 1
        || !authorization.regionMatches(true, 0, scheme, 0, scheme.length())
        || authorization.charAt(scheme.length()) != ' ') {
      return Optional.empty();
    }
    return Optional.of(authorization.substring(scheme.length() + 1).strip());
  }

  private static Optional<String> decodeBase64(final String encoded) {
    try {
      return Optional.of(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
    } catch (final IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static byte[] sha256(final String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (final NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return switch (scheme) {
      case NONE -> "HttpAuth[none]";
      case BASIC -> "HttpAuth[basic, " + digests.size() + " user(s), peers "
          + (peerAuthorization.isPresent() ? "sent credentials" : "sent none") + "]";
      case BEARER -> "HttpAuth[bearer, token hidden]";
    };
  }
}
