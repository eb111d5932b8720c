package io.github.irls.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.config.IrlsConfig;
import io.github.irls.testing.AppFixture;
import io.github.irls.testing.KafkaIntegrationTest;
import io.github.irls.testing.RunningApp;
import io.github.irls.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running application configured with http.ssl.* and a bearer token file serves https, locked. */
class SecuredHttpIT extends KafkaIntegrationTest {

  @Test
  void shouldServeHttpsOnlyToTheTokenButLeaveTheProbesOpen(@TempDir final Path state, @TempDir final Path secrets)
      throws Exception {
    // Given keytool-made TLS material, a token file, and an application configured with both
    final TestTls tls = TestTls.create(secrets);
    final Path token = Files.writeString(secrets.resolve("token"), "it-t0ken\n");
    final AppFixture fixture = application("secured-http", state)
        .with(IrlsConfig.HTTP_SSL_KEYSTORE_LOCATION_CONFIG, tls.keystore().toString())
        .with(IrlsConfig.HTTP_SSL_KEYSTORE_PASSWORD_CONFIG, tls.password())
        .with(IrlsConfig.HTTP_SSL_KEYSTORE_TYPE_CONFIG, "PKCS12")
        .with(IrlsConfig.HTTP_AUTH_CONFIG, "bearer")
        .with(IrlsConfig.HTTP_AUTH_TOKEN_FILE_CONFIG, token.toString())
        .create();
    final HttpClient client = HttpClient.newBuilder().sslContext(tls.clientContext())
        .connectTimeout(Duration.ofSeconds(10)).build();

    try (RunningApp app = fixture.start()) {
      // When a client trusting the certificate asks with and without the token
      final String address = app.application().httpAddress().orElseThrow();
      final HttpResponse<String> without = get(client, address + "/models", null);
      final HttpResponse<String> with = get(client, address + "/models", "Bearer it-t0ken");
      final HttpResponse<String> health = get(client, address + "/health", null);

      // Then the address is https, the models need the token, the liveness probe does not
      assertThat(address).startsWith("https://");
      assertThat(without.statusCode()).isEqualTo(401);
      assertThat(with.statusCode()).as(with.body()).isEqualTo(200);
      assertThat(RunningApp.json(with).has("models")).isTrue();
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(final HttpClient client, final String url, final String authorization)
      throws Exception {
    final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
