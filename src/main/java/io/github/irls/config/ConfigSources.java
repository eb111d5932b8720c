package io.github.irls.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where the configuration comes from, and in which order: the one place that merges the sources.
 *
 * <p>Each source overrides the ones before it:
 *
 * <ol>
 *   <li>the defaults of {@link IrlsConfig} (see the README's configuration table);
 *   <li>the properties file ({@code --config FILE});
 *   <li>environment variables {@code IRLS_*} ({@link #fromEnvironment});
 *   <li>{@code -D key=value} flags;
 *   <li>the commands' dedicated flags ({@code --bootstrap-servers}, {@code --http-port}, ...).
 * </ol>
 *
 * <p>Every source may carry any Kafka client property ({@code security.protocol}, {@code sasl.*},
 * {@code ssl.*}, {@code producer.*}, ...); {@link IrlsConfig} passes those through unchanged.
 */
public final class ConfigSources {

  /** Prefix of the environment variables read as configuration. */
  public static final String ENV_PREFIX = "IRLS_";

  /** Substrings (case-insensitive) of the names whose values {@link #redacted} hides. */
  public static final List<String> SECRET_NAME_PARTS = List.of("password", "secret", "jaas", "token", "key", "user.info");

  /** What {@link #redacted} shows instead of a secret value. */
  public static final String HIDDEN = "[hidden]";

  private ConfigSources() {}

  /**
   * Merges the sources in the documented order and validates the result.
   *
   * @param file the properties file, if any
   * @param environment the process environment (e.g. {@code System.getenv()}); only {@code IRLS_*}
   *     variables are read
   * @param definitions the {@code -D} flags
   * @param flags the dedicated flags that were given
   * @throws ConfigException if the result is invalid
   * @throws UncheckedIOException if the file cannot be read
   */
  public static IrlsConfig resolve(final Optional<Path> file, final Map<String, String> environment,
      final Map<String, ?> definitions, final Map<String, ?> flags) {
    return new IrlsConfig(merge(file, environment, definitions, flags));
  }

  /** The merged properties of {@link #resolve}, before validation. */
  public static Map<String, Object> merge(final Optional<Path> file, final Map<String, String> environment,
      final Map<String, ?> definitions, final Map<String, ?> flags) {
    final Map<String, Object> merged = new HashMap<>();
    if (file.isPresent()) {
      merged.putAll(readProperties(file.get()));
    }
    merged.putAll(fromEnvironment(environment));
    merged.putAll(definitions);
    merged.putAll(flags);
    return merged;
  }

  /**
   * The options named by {@code IRLS_*} variables: the prefix dropped, the rest lower-cased, each
   * {@code _} read as {@code .}, except that {@code __} stands for {@code _} and {@code ___} for
   * {@code -} (the convention of Kafka's container images). For example {@code
   * IRLS_WINDOW_EVENTS=500} sets {@code window.events}, {@code IRLS_SASL_JAAS_CONFIG} sets {@code
   * sasl.jaas.config}. Values are trimmed; other variables are ignored.
   */
  public static Map<String, String> fromEnvironment(final Map<String, String> environment) {
    final Map<String, String> options = new HashMap<>();
    environment.forEach((name, value) -> {
      if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length() && value != null) {
        options.put(optionName(name.substring(ENV_PREFIX.length())), value.trim());
      }
    });
    return options;
  }

  /** {@code WINDOW_EVENTS} → {@code window.events}; {@code __} → {@code _}; {@code ___} → {@code -}. */
  static String optionName(final String variable) {
    final String lower = variable.toLowerCase(Locale.ROOT);
    final StringBuilder name = new StringBuilder(lower.length());
    int i = 0;
    while (i < lower.length()) {
      if (lower.startsWith("___", i)) {
        name.append('-');
        i += 3;
      } else if (lower.startsWith("__", i)) {
        name.append('_');
        i += 2;
      } else if (lower.charAt(i) == '_') {
        name.append('.');
        i += 1;
      } else {
        name.append(lower.charAt(i));
        i += 1;
      }
    }
    return name.toString();
  }

  /** The properties of a {@code .properties} file, values trimmed. */
  static Map<String, String> readProperties(final Path file) {
    final Properties fromFile = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      fromFile.load(in);
    } catch (final IOException e) {
      throw new UncheckedIOException("Cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    final Map<String, String> props = new HashMap<>();
    fromFile.stringPropertyNames().forEach(name -> props.put(name, fromFile.getProperty(name).trim()));
    return props;
  }

  /**
   * {@code props} as text safe to log, sorted by name: the value of every name containing
   * password, secret, jaas, token, key or user.info (any case) is replaced by {@value #HIDDEN}.
   */
  public static Map<String, String> redacted(final Map<String, ?> props) {
    final Map<String, String> safe = new TreeMap<>();
    props.forEach((name, value) -> safe.put(name, isSecret(name) ? HIDDEN : String.valueOf(value)));
    return safe;
  }

  /** Whether the value of option {@code name} must never be logged. */
  public static boolean isSecret(final String name) {
    final String lower = name.toLowerCase(Locale.ROOT);
    return SECRET_NAME_PARTS.stream().anyMatch(lower::contains);
  }
}
