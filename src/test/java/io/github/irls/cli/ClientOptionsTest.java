package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.config.IrlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's configuration: file < IRLS_* environment < -D < the command's own flags. */
class ClientOptionsTest {

  @TempDir Path dir;

  @Test
  void shouldApplyTheDocumentedPrecedenceOnTheCommandLine() throws Exception {
    // Given a file, an environment and -D flags parsed by picocli, all setting window.events
    final Path file = dir.resolve("app.properties");
    Files.writeString(file, "bootstrap.servers=file:1\nwindow.events=10\nwindow.ms=10\ngamma=0.9\n");
    final ClientOptions options = new ClientOptions();
    final CommandLine cmd = new CommandLine(options);
    cmd.parseArgs("--config", file.toString(), "-D", "window.events=30");
    options.environment = Map.of("IRLS_WINDOW_EVENTS", "20", "IRLS_WINDOW_MS", "20", "HOME", "/root");

    // When the command adds its own flag for the bootstrap servers
    final IrlsConfig config = options.config(cmd, Map.of(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, "flag:1"));

    // Then each source wins over the ones before it
    assertThat(config.bootstrapServers()).containsExactly("flag:1");
    assertThat(config.windowEvents()).isEqualTo(30L);
    assertThat(config.windowMs()).isEqualTo(20L);
    assertThat(config.gamma()).isEqualTo(0.9);
  }

  @Test
  void shouldReportAnInvalidEnvironmentValueAsAUsageError() {
    // Given a bad value in the environment
    final ClientOptions options = new ClientOptions();
    final CommandLine cmd = new CommandLine(options);
    cmd.parseArgs();
    options.environment = Map.of("IRLS_BOOTSTRAP_SERVERS", "b:1", "IRLS_GAMMA", "2");

    // When / Then it is a parameter exception (exit code 2) naming the option
    assertThatThrownBy(() -> options.config(cmd, Map.of()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("gamma");
  }
}
