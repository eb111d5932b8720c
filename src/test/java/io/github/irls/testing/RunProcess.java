package io.github.irls.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code irls-streams} command line in a child JVM on the test classpath, with its stdout and
 * stderr appended to one log file: what a user's process is, so that it can be sent SIGTERM or
 * SIGKILL and its real exit code seen.
 */
public final class RunProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private RunProcess(final String name, final Process process, final Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java -cp <this JVM's classpath> io.github.irls.cli.IrlsCommand <args>}.
   *
   * @param name names the process in messages
   * @param log the file its output is appended to (created if missing)
   */
  public static RunProcess start(final String name, final Path log, final List<String> args) {
    final List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // small heaps: two of these, the broker and the test JVM share the machine
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.github.irls.cli.IrlsCommand");
    command.addAll(args);
    try {
      Files.writeString(log, "$ " + String.join(" ", args) + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      final Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      return new RunProcess(name, process, log);
    } catch (final IOException e) {
      throw new UncheckedIOException("Cannot start " + name, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGSTOP: the process stands still, as in a long GC pause or a frozen VM, until {@link #resume}. */
  public void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(final String signal) throws IOException, InterruptedException {
    final int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited with " + exit);
    }
  }

  /** Everything the process has written so far (every start appended to the same file). */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL ({@link Process#destroyForcibly()} on Linux); returns the exit code, 137 for SIGKILL. */
  public int kill(final Duration timeout) throws InterruptedException {
    process.destroyForcibly();
    return awaitExit(timeout);
  }

  /** SIGTERM ({@link Process#destroy()} on Linux); returns the exit code. */
  public int terminate(final Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  /**
   * Waits for the process to end.
   *
   * @throws IllegalStateException if it is still running after {@code timeout} (it is then killed)
   */
  public int awaitExit(final Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not exit within " + timeout.toSeconds() + " s; its log:\n" + tail());
    }
    return process.exitValue();
  }

  /** The last 60 lines of the log, for failure messages. */
  public String tail() {
    final List<String> lines = log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  /** Kills the process if it is still running (a test that failed half-way). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
