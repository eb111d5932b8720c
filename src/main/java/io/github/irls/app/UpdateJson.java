package io.github.irls.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.irls.avro.CoefficientUpdate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A {@link CoefficientUpdate} as one JSON object on one line, with the schema's field names
 * ({@code model} for the key). Doubles are written in their shortest round-trip form; non-finite
 * numbers as null.
 */
public final class UpdateJson {

  private static final JsonFactory JSON = new JsonFactory();

  private UpdateJson() {}

  /** One line of JSON, without the line end. */
  public static String line(final CoefficientUpdate u) {
    final StringWriter out = new StringWriter(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", u.getModelKey());
      g.writeNumberField("version", u.getVersion());
      g.writeNumberField("window_start", u.getWindowStart());
      g.writeNumberField("window_end", u.getWindowEnd());
      g.writeNumberField("window_events", u.getWindowEvents());
      number(g, "window_weight", u.getWindowWeight());
      g.writeNumberField("events_total", u.getEventsTotal());
      number(g, "weight_total", u.getWeightTotal());
      g.writeNumberField("late_events", u.getLateEvents());
      g.writeArrayFieldStart("feature_names");
      for (final String name : u.getFeatureNames()) {
        g.writeString(name);
      }
      g.writeEndArray();
      numbers(g, "coefficients", u.getCoefficients());
      numbers(g, "std_errors", u.getStdErrors());
      if (u.getCovariance() != null) {
        numbers(g, "covariance", u.getCovariance());
      }
      number(g, "window_loglik", u.getWindowLoglik());
      number(g, "gradient_norm", u.getGradientNorm());
      number(g, "step_norm", u.getStepNorm());
      g.writeNumberField("iterations", u.getIterations());
      g.writeStringField("step_mode", u.getStepMode());
      g.writeStringField("status", u.getStatus());
      g.writeStringField("status_reason", u.getStatusReason());
      number(g, "ridge_added", u.getRidgeAdded());
      nullable(g, "progressive_logloss", u.getProgressiveLogloss());
      nullable(g, "progressive_brier", u.getProgressiveBrier());
      nullable(g, "expected_positives", u.getExpectedPositives());
      nullable(g, "observed_positives", u.getObservedPositives());
      nullable(g, "progressive_auc", u.getProgressiveAuc());
      nullable(g, "progressive_auc_error_bound", u.getProgressiveAucErrorBound());
      nullable(g, "logloss_z", u.getLoglossZ());
      g.writeBooleanField("drift_suspected", u.getDriftSuspected());
      g.writeEndObject();
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void numbers(final JsonGenerator g, final String name, final List<Double> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (final Double v : values) {
      number(g, null, v);
    }
    g.writeEndArray();
  }

  private static void nullable(final JsonGenerator g, final String name, final Double v) throws IOException {
    number(g, name, v == null ? Double.NaN : v);
  }

  private static void number(final JsonGenerator g, final String name, final double v) throws IOException {
    if (name != null) {
      g.writeFieldName(name);
    }
    if (Double.isFinite(v)) {
      g.writeNumber(v);
    } else {
      g.writeNull();
    }
  }
}
