package io.github.irls.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `irls-streams` command line: the only place in the code base that calls {@code System.exit}. */
@Command(
    name = "irls-streams",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Exact online logistic regression (Newton/IRLS) with standard errors on Kafka Streams.",
    subcommands = {
      // one line per subcommand; keep alphabetical
      BenchCommand.class,
      BenchFitCommand.class,
      BenchServeCommand.class,
      BrokerCommand.class,
      DemoCommand.class,
      FitCommand.class,
      ProduceCommand.class,
      ReplayCommand.class,
      RunCommand.class,
      ScoreCommand.class,
      SimulateCommand.class,
      StudyCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class IrlsCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }

  /** Builds the configured command line (exit codes: 0 ok, 1 failure, 2 usage error). */
  public static CommandLine commandLine() {
    final CommandLine cmd = new CommandLine(new IrlsCommand());
    // picocli also consults this mapper for usage errors, so those must keep their exit code 2.
    cmd.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? 2 : 1);
    // one clear line and a pointer to --help: the full usage buries a bad -D value under 20 lines
    cmd.setParameterExceptionHandler((e, args) -> {
      final CommandLine failed = e.getCommandLine();
      final PrintWriter err = failed.getErr();
      err.println(e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
      err.flush();
      return failed.getCommandSpec().exitCodeOnInvalidInput();
    });
    return cmd;
  }

  public static void main(final String[] args) {
    formatNumbersAsEnUsWhenPlainEnglish();
    System.exit(commandLine().execute(args));
  }

  /**
   * Makes the default format locale {@code en_US} when it is plain {@code en} (the JVM's choice
   * under {@code LANG=C} or {@code C.UTF-8}, common on servers and in containers). The two format
   * numbers and dates identically, but JDK 17's {@code Formatter} builds a new {@code
   * DecimalFormatSymbols} for every {@code String.format} in any locale but {@code en_US}, and Kafka
   * Streams formats a message for every record of a task one of whose input partitions is empty,
   * which the model-spec partition of a task almost always is: measured with bench on JDK 17, that
   * cost up to 45% of the stream thread's time.
   */
  static void formatNumbersAsEnUsWhenPlainEnglish() {
    if (Locale.ENGLISH.equals(Locale.getDefault(Locale.Category.FORMAT))) {
      Locale.setDefault(Locale.Category.FORMAT, Locale.US);
    }
  }
}
