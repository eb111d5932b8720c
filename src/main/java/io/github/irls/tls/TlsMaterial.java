package io.github.irls.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Key and trust material for TLS, named as Kafka's clients name theirs ({@code
 * <prefix>.truststore.location} and so on), and the {@link SSLContext} made of it: the one place
 * that reads key stores, for the schema registry's client and the HTTP server alike. Empty
 * locations mean the JDK's default trust and no key. {@link #toString()} never shows a password, and
 * neither does any message about a store that cannot be read.
 */
public record TlsMaterial(
    Optional<String> truststoreLocation,
    Optional<String> truststorePassword,
    String truststoreType,
    Optional<String> keystoreLocation,
    Optional<String> keystorePassword,
    String keystoreType,
    Optional<String> keyPassword) {

  /** The JDK's default trust, no key. */
  public static final TlsMaterial NONE = new TlsMaterial(Optional.empty(), Optional.empty(), "JKS", Optional.empty(),
      Optional.empty(), "JKS", Optional.empty());

  /** Whether any material is given (otherwise the JDK's defaults serve). */
  public boolean configured() {
    return truststoreLocation.isPresent() || keystoreLocation.isPresent();
  }

  /**
   * A context with the key store's key (if any) and the trust store's certificates (else the JDK's).
   *
   * @param optionPrefix the options' common prefix, e.g. {@code schema.registry.ssl}, for messages
   * @throws IllegalArgumentException if a store cannot be read: the message names the option and
   *     the file, never the password
   */
  public SSLContext sslContext(final String optionPrefix) {
    return context(optionPrefix, false);
  }

  /**
   * As {@link #sslContext}, but without a trust store the key store's own certificates are trusted
   * besides the JDK's: instances sharing one certificate (or one private CA whose certificate is in
   * the chain) trust each other with no trust store to configure.
   */
  public SSLContext sslContextTrustingOwnCertificates(final String optionPrefix) {
    return context(optionPrefix, true);
  }

  private SSLContext context(final String optionPrefix, final boolean trustOwnCertificates) {
    try {
      final KeyStore keyStore = keystoreLocation.isPresent()
          ? load(keystoreLocation.get(), keystoreType, keystorePassword, optionPrefix + ".keystore")
          : null;
      TrustManager[] trust = null;
      if (truststoreLocation.isPresent()) {
        trust = trustManagers(load(truststoreLocation.get(), truststoreType, truststorePassword,
            optionPrefix + ".truststore"));
      } else if (trustOwnCertificates && keyStore != null) {
        trust = trustManagers(defaultTrustPlus(keyStore));
      }
      KeyManagerFactory keys = null;
      if (keyStore != null) {
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, keyPassword.or(this::keystorePassword).map(String::toCharArray).orElse(new char[0]));
      }
      final SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust, null);
      return context;
    } catch (final GeneralSecurityException e) {
      throw new IllegalArgumentException("Cannot set up TLS from " + optionPrefix + ".*: " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagers(final KeyStore store) throws GeneralSecurityException {
    final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    return trust.getTrustManagers();
  }

  /** The JDK's trusted certificates and every certificate of {@code keys}' chains, in one store. */
  private static KeyStore defaultTrustPlus(final KeyStore keys) throws GeneralSecurityException {
    final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (final IOException e) {
      throw new GeneralSecurityException("cannot make an empty key store", e);
    }
    final TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((KeyStore) null);
    int n = 0;
    for (final TrustManager manager : jdk.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        for (final X509Certificate issuer : x509.getAcceptedIssuers()) {
          store.setCertificateEntry("jdk-" + n++, issuer);
        }
      }
    }
    for (final String alias : Collections.list(keys.aliases())) {
      final Certificate[] chain = keys.getCertificateChain(alias);
      final Certificate[] certificates = chain != null ? chain
          : keys.getCertificate(alias) == null ? new Certificate[0] : new Certificate[] {keys.getCertificate(alias)};
      for (final Certificate certificate : certificates) {
        store.setCertificateEntry("own-" + n++, certificate);
      }
    }
    return store;
  }

  private static KeyStore load(final String location, final String type, final Optional<String> password,
      final String option) throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      final KeyStore store = KeyStore.getInstance(type);
      store.load(in, password.map(String::toCharArray).orElse(null));
      return store;
    } catch (final IOException e) {
      // a wrong password shows as an IOException too; its message never contains the password
      throw new IllegalArgumentException("Cannot read " + option + ".location " + location + " (type " + type + "): "
          + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Tls[truststore=" + truststoreLocation.orElse("(JDK default)") + " (" + truststoreType + "), keystore="
        + keystoreLocation.orElse("none") + " (" + keystoreType + ")]";
  }
}
