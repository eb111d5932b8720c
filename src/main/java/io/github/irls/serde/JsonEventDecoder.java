package io.github.irls.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.Locale;

/**
 * Reads one JSON event (the shape {@link LabeledEventJsonSerde} documents) token by token straight
 * into an {@link EventBuffer}: features into a {@code double[]}, no tree, no boxed list. The one
 * place that knows the JSON rules: required {@code features} (numbers) and {@code label}, optional
 * {@code weight}, {@code offset} and {@code event_time} ({@code null} meaning absent), no unknown or
 * duplicate fields, no trailing content, every number within the range of a double.
 */
final class JsonEventDecoder implements EventDecoder {

  static final String FEATURES = "features";
  static final String LABEL = "label";
  static final String WEIGHT = "weight";
  static final String OFFSET = "offset";
  static final String EVENT_TIME = "event_time";
  static final String EXPECTED =
      "expected {\"features\":[numbers],\"label\":number"
          + " and optionally \"weight\":number, \"offset\":number, \"event_time\":integer millis}";

  /**
   * FastDoubleParser rounds exactly as {@link Double#parseDouble} does (correctly, to the nearest
   * double) without the JDK's big-integer slow path, which 17-digit doubles take: the same bits,
   * less time and garbage.
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .build();

  @Override
  public void decode(final byte[] bytes, final EventBuffer into) {
    if (bytes == null) {
      throw new EventDecodingException(
          EventDecodingException.Reason.MISSING_VALUE, "Event record has no value; " + EXPECTED);
    }
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      read(parser, into);
    } catch (final JsonProcessingException e) {
      throw invalid("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (final IOException e) {
      throw invalid("cannot read JSON: " + e.getMessage(), e);
    }
  }

  private static void read(final JsonParser parser, final EventBuffer into) throws IOException {
    into.clear();
    JsonToken token = parser.nextToken();
    if (token == null) {
      throw invalid("not a JSON object (empty input)", null);
    }
    if (token != JsonToken.START_OBJECT) {
      throw invalid("not a JSON object but " + kind(parser, token), null);
    }
    boolean features = false;
    boolean label = false;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      final String name = parser.currentName();
      token = parser.nextToken();
      switch (name) {
        case FEATURES -> features = features(parser, token, into);
        case LABEL -> {
          if (token != JsonToken.VALUE_NULL) {
            into.label(number(parser, token, LABEL));
            label = true;
          }
        }
        case WEIGHT -> {
          if (token != JsonToken.VALUE_NULL) {
            into.weight(number(parser, token, WEIGHT));
          }
        }
        case OFFSET -> {
          if (token != JsonToken.VALUE_NULL) {
            into.offset(number(parser, token, OFFSET));
          }
        }
        case EVENT_TIME -> {
          if (token != JsonToken.VALUE_NULL) {
            if (token != JsonToken.VALUE_NUMBER_INT || !fitsLong(parser)) {
              throw invalid("field 'event_time' must be an integer number of milliseconds since the epoch, got "
                  + kind(parser, token), null);
            }
            into.eventTime(parser.getLongValue());
          }
        }
        default -> throw invalid("unknown field '" + name + "'", null);
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw invalid("not valid JSON: unexpected " + kind(parser, token), null);
    }
    if (parser.nextToken() != null) {
      throw invalid("not valid JSON: trailing content after the object", null);
    }
    if (!features) {
      throw invalid("missing required field '" + FEATURES + "'", null);
    }
    if (!label) {
      throw invalid("missing required field '" + LABEL + "'", null);
    }
  }

  /** Reads the features array; false when it is null (absent). */
  private static boolean features(final JsonParser parser, final JsonToken first, final EventBuffer into)
      throws IOException {
    if (first == JsonToken.VALUE_NULL) {
      return false;
    }
    if (first != JsonToken.START_ARRAY) {
      throw invalid("field 'features' must be an array of numbers, got " + kind(parser, first), null);
    }
    JsonToken token;
    int i = 0;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (!token.isNumeric()) {
        throw invalid("field 'features[" + i + "]' must be a number, got " + kind(parser, token), null);
      }
      into.addFeature(finite(parser, "features[" + i + "]"));
      i++;
    }
    return true;
  }

  private static double number(final JsonParser parser, final JsonToken token, final String name) throws IOException {
    if (!token.isNumeric()) {
      throw invalid("field '" + name + "' must be a number, got " + kind(parser, token), null);
    }
    return finite(parser, name);
  }

  private static double finite(final JsonParser parser, final String name) throws IOException {
    final double value = parser.getDoubleValue();
    if (!Double.isFinite(value)) {
      throw invalid("field '" + name + "' is out of the range of a double: " + parser.getText(), null);
    }
    return value;
  }

  private static boolean fitsLong(final JsonParser parser) throws IOException {
    final JsonParser.NumberType type = parser.getNumberType();
    return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
  }

  /** What {@code token} is, for an error message: its JSON kind and text; the end of input when null. */
  static String kind(final JsonParser parser, final JsonToken token) throws IOException {
    if (token == null) {
      return "the end of the input";
    }
    final String kind = switch (token) {
      case START_OBJECT -> "object";
      case START_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> token.name().toLowerCase(Locale.ROOT);
    };
    final String text = parser.getText();
    return kind + (text == null ? "" : " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text));
  }

  static EventDecodingException invalid(final String detail, final Throwable cause) {
    return new EventDecodingException(
        EventDecodingException.Reason.UNDECODABLE_JSON, "Not a LabeledEvent in JSON: " + detail + "; " + EXPECTED,
        cause);
  }
}
