package io.github.irls.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A runnable example of the client API: follows the coefficients topic and scores one feature
 * vector.
 *
 * <pre>
 * java -cp target/irls-streams.jar io.github.irls.client.ScoringExample \
 *     localhost:9092 irls.coefficients campaign-7 0.3 1.0 -2.0
 * </pre>
 */
public final class ScoringExample {

  private ScoringExample() {}

  public static void main(final String[] args) throws InterruptedException {
    if (args.length < 3) {
      System.err.println("usage: ScoringExample BOOTSTRAP_SERVERS TOPIC MODEL_KEY [X1 X2 ...]");
      return;
    }
    final Map<String, Object> kafka = Map.of("bootstrap.servers", args[0]);
    final String key = args[2];
    final double[] x = Arrays.stream(args, 3, args.length).mapToDouble(Double::parseDouble).toArray();

    try (CoefficientTable table = CoefficientTable.start(kafka, args[1])) {
      // every update committed so far is in the table after this; later ones keep arriving
      if (!table.awaitCaughtUp(Duration.ofSeconds(10))) {
        System.err.println("still reading the topic after 10 s; scoring with what has arrived");
      }
      final Optional<Prediction> p = table.score(key, x);
      if (p.isEmpty()) {
        System.err.println("no model with key " + key + " (known: " + table.keys() + ")");
        return;
      }
      final Prediction prediction = p.get();
      System.out.printf("model %s version %d: p = %.4f, 95%% interval [%.4f, %.4f]%s%n",
          prediction.model(), prediction.version(), prediction.probability(), prediction.ci95Low(),
          prediction.ci95High(), prediction.exact() ? "" : " (standard errors only: no covariance published)");
    }
  }
}
