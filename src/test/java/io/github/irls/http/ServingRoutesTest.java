package io.github.irls.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.irls.glm.Posterior;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.numbers.gamma.Erfc;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The serving routes over posteriors in memory: scores with the interval of the full precision,
 * posterior draws with the posterior's moments, Thompson choices as often as each arm is best, and
 * every kind of bad input refused with the status and a message naming what is wrong.
 */
class ServingRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double[] B = {-0.5, 1.0, -2.0, 0.25};
  private final HttpClient client = HttpClient.newHttpClient();
  private final Posterior posterior = ServedModels.correlated(B, 11);
  private final ServedModels models = new ServedModels().put("shop/7", 4, posterior);
  private HttpApi api;

  @BeforeEach
  void start() throws Exception {
    api = HttpApi.start("127.0.0.1", 0, models);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void shouldScoreEachVectorWithTheStandardErrorOfTheFullCovariance() throws Exception {
    // Given a model whose precision is far from diagonal, and three feature vectors
    final double[][] xs = {{0.0, 0.0, 0.0}, {1.5, -0.3, 2.0}, {-4.0, 7.5, 0.125}};

    // When they are scored in one request
    final HttpResponse<String> response = post("/models/shop%2F7/score", "{\"features\": " + Arrays.deepToString(xs) + "}");

    // Then each score has eta = b . x~, eta_se^2 = x~' P^-1 x~ (P inverted independently, by EJML),
    // the logistic probability and the logistic of eta -+ 1.96 se as its interval
    assertThat(response.statusCode()).isEqualTo(200);
    final JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("model").asText()).isEqualTo("shop/7");
    assertThat(body.get("version").asLong()).isEqualTo(4);
    assertThat(body.has("stale")).isFalse();
    final DMatrixRMaj covariance = inverse(posterior);
    for (int i = 0; i < xs.length; i++) {
      final double[] x1 = withIntercept(xs[i]);
      double eta = 0;
      for (int j = 0; j < x1.length; j++) {
        eta += B[j] * x1[j];
      }
      double variance = 0;
      for (int j = 0; j < x1.length; j++) {
        for (int k = 0; k < x1.length; k++) {
          variance += x1[j] * covariance.get(j, k) * x1[k];
        }
      }
      final JsonNode score = body.get("scores").get(i);
      final double se = score.get("eta_se").asDouble();
      assertThat(score.get("eta").asDouble()).isCloseTo(eta, within(1e-12 * (1 + Math.abs(eta))));
      assertThat(se * se).isCloseTo(variance, within(1e-12 * variance));
      assertThat(score.get("probability").asDouble()).isCloseTo(1 / (1 + Math.exp(-eta)), within(1e-15));
      assertThat(score.get("ci95_low").asDouble())
          .isCloseTo(1 / (1 + Math.exp(-(eta - 1.959963984540054 * se))), within(1e-15));
      assertThat(score.get("ci95_high").asDouble())
          .isCloseTo(1 / (1 + Math.exp(-(eta + 1.959963984540054 * se))), within(1e-15));
    }
  }

  @Test
  void shouldScoreASingleVectorGivenWithoutTheOuterArray() throws Exception {
    // Given one feature vector sent flat and the same sent as a batch of one
    final JsonNode flat = JSON.readTree(post("/models/shop%2F7/score", "{\"features\": [1, 2, 3]}").body());
    final JsonNode batch = JSON.readTree(post("/models/shop%2F7/score", "{\"features\": [[1, 2, 3]]}").body());

    // Then both give the same one score
    assertThat(flat.get("scores")).hasSize(1);
    assertThat(flat.get("scores")).isEqualTo(batch.get("scores"));
  }

  @Test
  void shouldDrawFromThePosteriorWithItsMeanAndCovariance() throws Exception {
    // Given 100,000 draws in ten requests of 10,000 with seeds 1..10
    final int requests = 10;
    final int n = 10_000;
    final int d = B.length;
    final double[] sum = new double[d];
    final double[][] cross = new double[d][d];
    for (int r = 1; r <= requests; r++) {
      final JsonNode body = JSON.readTree(get("/models/shop%2F7/sample?n=" + n + "&seed=" + r).body());
      assertThat(body.get("seed").asLong()).isEqualTo(r);
      assertThat(body.get("version").asLong()).isEqualTo(4);
      for (final JsonNode draw : body.get("draws")) {
        for (int j = 0; j < d; j++) {
          sum[j] += draw.get(j).asDouble();
          for (int k = 0; k < d; k++) {
            cross[j][k] += draw.get(j).asDouble() * draw.get(k).asDouble();
          }
        }
      }
    }

    // Then their means and covariances are within sampling error (4.5 standard errors) of b and P^-1
    final double total = (double) requests * n;
    final DMatrixRMaj sigma = inverse(posterior);
    final double[] mean = new double[d];
    for (int j = 0; j < d; j++) {
      mean[j] = sum[j] / total;
      assertThat(mean[j]).isCloseTo(B[j], within(4.5 * Math.sqrt(sigma.get(j, j) / total)));
    }
    for (int j = 0; j < d; j++) {
      for (int k = 0; k < d; k++) {
        final double sampleCovariance = cross[j][k] / total - mean[j] * mean[k];
        // Var of a sample covariance of Gaussians: (s_jj s_kk + s_jk^2) / N
        final double se = Math.sqrt((sigma.get(j, j) * sigma.get(k, k) + sigma.get(j, k) * sigma.get(j, k)) / total);
        assertThat(sampleCovariance).isCloseTo(sigma.get(j, k), within(4.5 * se));
      }
    }
  }

  @Test
  void shouldDrawTheSameCoefficientsFromTheSameSeedAndAnswerThePickedSeed() throws Exception {
    // Given draws without a seed
    final JsonNode unseeded = JSON.readTree(get("/models/shop%2F7/sample?n=3").body());

    // When the seed it answered is asked for again
    final long seed = unseeded.get("seed").asLong();
    final JsonNode again = JSON.readTree(get("/models/shop%2F7/sample?n=3&seed=" + seed).body());

    // Then the draws are the same
    assertThat(again.get("draws")).isEqualTo(unseeded.get("draws"));
    assertThat(again.get("draws")).hasSize(3);
    assertThat(again.get("draws").get(0)).hasSize(B.length);
  }

  @Test
  void shouldChooseEachArmAsOftenAsItIsTheBestArm() throws Exception {
    // Given three arms whose linear predictors at the context are close enough to compete
    final double[] context = {0.5, -0.25, 1.0};
    final Posterior[] arms = {
        ServedModels.correlated(new double[] {0.0, 0.4, 0.1, -0.2}, 21),
        ServedModels.correlated(new double[] {0.3, 0.0, 0.2, -0.6}, 22),
        ServedModels.correlated(new double[] {-0.2, 0.5, 0.0, 0.1}, 23)};
    for (int a = 0; a < arms.length; a++) {
      models.put("bandit/" + a, 1, arms[a]);
    }

    // When 6,000 choices are made with seeds 0..5999
    final int choices = 6_000;
    final int[] chosen = new int[arms.length];
    for (int s = 0; s < choices; s++) {
      final JsonNode body = JSON.readTree(post("/choose",
          "{\"context\": " + Arrays.toString(context) + ", \"arms\": [\"bandit/0\", \"bandit/1\", \"bandit/2\"],"
              + " \"seed\": " + s + "}").body());
      chosen[Integer.parseInt(body.get("arm").asText().substring("bandit/".length()))]++;
    }

    // Then each arm is chosen as often as the probability that its eta ~ N(b . x~, x~' P^-1 x~) is
    // the highest of the three, integrated numerically, within 4.5 binomial standard errors
    final double[] mu = new double[arms.length];
    final double[] sd = new double[arms.length];
    final double[] x1 = withIntercept(context);
    for (int a = 0; a < arms.length; a++) {
      final DMatrixRMaj sigma = inverse(arms[a]);
      for (int j = 0; j < x1.length; j++) {
        mu[a] += arms[a].coefficients()[j] * x1[j];
        for (int k = 0; k < x1.length; k++) {
          sd[a] += x1[j] * sigma.get(j, k) * x1[k];
        }
      }
      sd[a] = Math.sqrt(sd[a]);
    }
    double totalProbability = 0;
    for (int a = 0; a < arms.length; a++) {
      final double p = probabilityBest(a, mu, sd);
      totalProbability += p;
      assertThat(chosen[a] / (double) choices).isCloseTo(p, within(4.5 * Math.sqrt(p * (1 - p) / choices)));
      assertThat(p).isBetween(0.05, 0.95); // the arms really compete
    }
    assertThat(totalProbability).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void shouldChooseAmongTheModelsWithAPrefixAndSayWhatEachArmDrew() throws Exception {
    // Given two bandit arms and a model that is not one
    models.put("bandit/a", 2, ServedModels.correlated(new double[] {5.0, 0.0, 0.0, 0.0}, 31));
    models.put("bandit/b", 3, ServedModels.correlated(new double[] {-5.0, 0.0, 0.0, 0.0}, 32));

    // When an arm is chosen by prefix
    final HttpResponse<String> response = post("/choose", "{\"context\": [0, 0, 0], \"prefix\": \"bandit/\", \"seed\": 7}");

    // Then the arms are the two bandit models, each with its version, eta and probability
    assertThat(response.statusCode()).isEqualTo(200);
    final JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("seed").asLong()).isEqualTo(7);
    assertThat(body.get("arms")).extracting(a -> a.get("arm").asText()).containsExactly("bandit/a", "bandit/b");
    assertThat(body.get("arms")).extracting(a -> a.get("version").asLong()).containsExactly(2L, 3L);
    final JsonNode a = body.get("arms").get(0);
    assertThat(a.get("probability").asDouble()).isCloseTo(1 / (1 + Math.exp(-a.get("eta").asDouble())), within(1e-15));
    assertThat(body.get("arm").asText()).isEqualTo(
        a.get("eta").asDouble() >= body.get("arms").get(1).get("eta").asDouble() ? "bandit/a" : "bandit/b");
  }

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @CsvSource(delimiter = '|', textBlock = """
      POST | /models/nobody/score        | {"features": [[1, 2, 3]]}                  | 404 | no model with key 'nobody'
      POST | /models/shop%2F7/score      | {"features": [[1, 2, 3], [1, 2]]}          | 400 | features[1] has 2 values; model 'shop/7' has 3 features
      POST | /models/shop%2F7/score      | {"features": [1, 2]}                       | 400 | features has 2 values; model 'shop/7' has 3 features
      POST | /models/shop%2F7/score      | {"features": [[1, 1e400, 3]]}              | 400 | features[0][1] is not a finite number
      POST | /models/shop%2F7/score      | {"features": [[1, 2, 3], [1e308, -1e308, 1e308]]} | 400 | features[1] overflow the linear predictor of model 'shop/7'
      POST | /models/shop%2F7/score      | {"features": [[1, "2", 3]]}                | 400 | features[0][1] must be a number
      POST | /models/shop%2F7/score      | {"features": [[1, null, 3]]}               | 400 | features[0][1] must be a number
      POST | /models/shop%2F7/score      | {"features": []}                           | 400 | features must be a non-empty array
      POST | /models/shop%2F7/score      | {"vectors": [[1, 2, 3]]}                   | 400 | unknown field 'vectors'
      POST | /models/shop%2F7/score      | [1, 2, 3]                                  | 400 | the body must be a JSON object
      POST | /models/shop%2F7/score      | {"features": [[1, 2, 3]]                   | 400 | the body is not valid JSON
      POST | /models/shop%2F7/score      | {"features": [[NaN, 2, 3]]}                | 400 | the body is not valid JSON
      GET  | /models/shop%2F7/score      |                                            | 405 | method GET not allowed
      GET  | /models/nobody/sample       |                                            | 404 | no model with key 'nobody'
      GET  | /models/shop%2F7/sample?n=10001 |                                        | 400 | n must be between 1 and 10000, got 10001
      GET  | /models/shop%2F7/sample?n=0 |                                            | 400 | n must be between 1 and 10000, got 0
      GET  | /models/shop%2F7/sample?seed=x |                                         | 400 | seed must be an integer
      POST | /models/shop%2F7/sample     | {}                                         | 405 | method POST not allowed
      POST | /choose                     | {"context": [1, 2, 3], "arms": ["nobody"]} | 404 | no model with key 'nobody'
      POST | /choose                     | {"context": [1, 2], "arms": ["shop/7"]}    | 400 | context has 2 values; model 'shop/7' has 3 features
      POST | /choose                     | {"context": [1, 2, 3]}                     | 400 | give either arms
      POST | /choose                     | {"context": [1, 2, 3], "arms": ["shop/7"], "prefix": "s"} | 400 | not both
      POST | /choose                     | {"arms": ["shop/7"]}                       | 400 | context is required
      POST | /choose                     | {"context": [1, 2, 3], "arms": ["shop/7", "shop/7"]} | 400 | arms[1] 'shop/7' is given twice
      POST | /choose                     | {"context": [1, 2, 3], "arms": [7]}        | 400 | arms[0] must be a non-empty string
      POST | /choose                     | {"context": [1, 2, 3], "prefix": "zzz/"}   | 404 | no model key starts with 'zzz/'
      POST | /choose                     | {"context": [1, 2, 3], "arms": ["shop/7"], "seed": 1.5} | 400 | seed must be an integer
      GET  | /choose                     |                                            | 405 | method GET not allowed
      """)
  void shouldRefuseBadInputWithItsStatusAndAMessageNamingTheField(final String method, final String path,
      final String body, final int status, final String message) throws Exception {
    // When the request is sent
    final HttpResponse<String> response = send(method, path, body == null ? "" : body);

    // Then it is refused with the status and a JSON error that says what is wrong
    assertThat(response.statusCode()).isEqualTo(status);
    final JsonNode error = JSON.readTree(response.body());
    assertThat(error.get("status").asInt()).isEqualTo(status);
    assertThat(error.get("error").asText()).contains(message);
  }

  @Test
  void shouldRefuseABodyAboveTheLimitWith413AndTooManyArmsOrVectorsWith400() throws Exception {
    // Given a body of just over 1 MiB, 10,001 vectors, and 1,001 arms
    final String big = "{\"features\": [[" + "1,".repeat(ServingRequests.MAX_BODY_BYTES / 2) + "1]]}";
    final String vectors = "{\"features\": [" + "[1,2,3],".repeat(ServingRequests.MAX_VECTORS) + "[1,2,3]]}";
    final StringBuilder arms = new StringBuilder("{\"context\": [1, 2, 3], \"arms\": [");
    for (int i = 0; i <= ServingRequests.MAX_ARMS; i++) {
      arms.append(i == 0 ? "" : ",").append("\"a").append(i).append('"');
    }

    // When they are sent
    final HttpResponse<String> tooBig = post("/models/shop%2F7/score", big);
    final HttpResponse<String> tooMany = post("/models/shop%2F7/score", vectors);
    final HttpResponse<String> tooManyArms = post("/choose", arms.append("]}").toString());

    // Then the body is 413, the counts 400, each saying the limit
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(tooBig.body()).contains("larger than 1048576 bytes");
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(tooMany.body()).contains("features has 10001 vectors; at most 10000");
    assertThat(tooManyArms.statusCode()).isEqualTo(400);
    assertThat(tooManyArms.body()).contains("arms has 1001 keys; at most 1000");
  }

  @Test
  void shouldAnswerEveryOversizedBodyWith413RatherThanABrokenConnection() throws Exception {
    // Given bodies of 4 MiB, refused by their Content-Length before a byte of them is read
    final String huge = "{\"features\": [[" + "1,".repeat(2 * ServingRequests.MAX_BODY_BYTES) + "1]]}";

    // When twenty are sent one after another on the client's kept-alive connections
    final List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      statuses.add(post("/models/shop%2F7/score", huge).statusCode());
    }

    // Then each gets its 413: the server read each body to its end before answering, so no
    // connection was reset under an answer the client had not read yet
    assertThat(statuses).containsOnly(413).hasSize(20);
  }

  @Test
  void shouldRefuseMoreDrawsThanAMillionNumbersOfAWideModel() throws Exception {
    // Given a model of 200 features (201 coefficients)
    models.put("wide", 1, Posterior.initial(200, 1.0, 1.0));

    // When 10,000 draws (2,010,000 numbers) and 4,975 draws (999,975 numbers) are asked for
    final HttpResponse<String> tooMany = get("/models/wide/sample?n=10000&seed=1");
    final HttpResponse<String> most = get("/models/wide/sample?n=4975&seed=1");

    // Then the first is refused saying how many this model allows, the second answered
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(tooMany.body()).get("error").asText())
        .contains("n=10000 draws of 201 coefficients are more than 1000000 numbers; at most 4975 draws of this model");
    assertThat(most.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(most.body()).get("draws")).hasSize(4975);
  }

  /** P(arm a's eta is the highest) for independent normal etas: the integral of f_a * prod F_others. */
  static double probabilityBest(final int a, final double[] mu, final double[] sd) {
    final double from = mu[a] - 12 * sd[a];
    final double to = mu[a] + 12 * sd[a];
    final int steps = 20_000; // Simpson's rule, even
    final double h = (to - from) / steps;
    double sum = 0;
    for (int i = 0; i <= steps; i++) {
      final double t = from + i * h;
      final double z = (t - mu[a]) / sd[a];
      double f = Math.exp(-0.5 * z * z) / (sd[a] * Math.sqrt(2 * Math.PI));
      for (int o = 0; o < mu.length; o++) {
        if (o != a) {
          f *= 0.5 * Erfc.value(-(t - mu[o]) / (sd[o] * Math.sqrt(2)));
        }
      }
      sum += f * (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2);
    }
    return sum * h / 3;
  }

  static DMatrixRMaj inverse(final Posterior posterior) {
    final int d = posterior.dimension();
    final DMatrixRMaj p = new DMatrixRMaj(d, d);
    int at = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        p.set(i, j, posterior.packedPrecision()[at]);
        p.set(j, i, posterior.packedPrecision()[at++]);
      }
    }
    final DMatrixRMaj inverse = new DMatrixRMaj(d, d);
    assertThat(CommonOps_DDRM.invert(p, inverse)).isTrue();
    return inverse;
  }

  private static double[] withIntercept(final double[] x) {
    final double[] x1 = new double[x.length + 1];
    x1[0] = 1;
    System.arraycopy(x, 0, x1, 1, x.length);
    return x1;
  }

  private HttpResponse<String> get(final String path) throws Exception {
    return send("GET", path, "");
  }

  private HttpResponse<String> post(final String path, final String body) throws Exception {
    return send("POST", path, body);
  }

  private HttpResponse<String> send(final String method, final String path, final String body) throws Exception {
    final HttpRequest.BodyPublisher publisher =
        body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    return client.send(HttpRequest.newBuilder(URI.create(api.address() + path)).method(method, publisher).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
