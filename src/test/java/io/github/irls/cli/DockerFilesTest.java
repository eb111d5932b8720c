package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.config.ConfigSources;
import io.github.irls.config.IrlsConfig;
import io.github.irls.serde.EventFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Docker files cannot be run here (no Docker engine), so what can drift is checked: every
 * {@code command} of {@code docker/compose.yaml} is a valid invocation of this CLI, and the jar the
 * Dockerfile copies is the one the build makes.
 */
class DockerFilesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The {@code command: [...]} flow sequences of the compose file (double-quoted strings, so JSON). */
  private static List<List<String>> composeCommands() throws IOException {
    final String compose = Files.readString(Path.of("docker/compose.yaml"));
    final List<List<String>> commands = new ArrayList<>();
    for (int at = compose.indexOf("command: ["); at >= 0; at = compose.indexOf("command: [", at + 1)) {
      final int open = compose.indexOf('[', at);
      final int close = compose.indexOf(']', open);
      final String[] args = JSON.readValue(compose.substring(open, close + 1), String[].class);
      commands.add(List.of(args));
    }
    return commands;
  }

  @Test
  void shouldParseEveryComposeCommandWithThisCli() throws IOException {
    // Given the compose file's commands: the application and the demo producer
    final List<List<String>> commands = composeCommands();
    assertThat(commands).extracting(c -> c.get(0)).containsExactly("run", "simulate");

    for (final List<String> args : commands) {
      // When each is parsed by the command line the image runs
      final CommandLine.ParseResult parsed = IrlsCommand.commandLine().parseArgs(args.toArray(String[]::new));

      // Then it names a subcommand and every option it gives is known (an unknown one throws)
      assertThat(parsed.subcommand()).as(String.join(" ", args)).isNotNull();
      assertThat(parsed.subcommand().<String>matchedOptionValue("--bootstrap-servers", "")).isEqualTo("kafka:9092");
    }
  }

  @Test
  void shouldConfigureTheRegistryFramingThatTheComposeFileGivesBothCommands() throws IOException {
    // Given the IRLS_* variables of the compose file's registry framing (the application's and the
    // simulator's environment)
    final Map<String, String> environment = new HashMap<>();
    for (final String line : Files.readAllLines(Path.of("docker/compose.yaml"))) {
      final String trimmed = line.trim();
      if (trimmed.startsWith("IRLS_")) {
        environment.put(trimmed.substring(0, trimmed.indexOf(':')), trimmed.substring(trimmed.indexOf(':') + 1).trim());
      }
    }

    // When they are read as the commands read their environment
    final IrlsConfig config = ConfigSources.resolve(Optional.empty(), environment, Map.of(),
        Map.of(IrlsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092"));

    // Then both formats are the registry's, at the registry service's compatibility API
    assertThat(config.inputFormat()).isEqualTo(EventFormat.REGISTRY_AVRO);
    assertThat(config.outputFramedForRegistry()).isTrue();
    assertThat(config.registrySettings().orElseThrow().urls())
        .containsExactly(URI.create("http://registry:8080/apis/ccompat/v7"));
    assertThat(Files.readString(Path.of("docker/compose.yaml"))).contains("environment: *registry-framing");
  }

  @Test
  void shouldCopyTheJarTheBuildMakes() throws IOException {
    // Given the Dockerfile, its ignore file and the build's final name
    final String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
    final String ignore = Files.readString(Path.of("docker/Dockerfile.dockerignore"));
    final String pom = Files.readString(Path.of("pom.xml"));

    // When / Then the copied jar is target/<finalName>.jar, and the context lets exactly it through
    assertThat(pom).contains("<finalName>irls-streams</finalName>");
    assertThat(dockerfile).contains("COPY target/irls-streams.jar ");
    assertThat(ignore.lines().filter(l -> !l.startsWith("#")).toList()).containsExactly("*", "!target/irls-streams.jar");
  }
}
