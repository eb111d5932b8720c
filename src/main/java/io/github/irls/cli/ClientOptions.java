package io.github.irls.cli;

import io.github.irls.config.IrlsConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code -D key=value}: configuration shared by the commands that talk to Kafka. */
final class ClientOptions {

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
      description = "An option or Kafka client setting, over the file's; repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  /**
   * The configuration from the file, then {@code -D}, then {@code overrides}.
   *
   * @throws CommandLine.ParameterException if it is invalid or the file cannot be read (exit code 2)
   */
  IrlsConfig config(final CommandLine cmd, final Map<String, ?> overrides) {
    final Map<String, Object> merged = new HashMap<>(properties);
    merged.putAll(overrides);
    try {
      return configFile == null ? new IrlsConfig(merged) : IrlsConfig.load(configFile, merged);
    } catch (final ConfigException | java.io.UncheckedIOException e) {
      throw new CommandLine.ParameterException(cmd, "Invalid configuration: " + e.getMessage(), e);
    }
  }
}
