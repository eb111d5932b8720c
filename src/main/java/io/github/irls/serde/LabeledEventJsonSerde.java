package io.github.irls.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.irls.avro.LabeledEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link LabeledEvent} as one JSON object per record, so that any client (e.g. {@code kcat}) can
 * produce events:
 *
 * <pre>{"features":[0.5,-1.2],"label":1,"weight":1.0,"offset":0.0,"event_time":1700000000000}</pre>
 *
 * <p>{@code features} (an array of numbers) and {@code label} (a number) are required; {@code
 * weight} (default 1), {@code offset} (default 0) and {@code event_time} (integer milliseconds
 * since the epoch) are optional, and {@code null} means absent. Unknown fields, duplicate fields,
 * non-numeric values and trailing content are rejected with {@link EventDecodingException} (reason
 * {@link EventDecodingException.Reason#UNDECODABLE_JSON}) naming the offending field. Semantic
 * checks (label range, finite values, feature count) belong to event validation, not here.
 *
 * <p>Thread-safe and stateless apart from Jackson's shared, thread-safe mapper.
 */
public final class LabeledEventJsonSerde implements Serde<LabeledEvent> {

  static final String FEATURES = "features";
  static final String LABEL = "label";
  static final String WEIGHT = "weight";
  static final String OFFSET = "offset";
  static final String EVENT_TIME = "event_time";
  private static final Set<String> FIELDS = Set.of(FEATURES, LABEL, WEIGHT, OFFSET, EVENT_TIME);
  private static final String EXPECTED =
      "expected {\"features\":[numbers],\"label\":number"
          + " and optionally \"weight\":number, \"offset\":number, \"event_time\":integer millis}";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private final Serializer<LabeledEvent> serializer = (topic, event) -> encode(event);
  private final Deserializer<LabeledEvent> deserializer = (topic, bytes) -> decode(bytes);

  @Override
  public Serializer<LabeledEvent> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<LabeledEvent> deserializer() {
    return deserializer;
  }

  /** Writes {@code event} as one compact JSON object ({@code event_time} omitted when null). */
  public static byte[] encode(final LabeledEvent event) {
    if (event == null) {
      return null;
    }
    final ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 24 * event.getFeatures().size());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart(FEATURES);
      for (final Double x : event.getFeatures()) {
        g.writeNumber(x);
      }
      g.writeEndArray();
      g.writeNumberField(LABEL, event.getLabel());
      g.writeNumberField(WEIGHT, event.getWeight());
      g.writeNumberField(OFFSET, event.getOffset());
      if (event.getEventTime() != null) {
        g.writeNumberField(EVENT_TIME, event.getEventTime().toEpochMilli());
      }
      g.writeEndObject();
    } catch (final IOException e) {
      throw new SerializationException("Cannot write LabeledEvent as JSON: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Reads one event.
   *
   * @throws EventDecodingException {@code MISSING_VALUE} for null bytes, {@code UNDECODABLE_JSON}
   *     for anything but a JSON object of the documented shape
   */
  public static LabeledEvent decode(final byte[] bytes) {
    if (bytes == null) {
      throw new EventDecodingException(
          EventDecodingException.Reason.MISSING_VALUE, "Event record has no value; " + EXPECTED);
    }
    final JsonNode root;
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      root = MAPPER.readTree(parser);
    } catch (final JsonProcessingException e) {
      throw invalid("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (final IOException e) {
      throw invalid("cannot read JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw invalid("not a JSON object" + (root == null ? " (empty input)" : " but " + kind(root)), null);
    }
    final Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
    while (fields.hasNext()) {
      final String name = fields.next().getKey();
      if (!FIELDS.contains(name)) {
        throw invalid("unknown field '" + name + "'", null);
      }
    }
    final LabeledEvent.Builder event = LabeledEvent.newBuilder();
    event.setFeatures(features(root.get(FEATURES)));
    event.setLabel(number(LABEL, required(root, LABEL)));
    final JsonNode weight = root.get(WEIGHT);
    if (weight != null && !weight.isNull()) {
      event.setWeight(number(WEIGHT, weight));
    }
    final JsonNode offset = root.get(OFFSET);
    if (offset != null && !offset.isNull()) {
      event.setOffset(number(OFFSET, offset));
    }
    final JsonNode eventTime = root.get(EVENT_TIME);
    if (eventTime != null && !eventTime.isNull()) {
      if (!eventTime.isIntegralNumber() || !eventTime.canConvertToLong()) {
        throw invalid(
            "field 'event_time' must be an integer number of milliseconds since the epoch, got "
                + kind(eventTime),
            null);
      }
      event.setEventTime(Instant.ofEpochMilli(eventTime.longValue()));
    } else {
      event.setEventTime(null);
    }
    return event.build();
  }

  private static JsonNode required(final JsonNode root, final String name) {
    final JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      throw invalid("missing required field '" + name + "'", null);
    }
    return node;
  }

  private static List<Double> features(final JsonNode node) {
    if (node == null || node.isNull()) {
      throw invalid("missing required field '" + FEATURES + "'", null);
    }
    if (!node.isArray()) {
      throw invalid("field 'features' must be an array of numbers, got " + kind(node), null);
    }
    final List<Double> values = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      values.add(number(FEATURES + "[" + i + "]", node.get(i)));
    }
    return values;
  }

  private static double number(final String name, final JsonNode node) {
    if (!node.isNumber()) {
      throw invalid("field '" + name + "' must be a number, got " + kind(node), null);
    }
    final double value = node.doubleValue();
    if (!Double.isFinite(value)) {
      throw invalid("field '" + name + "' is out of the range of a double: " + node, null);
    }
    return value;
  }

  private static String kind(final JsonNode node) {
    final String text = node.toString();
    final String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + shown;
  }

  private static EventDecodingException invalid(final String detail, final Throwable cause) {
    return new EventDecodingException(
        EventDecodingException.Reason.UNDECODABLE_JSON,
        "Not a LabeledEvent in JSON: " + detail + "; " + EXPECTED,
        cause);
  }
}
