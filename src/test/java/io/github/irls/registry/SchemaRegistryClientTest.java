package io.github.irls.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.avro.CoefficientUpdate;
import io.github.irls.avro.LabeledEvent;
import io.github.irls.testing.StubSchemaRegistry;
import io.github.irls.testing.TestTls;
import io.github.irls.tls.TlsMaterial;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the registry client classifies every answer: a schema, an unknown id, or an unavailable registry. */
class SchemaRegistryClientTest {

  private StubSchemaRegistry stub;

  @BeforeEach
  void startStub() throws Exception {
    stub = StubSchemaRegistry.start();
  }

  @AfterEach
  void stopStub() {
    stub.close();
  }

  private static URI closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  private SchemaRegistryClient client(final URI... urls) {
    return SchemaRegistryClient.create(RegistrySettings.of(List.of(urls))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)));
  }

  @Test
  void shouldFetchARegisteredSchemaById() throws Exception {
    // Given a schema registered at the stub
    final int id = stub.register("events-value", LabeledEvent.getClassSchema());

    // When the client asks for its id
    try (SchemaRegistryClient client = client(stub.url())) {
      final SchemaRegistryClient.Lookup lookup = client.schema(id).get();

      // Then it gets the schema, as Avro
      assertThat(lookup).isInstanceOf(SchemaRegistryClient.Found.class);
      assertThat(((SchemaRegistryClient.Found) lookup).schema()).isEqualTo(LabeledEvent.getClassSchema().toString());
      assertThat(((SchemaRegistryClient.Found) lookup).schemaType()).isEqualTo("AVRO");
      assertThat(client.lookupCounts()).containsExactly(1, 0, 0);
    }
  }

  @Test
  void shouldTellAnUnknownIdFromAnUnavailableRegistry() throws Exception {
    // Given a registry that holds nothing, one that answers 503, and a port where nothing listens
    try (SchemaRegistryClient client = client(stub.url());
        StubSchemaRegistry down = StubSchemaRegistry.start();
        SchemaRegistryClient toDown = client(down.url());
        SchemaRegistryClient toNothing = client(closedPort())) {
      down.mode(StubSchemaRegistry.Mode.UNAVAILABLE);

      // When each is asked for id 7
      // Then the first says not found (its own 40403), the others are unavailable, naming why
      assertThat(client.schema(7).get()).isInstanceOf(SchemaRegistryClient.NotFound.class);
      assertThat(toDown.schema(7).get()).isInstanceOfSatisfying(SchemaRegistryClient.Unavailable.class,
          u -> assertThat(u.reason()).contains("HTTP 503"));
      assertThat(toNothing.schema(7).get()).isInstanceOfSatisfying(SchemaRegistryClient.Unavailable.class,
          u -> assertThat(u.reason()).contains("ConnectException"));
    }
  }

  @Test
  void shouldTakeA404WithoutTheRegistrysErrorCodeForAWrongUrlNotAMissingSchema() throws Exception {
    // Given a URL that is not the registry's API (a path the stub does not serve)
    stub.register("events-value", LabeledEvent.getClassSchema());
    try (SchemaRegistryClient client = client(URI.create(stub.url() + "/not/the/api"))) {
      // When an id is asked for there
      final SchemaRegistryClient.Lookup lookup = client.schema(1).get();

      // Then the records wait rather than being dead-lettered as unknown ids
      assertThat(lookup).isInstanceOfSatisfying(SchemaRegistryClient.Unavailable.class,
          u -> assertThat(u.reason()).contains("404").contains("is the URL the registry's API"));
    }
  }

  @Test
  void shouldAskTheNextUrlWhenOneIsUnavailable() throws Exception {
    // Given a dead first URL, a 503 second one and the stub third
    final int id = stub.register("events-value", LabeledEvent.getClassSchema());
    try (StubSchemaRegistry down = StubSchemaRegistry.start();
        SchemaRegistryClient client = client(closedPort(), down.url(), stub.url())) {
      down.mode(StubSchemaRegistry.Mode.UNAVAILABLE);

      // When the id is asked for
      // Then the third answers
      assertThat(client.schema(id).get()).isInstanceOf(SchemaRegistryClient.Found.class);
      assertThat(down.requests()).containsExactly("GET /schemas/ids/" + id);
    }
  }

  @Test
  void shouldGiveUpOnAStalledRegistryAfterTheRequestTimeout() throws Exception {
    // Given a registry that answers after 3 s and a request timeout of 0.5 s
    stub.register("events-value", LabeledEvent.getClassSchema());
    stub.mode(StubSchemaRegistry.Mode.STALLING);
    try (SchemaRegistryClient client = client(stub.url())) {
      // When an id is asked for
      final SchemaRegistryClient.Lookup lookup = client.schema(1).get();

      // Then it is unavailable, by a timeout
      assertThat(lookup).isInstanceOfSatisfying(SchemaRegistryClient.Unavailable.class,
          u -> assertThat(u.reason()).containsIgnoringCase("timed out"));
    }
  }

  @Test
  void shouldAuthenticateWithBasicAuthAndNeverPutTheCredentialsInAMessage() throws Exception {
    // Given a registry that demands basic authentication
    final int id = stub.register("events-value", LabeledEvent.getClassSchema());
    stub.requireBasicAuth("irls:s3cret-pass");
    final RegistrySettings base = RegistrySettings.of(List.of(stub.url()));
    try (SchemaRegistryClient right = SchemaRegistryClient.create(base.withBasicAuth("irls:s3cret-pass"));
        SchemaRegistryClient wrong = SchemaRegistryClient.create(base.withBasicAuth("irls:wrong-pass"))) {
      // When both clients ask
      // Then the right credentials get the schema; the wrong ones wait (401 is not a bad record) and no
      // message or settings text shows a password
      assertThat(right.schema(id).get()).isInstanceOf(SchemaRegistryClient.Found.class);
      final SchemaRegistryClient.Lookup refused = wrong.schema(id).get();
      assertThat(refused).isInstanceOfSatisfying(SchemaRegistryClient.Unavailable.class,
          u -> assertThat(u.reason()).contains("HTTP 401").doesNotContain("wrong-pass"));
      assertThat(right.settings().toString()).doesNotContain("s3cret").contains("[hidden]");
    }
  }

  @Test
  void shouldFindARegisteredSchemaAndRegisterANewOne() throws Exception {
    // Given CoefficientUpdate registered under one subject and nothing under another
    final int existing = stub.register("irls.coefficients-value", CoefficientUpdate.getClassSchema());
    try (SchemaRegistryClient client = client(stub.url())) {
      // When the client asks for the ids of both
      final int found = client.idOf("irls.coefficients-value", CoefficientUpdate.getClassSchema());
      final int registered = client.idOf("other-value", LabeledEvent.getClassSchema());

      // Then the first is found without registering, the second registered
      assertThat(found).isEqualTo(existing);
      assertThat(registered).isNotEqualTo(existing);
      assertThat(stub.requests()).containsExactly("POST /subjects/irls.coefficients-value",
          "POST /subjects/other-value", "POST /subjects/other-value/versions");
    }
  }

  @Test
  void shouldFailToRegisterWhenNoUrlAnswers() throws Exception {
    // Given only a dead URL
    try (SchemaRegistryClient client = client(closedPort())) {
      // Then finding or registering fails, naming why
      assertThatThrownBy(() -> client.idOf("x-value", LabeledEvent.getClassSchema()))
          .isInstanceOf(SchemaRegistryClient.RegistryException.class)
          .hasMessageContaining("no schema registry URL answered");
    }
  }

  @Test
  void shouldSpeakTlsWithTheConfiguredTrustStoreAndRefuseAnUntrustedCertificate(@TempDir final Path dir)
      throws Exception {
    // Given a registry behind TLS with a self-signed certificate
    final TestTls tls = TestTls.create(dir);
    try (StubSchemaRegistry secure = StubSchemaRegistry.startTls(tls.serverContext())) {
      final int id = secure.register("events-value", LabeledEvent.getClassSchema());
      final TlsMaterial trust = new TlsMaterial(Optional.of(tls.truststore().toString()),
          Optional.of(tls.password()), "PKCS12", Optional.empty(), Optional.empty(), "JKS", Optional.empty());

      // When one client trusts its certificate and another has only the JDK's trust
      try (SchemaRegistryClient trusting = SchemaRegistryClient.create(RegistrySettings.of(List.of(secure.url()))
              .withTls(trust));
          SchemaRegistryClient untrusting = client(secure.url())) {
        // Then the first gets the schema over https, the second cannot ask (waits, not a bad record)
        assertThat(secure.url().getScheme()).isEqualTo("https");
        assertThat(trusting.schema(id).get()).isInstanceOf(SchemaRegistryClient.Found.class);
        assertThat(untrusting.schema(id).get()).isInstanceOfSatisfying(SchemaRegistryClient.Unavailable.class,
            u -> assertThat(u.reason()).containsIgnoringCase("SSL"));
      }
    }
  }

  @Test
  void shouldRefuseTlsMaterialThatCannotBeReadWithoutShowingItsPassword(@TempDir final Path dir) throws Exception {
    // Given a trust store with the wrong password, and one that does not exist
    final TestTls tls = TestTls.create(dir);
    final RegistrySettings base = RegistrySettings.of(List.of(URI.create("https://127.0.0.1:1")));
    final TlsMaterial wrong = new TlsMaterial(Optional.of(tls.truststore().toString()),
        Optional.of("not-the-password"), "PKCS12", Optional.empty(), Optional.empty(), "JKS", Optional.empty());
    final TlsMaterial missing = new TlsMaterial(Optional.of(dir.resolve("none.p12").toString()),
        Optional.of("x"), "PKCS12", Optional.empty(), Optional.empty(), "JKS", Optional.empty());

    // Then the client cannot be made, and the message names the option and the file, not the password
    assertThatThrownBy(() -> SchemaRegistryClient.create(base.withTls(wrong)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema.registry.ssl.truststore.location").hasMessageContaining("trust.p12")
        .hasMessageNotContaining("not-the-password");
    assertThatThrownBy(() -> SchemaRegistryClient.create(base.withTls(missing)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none.p12");
  }
}
