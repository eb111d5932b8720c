package io.github.irls.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material for tests, made with the JDK's own {@code keytool}: a self-signed certificate for
 * {@code localhost} and {@code 127.0.0.1} in a PKCS12 key store, and a trust store holding only
 * that certificate.
 *
 * @param keystore the key store (private key and certificate)
 * @param truststore the trust store (the certificate)
 * @param password the password of both
 */
public record TestTls(Path keystore, Path truststore, String password) {

  /** Makes the material in {@code dir}. */
  public static TestTls create(final Path dir) throws IOException, InterruptedException {
    final String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    final String password = "test-" + Long.toHexString(System.nanoTime());
    final Path keystore = dir.resolve("server.p12");
    final Path certificate = dir.resolve("server.crt");
    final Path truststore = dir.resolve("trust.p12");
    run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", password, "-keypass", password));
    run(List.of(keytool, "-exportcert", "-alias", "server", "-keystore", keystore.toString(), "-storepass", password,
        "-rfc", "-file", certificate.toString()));
    run(List.of(keytool, "-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(),
        "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", password));
    return new TestTls(keystore, truststore, password);
  }

  private static void run(final List<String> command) throws IOException, InterruptedException {
    final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    final String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
  }

  /** A server's context: the key store's key and certificate. */
  public SSLContext serverContext() throws IOException, GeneralSecurityException {
    final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(load(keystore), password.toCharArray());
    final SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  /** A client's context trusting only the certificate. */
  public SSLContext clientContext() throws IOException, GeneralSecurityException {
    final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(load(truststore));
    final SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private KeyStore load(final Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      final KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      return store;
    }
  }
}
