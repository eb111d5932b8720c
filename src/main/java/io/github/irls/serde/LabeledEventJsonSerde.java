package io.github.irls.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.irls.avro.LabeledEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

  static final String FEATURES = JsonEventDecoder.FEATURES;
  static final String LABEL = JsonEventDecoder.LABEL;
  static final String WEIGHT = JsonEventDecoder.WEIGHT;
  static final String OFFSET = JsonEventDecoder.OFFSET;
  static final String EVENT_TIME = JsonEventDecoder.EVENT_TIME;

  private static final JsonFactory FACTORY = new JsonFactory();

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
   * Reads one event ({@link JsonEventDecoder} holds the rules).
   *
   * @throws EventDecodingException {@code MISSING_VALUE} for null bytes, {@code UNDECODABLE_JSON}
   *     for anything but a JSON object of the documented shape
   */
  public static LabeledEvent decode(final byte[] bytes) {
    final EventBuffer buffer = new EventBuffer();
    new JsonEventDecoder().decode(bytes, buffer);
    return buffer.toEvent();
  }
}
