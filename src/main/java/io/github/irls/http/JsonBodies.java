package io.github.irls.http;

import io.github.irls.query.Quality;
import java.util.OptionalDouble;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.irls.glm.CoefficientNames;
import io.github.irls.glm.FactoredPosterior;
import io.github.irls.glm.Normal;
import io.github.irls.query.HistoryEntry;
import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import io.github.irls.query.ServedModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Every JSON body the HTTP API writes, each shape in one place: the error, health, one model, a
 * model's summary and a page of them, dead-letter counts and a model's history. A number that is
 * not finite is written as null (JSON has no NaN or infinity).
 */
final class JsonBodies {

  /**
   * Numbers written with Schubfach (Jackson's fast writer) rather than {@code Double.toString}: the
   * shortest digits that read back to the same double, in a fraction of the time; {@code
   * Double.toString} was a quarter of the score route's server time ({@code bench-serve --jfr}).
   */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  private JsonBodies() {}

  /** {@code {"error": message, "status": status}}, the answer of every failed request. */
  static byte[] error(final int status, final String message) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("error", message);
      g.writeNumberField("status", status);
      g.writeEndObject();
    });
  }

  /**
   * {@code {"state": ..., "live": ..., "ready": ...}} for {@code /health} and {@code /ready}, with
   * {@code "reason"} when the application runs but is not ready.
   */
  static byte[] health(final ModelQueries.Health health) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("state", health.state());
      g.writeBooleanField("live", health.live());
      g.writeBooleanField("ready", health.ready());
      if (health.reason().isPresent()) {
        g.writeStringField("reason", health.reason().get());
      }
      g.writeEndObject();
    });
  }

  /**
   * One model with z, p-values and 95% intervals derived from the published coefficients and SEs;
   * a {@code stale} answer (from a standby copy) says {@code "stale": true}.
   */
  static byte[] model(final ModelView m, final boolean stale) {
    return write(g -> {
      final int d = m.coefficients().length;
      final List<String> names =
          m.featureNames().size() == d ? m.featureNames() : CoefficientNames.defaults(d - 1);
      g.writeStartObject();
      g.writeStringField("model", m.key());
      g.writeNumberField("version", m.version());
      g.writeNumberField("events_total", m.eventsTotal());
      g.writeNumberField("weight_total", m.weightTotal());
      g.writeNumberField("open_window_events", m.openWindowEvents());
      g.writeStringField("status", m.status());
      g.writeStringField("status_reason", m.statusReason());
      g.writeNumberField("updated_at_ms", m.updatedAtMs());
      g.writeNumberField("window_end", m.windowEnd());
      if (stale) {
        g.writeBooleanField("stale", true);
      }
      g.writeArrayFieldStart("coefficients");
      for (int j = 0; j < d; j++) {
        final double b = m.coefficients()[j];
        final double se = m.stdErrors()[j];
        final double z = b / se;
        g.writeStartObject();
        g.writeStringField("name", names.get(j));
        numberField(g, "estimate", b);
        numberField(g, "std_error", se);
        numberField(g, "z_value", z);
        numberField(g, "p_value", Normal.twoSidedP(z));
        numberField(g, "ci95_low", b - Normal.Z_975 * se);
        numberField(g, "ci95_high", b + Normal.Z_975 * se);
        g.writeEndObject();
      }
      g.writeEndArray();
      quality(g, m.quality());
      counts(g, "dead_letters", m.deadLetters());
      if (m.covariance().isPresent()) {
        numbers(g, "covariance", m.covariance().get());
      }
      g.writeEndObject();
    });
  }

  /**
   * A model's line in {@code GET /models}, as a tree: the listing merges these with the summaries
   * that other instances sent.
   */
  static ObjectNode summary(final ModelView m) {
    final ObjectNode summary = JSON.createObjectNode();
    summary.put("model", m.key());
    summary.put("version", m.version());
    summary.put("events_total", m.eventsTotal());
    summary.put("status", m.status());
    // Keys may hold '/' or spaces: the link must be one path segment, as the route decodes it.
    summary.put("href", ModelRoutes.path(m.key()));
    if (m.quality().logLossZ().isPresent() && Double.isFinite(m.quality().logLossZ().getAsDouble())) {
      summary.put("last_logloss_z", m.quality().logLossZ().getAsDouble());
    } else {
      summary.putNull("last_logloss_z");
    }
    summary.put("drift_suspected", m.quality().driftSuspected());
    return summary;
  }

  /**
   * A page of {@code GET /models}: the number of models that match the request ({@code total}, when
   * counted), {@code summaries} in order, and the link to the next page if any.
   */
  static byte[] modelsPage(final int offset, final int limit, final OptionalInt total,
      final List<JsonNode> summaries, final Optional<String> next) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("offset", offset);
      g.writeNumberField("limit", limit);
      if (total.isPresent()) {
        g.writeNumberField("total", total.getAsInt());
      }
      g.writeArrayFieldStart("models");
      for (final JsonNode summary : summaries) {
        g.writeTree(summary);
      }
      g.writeEndArray();
      if (next.isPresent()) {
        g.writeStringField("next", next.get());
      }
      g.writeEndObject();
    });
  }

  /**
   * {@code {"model", "version", "coefficient_names", "scores": [{"probability", "ci95_low",
   * "ci95_high", "eta", "eta_se"}, ...]}}, one score per feature vector in their order; {@code
   * "stale": true} when a standby copy answered.
   */
  static byte[] scores(final ServedModel model, final boolean stale, final List<FactoredPosterior.LinearScore> scores) {
    return write(g -> {
      g.writeStartObject();
      servedModel(g, model, stale);
      strings(g, "coefficient_names", model.coefficientNames());
      g.writeArrayFieldStart("scores");
      for (final FactoredPosterior.LinearScore score : scores) {
        g.writeStartObject();
        numberField(g, "probability", score.probability());
        numberField(g, "ci95_low", score.ci95Low());
        numberField(g, "ci95_high", score.ci95High());
        numberField(g, "eta", score.eta());
        numberField(g, "eta_se", score.etaSe());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /**
   * {@code {"model", "version", "seed", "coefficient_names", "draws": [[b0, ..., bp], ...]}}: draws
   * from the model's posterior made with {@code seed}; {@code "stale": true} from a standby copy.
   */
  static byte[] draws(final ServedModel model, final boolean stale, final long seed, final List<double[]> draws) {
    return write(g -> {
      g.writeStartObject();
      servedModel(g, model, stale);
      g.writeNumberField("seed", seed);
      strings(g, "coefficient_names", model.coefficientNames());
      g.writeArrayFieldStart("draws");
      for (final double[] draw : draws) {
        g.writeStartArray();
        for (final double b : draw) {
          number(g, b);
        }
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /**
   * {@code {"arm", "seed", "arms": [{"arm", "version", "eta", "probability"}, ...]}}: the arm
   * chosen and, per arm in the order weighed, the version drawn from and the draw's linear predictor
   * and probability at the context ({@code "stale": true} for an arm a standby copy answered).
   */
  static byte[] choice(final String chosen, final long seed, final List<ArmDraw> arms) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("arm", chosen);
      g.writeNumberField("seed", seed);
      g.writeArrayFieldStart("arms");
      for (final ArmDraw arm : arms) {
        g.writeStartObject();
        armDraw(g, arm);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /**
   * The answer to a {@code POST /choose} that another instance forwarded: {@code {"seed", "arms":
   * [...]}}, per arm in the order asked what {@link #choice} writes plus {@code "draw"}, the
   * coefficients drawn, which the asking instance weighs as it weighs a draw of its own; or {@code
   * {"arm", "status", "error"}} for an arm this instance could not draw.
   */
  static byte[] armDraws(final long seed, final List<ChooseHandler.ArmOutcome> arms) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("seed", seed);
      g.writeArrayFieldStart("arms");
      for (final ChooseHandler.ArmOutcome arm : arms) {
        g.writeStartObject();
        if (arm.error() != null) {
          g.writeStringField("arm", arm.key());
          g.writeNumberField("status", arm.error().status);
          g.writeStringField("error", arm.error().getMessage());
        } else {
          armDraw(g, arm.draw());
          numbers(g, "draw", arm.coefficients());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /** The body of a {@code POST /choose} sent on to another instance: its arms, the same context and seed. */
  static byte[] chooseRequest(final double[] context, final List<String> arms, final long seed) {
    return write(g -> {
      g.writeStartObject();
      numbers(g, "context", context); // finite, as the request was read: each reads back to the same double
      strings(g, "arms", arms);
      g.writeNumberField("seed", seed);
      g.writeEndObject();
    });
  }

  private static void armDraw(final JsonGenerator g, final ArmDraw arm) throws IOException {
    g.writeStringField("arm", arm.key());
    g.writeNumberField("version", arm.version());
    numberField(g, "eta", arm.eta());
    numberField(g, "probability", arm.probability());
    if (arm.stale()) {
      g.writeBooleanField("stale", true);
    }
  }

  /** The fields every serving answer opens with: the model, its version, and whether stale. */
  private static void servedModel(final JsonGenerator g, final ServedModel model, final boolean stale)
      throws IOException {
    g.writeStringField("model", model.key());
    g.writeNumberField("version", model.version());
    if (stale) {
      g.writeBooleanField("stale", true);
    }
  }

  private static void strings(final JsonGenerator g, final String field, final List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (final String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /** A page of {@code GET /models} as another instance sent it. */
  static JsonNode parse(final byte[] body) throws IOException {
    return JSON.readTree(body);
  }

  /** {@code {"total": ..., "by_reason": {...}}}: records dead-lettered, reasons sorted. */
  static byte[] deadLetters(final Map<String, Long> counts) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("total", counts.values().stream().mapToLong(Long::longValue).sum());
      counts(g, "by_reason", counts);
      g.writeEndObject();
    });
  }

  /**
   * A model's last updates, oldest first, and the {@code drift_z_threshold} their {@code
   * drift_suspected} was decided by when it is known; a {@code stale} answer says {@code "stale": true}.
   */
  static byte[] history(final String key, final int limit, final boolean stale, final OptionalDouble driftZThreshold,
      final List<HistoryEntry> entries) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("model", key);
      g.writeNumberField("limit", limit);
      if (driftZThreshold.isPresent()) {
        numberField(g, "drift_z_threshold", driftZThreshold.getAsDouble());
      }
      if (stale) {
        g.writeBooleanField("stale", true);
      }
      g.writeArrayFieldStart("updates");
      for (final HistoryEntry e : entries) {
        g.writeStartObject();
        g.writeNumberField("version", e.version());
        g.writeNumberField("window_end", e.windowEnd());
        g.writeNumberField("window_events", e.windowEvents());
        g.writeNumberField("events_total", e.eventsTotal());
        g.writeStringField("status", e.status());
        g.writeStringField("status_reason", e.statusReason());
        g.writeArrayFieldStart("feature_names");
        for (final String name : e.featureNames()) {
          g.writeString(name);
        }
        g.writeEndArray();
        numbers(g, "coefficients", e.coefficients());
        numbers(g, "std_errors", e.stdErrors());
        quality(g, e.quality());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The progressive validation of a window as the fields of the update that published it
   * ({@code progressive_logloss}, ..., {@code logloss_z}: null when unknown; {@code drift_suspected}).
   */
  private static void quality(final JsonGenerator g, final Quality q) throws IOException {
    optionalField(g, "progressive_logloss", q.logLoss());
    optionalField(g, "progressive_brier", q.brier());
    optionalField(g, "expected_positives", q.expectedPositives());
    optionalField(g, "observed_positives", q.observedPositives());
    optionalField(g, "progressive_auc", q.auc());
    optionalField(g, "progressive_auc_error_bound", q.aucErrorBound());
    optionalField(g, "logloss_z", q.logLossZ());
    g.writeBooleanField("drift_suspected", q.driftSuspected());
  }

  private static void optionalField(final JsonGenerator g, final String name, final OptionalDouble v)
      throws IOException {
    numberField(g, name, v.isPresent() ? v.getAsDouble() : Double.NaN);
  }

  /** Counts by name, names sorted so that the same counts always read the same. */
  private static void counts(final JsonGenerator g, final String name, final Map<String, Long> counts)
      throws IOException {
    g.writeObjectFieldStart(name);
    for (final Map.Entry<String, Long> e : new TreeMap<>(counts).entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  private static void numbers(final JsonGenerator g, final String name, final double[] values) throws IOException {
    g.writeArrayFieldStart(name);
    for (final double v : values) {
      number(g, v);
    }
    g.writeEndArray();
  }

  private static void numberField(final JsonGenerator g, final String name, final double v) throws IOException {
    g.writeFieldName(name);
    number(g, v);
  }

  private static void number(final JsonGenerator g, final double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumber(v);
    } else {
      g.writeNull();
    }
  }

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** The bytes {@code body} writes; writing to memory fails only on a bug, hence unchecked. */
  private static byte[] write(final Body body) {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
