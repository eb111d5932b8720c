package io.github.irls.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.http.HttpAuth;
import io.github.irls.http.HttpSecurity;
import io.github.irls.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The http.ssl.* and http.auth* options: what they make, and what they refuse naming the option. */
class HttpSecurityConfigTest {

  private static IrlsConfig config(final String... nameValues) {
    final Map<String, Object> props = new HashMap<>(Map.of("bootstrap.servers", "localhost:9092"));
    for (int i = 0; i < nameValues.length; i += 2) {
      props.put(nameValues[i], nameValues[i + 1]);
    }
    return new IrlsConfig(props);
  }

  @Test
  void shouldServePlainHttpToEveryoneByDefault() {
    // Given / When
    final HttpSecurity security = config().httpSecurity();

    // Then
    assertThat(security.tlsEnabled()).isFalse();
    assertThat(security.auth().required()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // option set, its value | the option the message names | what it says
      "http.auth=basic                                     | http.auth                  | needs http.auth.credentials.file",
      "http.auth=bearer                                    | http.auth                  | needs either http.auth.token",
      "http.auth=bearer,http.auth.token=a,http.auth.token.file=/t | http.auth           | not both",
      "http.auth=bearer,http.auth.token=a b                | http.auth.token            | hold spaces",
      "http.auth=bearer,http.auth.token=t\u00e9ken           | http.auth.token            | visible ASCII",
      "http.auth=digest                                    | http.auth                  | none, basic, bearer",
      "http.auth.credentials.file=/users                   | http.auth.credentials.file | belongs to http.auth=basic",
      "http.auth=bearer,http.auth.token=t,http.auth.credentials.file=/u | http.auth.credentials.file | http.auth is bearer",
      "http.auth.token=t0ken                               | http.auth.token            | belongs to http.auth=bearer",
      "http.auth.peer.user.info=a:b                        | http.auth.peer.user.info   | belongs to http.auth=basic",
      "http.ssl.truststore.location=/trust.p12             | http.ssl.truststore.location | needs http.ssl.keystore.location",
  })
  void shouldRefuseOptionsThatDoNotGoTogetherNamingTheOption(final String settings, final String option,
      final String says) {
    // Given
    final String[] nameValues = settings.trim().split("[=,]");

    // When / Then
    assertThatThrownBy(() -> config(nameValues))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(option)
        .hasMessageContaining(says)
        .hasMessageNotContaining("t0ken");
  }

  @Test
  void shouldReadTheCredentialsFileAndCheckThePeerUserAgainstIt(@TempDir final Path dir) throws Exception {
    // Given a credentials file
    final Path users = Files.writeString(dir.resolve("users"), "alice:wonder\nbob:builder\n");

    // When it is configured with and without a peer user
    final HttpAuth auth = config("http.auth", "basic", "http.auth.credentials.file", users.toString())
        .httpSecurity().auth();

    // Then its users are let in, and a peer user that it does not accept is refused without being shown
    assertThat(auth.scheme()).isEqualTo(HttpAuth.Scheme.BASIC);
    assertThat(auth.accepts(auth.peerAuthorization().orElseThrow())).isTrue();
    assertThatThrownBy(() -> config("http.auth", "basic", "http.auth.credentials.file", users.toString(),
        "http.auth.peer.user.info", "bob:builders").httpSecurity())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.auth.peer.user.info").hasMessageContaining(users.toString())
        .hasMessageNotContaining("builders");
  }

  @Test
  void shouldRefuseACredentialsFileThatCannotBeReadOrIsNotUserPasswordLines(@TempDir final Path dir)
      throws Exception {
    // Given a missing file and one with a bad line
    final Path missing = dir.resolve("absent-users");
    final Path bad = Files.writeString(dir.resolve("users"), "alice:wonder\nhunter2\n");

    // When / Then the option and the file are named, never a line's content
    assertThatThrownBy(() -> config("http.auth", "basic", "http.auth.credentials.file", missing.toString())
        .httpSecurity())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.auth.credentials.file").hasMessageContaining("absent-users");
    assertThatThrownBy(() -> config("http.auth", "basic", "http.auth.credentials.file", bad.toString())
        .httpSecurity())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.auth.credentials.file").hasMessageContaining("line 2")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void shouldTakeTheBearerTokenFromTheOptionOrTheFirstLineOfItsFile(@TempDir final Path dir) throws Exception {
    // Given a token file with a trailing newline, and an empty one
    final Path file = Files.writeString(dir.resolve("token"), "t0ken-from-file\n");
    final Path empty = Files.writeString(dir.resolve("empty-token"), "\n");

    // When
    final HttpAuth fromOption = config("http.auth", "bearer", "http.auth.token", "t0ken").httpSecurity().auth();
    final HttpAuth fromFile = config("http.auth", "bearer", "http.auth.token.file", file.toString())
        .httpSecurity().auth();

    // Then
    assertThat(fromOption.accepts("Bearer t0ken")).isTrue();
    assertThat(fromFile.accepts("Bearer t0ken-from-file")).isTrue();
    assertThat(fromFile.peerAuthorization()).contains("Bearer t0ken-from-file");
    assertThatThrownBy(() -> config("http.auth", "bearer", "http.auth.token.file", empty.toString()).httpSecurity())
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.auth.token.file")
        .hasMessageContaining("empty-token");
  }

  @Test
  void shouldServeHttpsFromTheKeyStoreAndRefuseOneThatCannotBeReadWithoutShowingItsPassword(
      @TempDir final Path dir) throws Exception {
    // Given keytool-made material
    final TestTls tls = TestTls.create(dir);

    // When it is configured, and when its password is wrong
    final HttpSecurity security = config("http.ssl.keystore.location", tls.keystore().toString(),
        "http.ssl.keystore.password", tls.password(), "http.ssl.keystore.type", "PKCS12").httpSecurity();

    // Then https, and a message naming the option and the file but not the password
    assertThat(security.tlsEnabled()).isTrue();
    assertThat(security.peerTls()).isPresent();
    assertThat(security.toString()).contains("https").doesNotContain(tls.password());
    assertThatThrownBy(() -> config("http.ssl.keystore.location", tls.keystore().toString(),
        "http.ssl.keystore.password", "not-the-password", "http.ssl.keystore.type", "PKCS12").httpSecurity())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.ssl.keystore.location").hasMessageContaining(tls.keystore().toString())
        .hasMessageNotContaining("not-the-password");
    assertThatThrownBy(() -> config("http.ssl.keystore.location", tls.keystore().toString(),
        "http.ssl.keystore.password", tls.password(), "http.ssl.keystore.type", "PKCS12",
        "http.ssl.truststore.location", dir.resolve("no-trust.p12").toString()).httpSecurity())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.ssl.truststore.location").hasMessageContaining("no-trust.p12")
        .hasMessageNotContaining(tls.password());
  }
}
