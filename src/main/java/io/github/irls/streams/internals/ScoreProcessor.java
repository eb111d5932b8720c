package io.github.irls.streams.internals;

import io.github.irls.avro.Prediction;
import io.github.irls.avro.PredictionStatus;
import io.github.irls.avro.ScoringRequest;
import io.github.irls.glm.FactoredPosterior;
import io.github.irls.glm.StepStatus;
import io.github.irls.serde.EventDecodingException;
import io.github.irls.serde.ScoringRequestFormat;
import io.github.irls.streams.DeadLetterReason;
import io.github.irls.streams.ModelState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Answers each scoring request with a {@link Prediction} of the key's model as it is in the models
 * store when the request is processed (read only: the fitting processor owns the store, and both
 * run in the same task since the scoring topic is co-partitioned with the events), or sends the
 * request to the dead-letter processor. Never throws for bad input.
 *
 * <p>A key without a published model (none yet, or reset by a model-spec tombstone and not stepped
 * since) gets a prediction with status {@code NO_MODEL} and no numbers. The values are forwarded to
 * two children of different types: {@link Prediction}s to the predictions sink, {@link Rejection}s
 * to the dead-letter processor.
 */
public final class ScoreProcessor extends ContextualProcessor<byte[], byte[], byte[], Object> {

  private final ScoringRequestFormat format;
  private final String modelsStoreName;
  private final String predictionsChild;
  private final String deadLetterChild;
  private final FactorCache factors;
  private KeyValueStore<String, ModelState> models;

  public ScoreProcessor(final ScoringRequestFormat format, final String modelsStoreName, final long cacheBytes,
      final String predictionsChild, final String deadLetterChild) {
    this.format = format;
    this.modelsStoreName = modelsStoreName;
    this.factors = new FactorCache(cacheBytes);
    this.predictionsChild = predictionsChild;
    this.deadLetterChild = deadLetterChild;
  }

  @Override
  public void init(final ProcessorContext<byte[], Object> context) {
    super.init(context);
    models = context.getStateStore(modelsStoreName);
  }

  @Override
  public void process(final Record<byte[], byte[]> record) {
    final Optional<Rejection> badKey = ModelKeys.problem(record.key(), record.value(), "scoring request");
    if (badKey.isPresent()) {
      context().forward(record.withValue(badKey.get()), deadLetterChild);
      return;
    }
    final ScoringRequest request;
    try {
      request = format.decode(record.value());
    } catch (final EventDecodingException e) {
      reject(record, e.reason() == EventDecodingException.Reason.MISSING_VALUE ? DeadLetterReason.MISSING_VALUE
          : DeadLetterReason.UNDECODABLE_SCORING_REQUEST, e.getMessage());
      return;
    } catch (final RuntimeException e) {
      // a decoder may fail in ways its contract does not name; the record is still a dead letter
      reject(record, DeadLetterReason.UNDECODABLE_SCORING_REQUEST, e.getClass().getSimpleName() + ": " + e.getMessage());
      return;
    }
    if (request.getRequestId().isBlank()) {
      reject(record, DeadLetterReason.MISSING_REQUEST_ID,
          "The scoring request names no request_id (absent, null, empty or blank)");
      return;
    }
    final double[] x = features(request.getFeatures());
    final Optional<Rejection> badNumber = EventChecks.checkScoring(record.value(), x, request.getOffset());
    if (badNumber.isPresent()) {
      context().forward(record.withValue(badNumber.get()), deadLetterChild);
      return;
    }
    final String modelKey = new String(record.key(), StandardCharsets.UTF_8);
    final ModelState model = models.get(modelKey);
    final Prediction.Builder prediction = Prediction.newBuilder()
        .setRequestId(request.getRequestId())
        .setModelKey(modelKey)
        .setScoredAtMs(context().currentSystemTimeMs());
    if (model == null || model.status() == StepStatus.RESET) {
      context().forward(record.withValue(prediction.setStatus(PredictionStatus.NO_MODEL).build()), predictionsChild);
      return;
    }
    if (x.length != model.features()) {
      reject(record, DeadLetterReason.WRONG_FEATURE_COUNT, "The scoring request has " + x.length
          + " features; the key's model has " + model.features());
      return;
    }
    final Optional<FactoredPosterior> factor = factors.factor(modelKey, model);
    if (factor.isEmpty()) {
      reject(record, DeadLetterReason.MODEL_NOT_SCORABLE,
          "The precision of the key's model (version " + model.version() + ") cannot be factored");
      return;
    }
    final FactoredPosterior.LinearScore score = factor.get().score(x, request.getOffset());
    if (!Double.isFinite(score.eta()) || !Double.isFinite(score.etaSe())) {
      reject(record, DeadLetterReason.SCORE_OVERFLOW,
          "The linear predictor " + score.eta() + " or its standard error " + score.etaSe() + " is not finite");
      return;
    }
    context().forward(record.withValue(prediction
        .setStatus(PredictionStatus.OK)
        .setModelVersion(model.version())
        .setProbability(score.probability())
        .setCi95Low(score.ci95Low())
        .setCi95High(score.ci95High())
        .setEta(score.eta())
        .setEtaSe(score.etaSe())
        .build()), predictionsChild);
  }

  private void reject(final Record<byte[], byte[]> record, final DeadLetterReason reason, final String message) {
    context().forward(record.withValue(new Rejection(record.value(), reason, message)), deadLetterChild);
  }

  private static double[] features(final List<Double> values) {
    final double[] x = new double[values.size()];
    for (int j = 0; j < x.length; j++) {
      x[j] = values.get(j);
    }
    return x;
  }
}
