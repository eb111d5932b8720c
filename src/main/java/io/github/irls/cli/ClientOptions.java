package io.github.irls.cli;

import io.github.irls.config.ConfigSources;
import io.github.irls.config.IrlsConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code -D key=value}: configuration shared by the commands that talk to
 * Kafka. The sources override each other in the order of {@link ConfigSources}: defaults, the file,
 * {@code IRLS_*} environment variables, {@code -D}, the command's own flags.
 */
final class ClientOptions {

  /** The environment read for {@code IRLS_*} variables (replaced in tests). */
  Map<String, String> environment = System.getenv();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A .properties file of options (see the README's configuration table) and Kafka "
          + "client settings (security.protocol, sasl.*, ssl.*, ...).")
  Path configFile;

  @Option(
      names = "-D",
      paramLabel = "KEY=VALUE",
      mapFallbackValue = "",
      description = "An option or Kafka client setting, over the file's and the IRLS_* environment "
          + "variables'; repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  /**
   * The configuration from the file, then the {@code IRLS_*} environment variables, then {@code
   * -D}, then {@code overrides} (the command's own flags).
   *
   * @throws CommandLine.ParameterException if it is invalid or the file cannot be read (exit code 2)
   */
  IrlsConfig config(final CommandLine cmd, final Map<String, ?> overrides) {
    try {
      return ConfigSources.resolve(Optional.ofNullable(configFile), environment, properties, overrides);
    } catch (final ConfigException | java.io.UncheckedIOException e) {
      throw new CommandLine.ParameterException(cmd, "Invalid configuration: " + e.getMessage(), e);
    }
  }
}
