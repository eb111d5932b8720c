package io.github.irls.streams;

import io.github.irls.serde.ScoringRequestFormat;
import java.util.Objects;

/**
 * The scoring stream of a topology, when it has one: unlabelled {@code ScoringRequest}s on {@code
 * inputTopic} (key = model key; co-partitioned with the events topic, since the requests are scored
 * in the task that owns the key's model) answered by one {@code Prediction} each on {@code
 * predictionsTopic}.
 *
 * @param inputTopic the topic of scoring requests (source)
 * @param inputFormat the wire format of its values
 * @param predictionsTopic the topic of predictions (sink)
 */
public record ScoringStream(String inputTopic, ScoringRequestFormat inputFormat, String predictionsTopic) {

  public static final ScoringRequestFormat DEFAULT_INPUT_FORMAT = ScoringRequestFormat.AVRO;
  public static final String DEFAULT_PREDICTIONS_TOPIC = "irls.predictions";

  public ScoringStream {
    Objects.requireNonNull(inputTopic, "inputTopic");
    Objects.requireNonNull(inputFormat, "inputFormat");
    Objects.requireNonNull(predictionsTopic, "predictionsTopic");
    if (inputTopic.isBlank() || predictionsTopic.isBlank()) {
      throw new IllegalArgumentException("the scoring input and predictions topics must be named, got '"
          + inputTopic + "' and '" + predictionsTopic + "'");
    }
  }

  /** Requests in the default format (Avro binary) on {@code inputTopic}, predictions to the default topic. */
  public static ScoringStream from(final String inputTopic) {
    return new ScoringStream(inputTopic, DEFAULT_INPUT_FORMAT, DEFAULT_PREDICTIONS_TOPIC);
  }
}
