package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
