package io.github.irls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class BrokerCommandIT {

  @Test
  void shouldPrintTheBootstrapAddressServeClientsAndStopCleanly(@TempDir final Path dir)
      throws Exception {
    // Given
    final BrokerCommand command = new BrokerCommand();
    final CommandLine cmd = new CommandLine(command);
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    final int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    final ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      // When
      final Future<Integer> exit =
          pool.submit(
              () -> cmd.execute("--port", Integer.toString(port), "--data-dir", dir.toString()));
      assertThat(command.awaitRunning(Duration.ofSeconds(60))).as("started; stderr: %s", err).isTrue();

      // Then
      assertThat(out.toString()).isEqualTo("bootstrap.servers=localhost:" + port + System.lineSeparator());
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", "localhost:" + port))) {
        assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
      }
      command.stop();
      assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
      assertThat(dir.resolve("meta.properties")).exists();
    } finally {
      command.stop();
      pool.shutdownNow();
    }
  }

  @Test
  void shouldFailWithExitCodeOneWhenThePortIsTaken() throws Exception {
    // Given
    try (ServerSocket taken = new ServerSocket(0)) {
      final CommandLine cmd = IrlsCommand.commandLine();
      final StringWriter err = new StringWriter();
      cmd.setErr(new PrintWriter(err, true));

      // When
      final int exit = cmd.execute("broker", "--port", Integer.toString(taken.getLocalPort()));

      // Then
      assertThat(exit).isEqualTo(1);
      assertThat(err.toString()).contains("Cannot start the broker").contains("is in use");
    }
  }
}
