package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading a credentials file and checking the Authorization header of basic and bearer requests. */
class HttpAuthTest {

  @Test
  void shouldAcceptTheUsersOfTheFileWithPlainAndHashedPasswords() throws Exception {
    // Given a file with a comment, a blank line, a plain and a hashed password
    final String hash = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest("s3cret:2".getBytes(StandardCharsets.UTF_8)));
    final HttpAuth auth = HttpAuth.basic(List.of("# who may read the models", "", "alice:wonder land",
        "  bob:{SHA-256}" + hash.toUpperCase() + "  "), Optional.empty());

    // Then each is let in with its own password (one holding a colon and one a space), nobody else
    assertThat(auth.accepts(basic("alice:wonder land"))).isTrue();
    assertThat(auth.accepts(basic("bob:s3cret:2"))).isTrue();
    assertThat(auth.accepts("basic " + Base64.getEncoder().encodeToString("alice:wonder land".getBytes()))).isTrue();
    assertThat(auth.accepts(basic("alice:wonder"))).isFalse();
    assertThat(auth.accepts(basic("bob:{SHA-256}" + hash))).isFalse();
    assertThat(auth.accepts(basic("carol:wonder land"))).isFalse();
    assertThat(auth.accepts(basic("alice"))).isFalse();
    assertThat(auth.accepts(null)).isFalse();
    assertThat(auth.accepts("Basic not-base64!")).isFalse();
    assertThat(auth.accepts("Bearer wonder land")).isFalse();
    assertThat(auth.challenge()).isEqualTo("Basic realm=\"irls-streams\", charset=\"UTF-8\"");
  }

  @Test
  void shouldRefuseAFileThatIsNotUserPasswordLinesNamingTheLineNotItsContent() {
    assertThatThrownBy(() -> HttpAuth.basic(List.of("alice:one", "bob-without-password"), Optional.empty()))
        .hasMessage("line 2 is not user:password");
    assertThatThrownBy(() -> HttpAuth.basic(List.of(":hunter2"), Optional.empty()))
        .hasMessage("line 1 is not user:password");
    assertThatThrownBy(() -> HttpAuth.basic(List.of("alice:"), Optional.empty()))
        .hasMessage("line 1 is not user:password");
    assertThatThrownBy(() -> HttpAuth.basic(List.of("alice:{SHA-256}abc"), Optional.empty()))
        .hasMessageContaining("line 1").hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> HttpAuth.basic(List.of("alice:one", "alice:hunter2"), Optional.empty()))
        .hasMessageContaining("line 2").hasMessageContaining("alice").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> HttpAuth.basic(List.of("# nobody", ""), Optional.empty()))
        .hasMessage("no user:password line");
  }

  @Test
  void shouldSendPeersTheConfiguredUserElseTheFirstPlainOne() {
    // Given the same file with and without a peer user, and a file of hashed passwords only
    final List<String> lines = List.of("ops:{SHA-256}" + "0".repeat(64), "alice:one", "bob:two");

    // Then peers are sent the first plain user, the configured one, or nothing
    assertThat(HttpAuth.basic(lines, Optional.empty()).peerAuthorization()).contains(basic("alice:one"));
    assertThat(HttpAuth.basic(lines, Optional.of("bob:two")).peerAuthorization()).contains(basic("bob:two"));
    assertThat(HttpAuth.basic(List.of("ops:{SHA-256}" + "0".repeat(64)), Optional.empty()).peerAuthorization())
        .isEmpty();
  }

  @Test
  void shouldAcceptTheBearerTokenOnlyAndSendItToPeers() {
    // Given
    final HttpAuth auth = HttpAuth.bearer("t0ken-abc");

    // Then
    assertThat(auth.accepts("Bearer t0ken-abc")).isTrue();
    assertThat(auth.accepts("bearer t0ken-abc")).isTrue();
    assertThat(auth.accepts("Bearer t0ken-ab")).isFalse();
    assertThat(auth.accepts("Bearer t0ken-abcd")).isFalse();
    assertThat(auth.accepts("Bearer")).isFalse();
    assertThat(auth.accepts("Bearert0ken-abc")).isFalse();
    assertThat(auth.accepts(basic("t0ken-abc:t0ken-abc"))).isFalse();
    assertThat(auth.accepts(null)).isFalse();
    assertThat(auth.peerAuthorization()).contains("Bearer t0ken-abc");
    assertThat(auth.challenge()).isEqualTo("Bearer realm=\"irls-streams\"");
    assertThatThrownBy(() -> HttpAuth.bearer("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldLetEveryoneInWithoutAuthentication() {
    assertThat(HttpAuth.NONE.required()).isFalse();
    assertThat(HttpAuth.NONE.accepts(null)).isTrue();
    assertThat(HttpAuth.NONE.peerAuthorization()).isEmpty();
  }

  @Test
  void shouldNeverShowASecretInItsText() {
    // Given
    final HttpAuth basicAuth = HttpAuth.basic(List.of("alice:hunter2"), Optional.of("alice:hunter2"));
    final HttpAuth bearer = HttpAuth.bearer("t0ken-abc");

    // Then
    assertThat(basicAuth.toString()).contains("basic").doesNotContain("hunter2")
        .doesNotContain(Base64.getEncoder().encodeToString("alice:hunter2".getBytes()));
    assertThat(bearer.toString()).contains("bearer").doesNotContain("t0ken");
    assertThat(HttpSecurity.plain(bearer).toString()).doesNotContain("t0ken");
  }

  private static String basic(final String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }
}
