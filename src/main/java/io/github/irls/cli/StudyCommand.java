package io.github.irls.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.glm.Normal;
import io.github.irls.study.StepModeStudy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code study}: the step modes against known coefficients and the batch MLE, on simulated keys. */
@Command(
    name = "study",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Simulates --keys keys with known coefficients (intercept ~ U(-2, 0.5), slopes ~ N(0, 0.7^2), "
          + "--p standard normal features, events per key uniform in [--min-events, --max-events]), "
          + "cuts each key's events into windows of --window-events (the last, partial window too) and "
          + "runs every step mode from the prior 1e-6 I with gamma 1: renewable (every window iterated "
          + "to convergence), newton (one Newton step per window) and hybrid for each --warmup k "
          + "(windows 1..k renewable, newton after). The batch MLE on all of a key's events is the "
          + "reference.",
      "",
      "Prints one JSON object on stdout: per mode the coverage of the true coefficients by "
          + "estimate +- 1.96 SE over all keys and coefficients (the MLE's own coverage is the "
          + "baseline), the distance |b_mode - b_mle| / se_mle (median, p95, max), the median ratio "
          + "se_mode / se_mle, and the seconds spent (summed over threads). Progress goes to stderr. "
          + "The numbers do not depend on --threads.",
      "",
      "Exit codes: 0 done, 1 failure, 2 usage error."
    })
public final class StudyCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--keys", defaultValue = "1000", description = "Simulated keys (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--p", defaultValue = "5", description = "Features per key (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(names = "--window-events", defaultValue = "500",
      description = "Events per window N (default: ${DEFAULT-VALUE}).")
  int windowEvents;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--warmup", split = ",", paramLabel = "K", defaultValue = "1,2",
      description = "Hybrid warm-ups to study, in windows (default: ${DEFAULT-VALUE}).")
  List<Integer> warmups;

  @Option(names = "--threads", description = "Threads sharing the keys (default: the number of processors).")
  Integer threads;

  @Option(names = "--min-events", defaultValue = "" + StepModeStudy.REFERENCE_MIN_EVENTS,
      description = "Fewest events of a key (default: ${DEFAULT-VALUE}).")
  int minEvents;

  @Option(names = "--max-events", defaultValue = "" + StepModeStudy.REFERENCE_MAX_EVENTS,
      description = "Most events of a key (default: ${DEFAULT-VALUE}).")
  int maxEvents;

  @Option(names = "--rho", defaultValue = "0",
      description = "AR(1) correlation of neighbouring features (default: ${DEFAULT-VALUE}).")
  double rho;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws InterruptedException, JsonProcessingException {
    final CommandLine cmd = spec.commandLine();
    final StepModeStudy.Settings settings;
    try {
      settings = new StepModeStudy.Settings(keys, features, windowEvents, seed, warmups,
          threads == null ? Runtime.getRuntime().availableProcessors() : threads, minEvents, maxEvents, rho);
    } catch (final IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, e.getMessage());
    }
    final PrintWriter err = cmd.getErr();
    err.printf("Studying %d step modes on %,d keys (p = %d, windows of %d events, %d threads)%n",
        settings.modes().size(), keys, features, windowEvents, settings.threads());
    err.flush();
    final StepModeStudy.Report report = StepModeStudy.run(settings, done -> {
      // a line per tenth of the keys: enough to see it move, few enough for a log
      if (done * 10L / keys != (done - 1) * 10L / keys) {
        synchronized (err) {
          err.printf("%,d of %,d keys%n", done, keys);
          err.flush();
        }
      }
    });
    final PrintWriter out = cmd.getOut();
    out.println(JSON.writeValueAsString(json(report)));
    out.flush();
    return 0;
  }

  static Map<String, Object> json(final StepModeStudy.Report report) {
    final StepModeStudy.Settings s = report.settings();
    final Map<String, Object> m = new LinkedHashMap<>();
    m.put("study", "step_modes");
    m.put("keys", s.keys());
    m.put("features", s.features());
    m.put("window_events", s.windowEvents());
    m.put("seed", s.seed());
    m.put("min_events", s.minEvents());
    m.put("max_events", s.maxEvents());
    m.put("rho", s.rho());
    m.put("threads", s.threads());
    m.put("events", report.events());
    m.put("windows", report.windows());
    m.put("z", Normal.Z_975);
    m.put("prior_precision", StepModeStudy.PRIOR_PRECISION);
    m.put("gamma", 1.0);
    final Map<String, Object> bar = new LinkedHashMap<>();
    bar.put("min_coverage", StepModeStudy.DEFAULT_MODE_MIN_COVERAGE);
    bar.put("max_p95_distance_to_mle", StepModeStudy.DEFAULT_MODE_MAX_P95_DISTANCE);
    m.put("default_mode_bar", bar);
    final Map<String, Object> mle = new LinkedHashMap<>();
    mle.put("coverage", report.mle().coverage());
    mle.put("fits_not_ok", report.mle().fitsNotOk());
    mle.put("seconds", report.mle().seconds());
    m.put("mle", mle);
    final List<Map<String, Object>> modes = new ArrayList<>();
    for (final StepModeStudy.ModeSummary summary : report.modes()) {
      final Map<String, Object> mode = new LinkedHashMap<>();
      mode.put("mode", summary.mode().name());
      if (summary.mode().isHybrid()) {
        mode.put("warmup_windows", summary.mode().warmupWindows());
      }
      mode.put("coverage", summary.coverage());
      final Map<String, Object> distance = new LinkedHashMap<>();
      distance.put("median", summary.distanceToMle().median());
      distance.put("p95", summary.distanceToMle().p95());
      distance.put("max", summary.distanceToMle().max());
      mode.put("distance_to_mle", distance);
      mode.put("se_ratio_median", summary.seRatioMedian());
      final Map<String, Object> notOk = new LinkedHashMap<>();
      summary.stepsNotOk().forEach((status, count) -> notOk.put(status.name(), count));
      mode.put("steps_not_ok", notOk);
      mode.put("keys_with_steps_not_ok", summary.keysWithStepsNotOk());
      mode.put("seconds", summary.seconds());
      mode.put("qualifies_as_default", summary.qualifiesAsDefault());
      modes.add(mode);
    }
    m.put("modes", modes);
    m.put("wall_seconds", report.wallSeconds());
    return m;
  }
}
