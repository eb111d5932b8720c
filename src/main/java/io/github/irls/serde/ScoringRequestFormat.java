package io.github.irls.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.github.irls.avro.ScoringRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The wire formats accepted on the scoring input topic: Avro binary of {@link ScoringRequest}
 * (no schema-registry framing), or one JSON object per record:
 *
 * <pre>{"request_id":"r-17","features":[0.5,-1.2],"offset":0.0}</pre>
 *
 * <p>In JSON, {@code features} (an array of numbers) is required, {@code request_id} (a string)
 * should be there, {@code offset} (a number, default 0) is optional and {@code null} means absent;
 * a {@code request_id} that is absent or {@code null} is read as an empty one, so that an object of
 * the request's shape which names no id is refused by the scoring processor as missing its id, not
 * as undecodable. Unknown or duplicate fields, other types and trailing content are refused, as for
 * events. What needs the key's model (the feature count) or is a matter of value (an empty, null or
 * absent request id, a non-finite number in Avro) is checked by the scoring processor, not here.
 * Thread-safe.
 */
public enum ScoringRequestFormat {
  /** Avro binary of {@link ScoringRequest}. */
  AVRO,
  /** One JSON object per record, as above. */
  JSON;

  static final String REQUEST_ID = "request_id";
  static final String FEATURES = "features";
  static final String OFFSET = "offset";
  static final String EXPECTED =
      "expected {\"request_id\":string,\"features\":[numbers]} and optionally \"offset\":number";

  private static final JsonFactory FACTORY =
      // exact, as the events' decoder reads them (JsonEventDecoder)
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
  private static final AvroSerde<ScoringRequest> AVRO_SERDE = AvroSerde.of(ScoringRequest.class);

  /** The name as written in configuration: {@code avro} or {@code json}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The request in {@code bytes}.
   *
   * @throws EventDecodingException with reason {@code MISSING_VALUE} for null bytes, {@code
   *     UNDECODABLE_AVRO} or {@code UNDECODABLE_JSON} for anything that is not a request
   */
  public ScoringRequest decode(final byte[] bytes) {
    if (bytes == null) {
      throw new EventDecodingException(EventDecodingException.Reason.MISSING_VALUE, "Scoring request has no value");
    }
    return this == AVRO ? AVRO_SERDE.decode(bytes) : decodeJson(bytes);
  }

  /** {@code request} in this format (for clients and tests). */
  public byte[] encode(final ScoringRequest request) {
    return this == AVRO ? AVRO_SERDE.encode(request) : encodeJson(request);
  }

  /**
   * Parses a configured name, ignoring case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ScoringRequestFormat parse(final String name) {
    for (final ScoringRequestFormat f : values()) {
      if (f.configName().equalsIgnoreCase(name.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException("Unknown scoring request format '" + name + "'; expected one of "
        + Arrays.stream(values()).map(ScoringRequestFormat::configName).collect(Collectors.joining(", ", "[", "]")));
  }

  private static byte[] encodeJson(final ScoringRequest request) {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 24 * request.getFeatures().size());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField(REQUEST_ID, request.getRequestId());
      g.writeArrayFieldStart(FEATURES);
      for (final Double x : request.getFeatures()) {
        g.writeNumber(x);
      }
      g.writeEndArray();
      g.writeNumberField(OFFSET, request.getOffset());
      g.writeEndObject();
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static ScoringRequest decodeJson(final byte[] bytes) {
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      return readJson(parser);
    } catch (final JsonProcessingException e) {
      throw invalid("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (final IOException e) {
      throw invalid("cannot read JSON: " + e.getMessage(), e);
    }
  }

  private static ScoringRequest readJson(final JsonParser parser) throws IOException {
    JsonToken token = parser.nextToken();
    if (token != JsonToken.START_OBJECT) {
      throw invalid(token == null ? "not a JSON object (empty input)" : "not a JSON object but " + JsonEventDecoder.kind(parser, token),
          null);
    }
    String requestId = null;
    List<Double> features = null;
    double offset = 0.0;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      final String name = parser.currentName();
      token = parser.nextToken();
      switch (name) {
        case REQUEST_ID -> {
          if (token == JsonToken.VALUE_NULL) {
            // a request that names no id, as "" does: the scoring processor dead-letters it as MISSING_REQUEST_ID
            requestId = "";
          } else if (token != JsonToken.VALUE_STRING) {
            throw invalid("field 'request_id' must be a string, got " + JsonEventDecoder.kind(parser, token), null);
          } else {
            requestId = parser.getText();
          }
        }
        case FEATURES -> features = features(parser, token);
        case OFFSET -> {
          if (token != JsonToken.VALUE_NULL) {
            offset = number(parser, token, OFFSET);
          }
        }
        default -> throw invalid("unknown field '" + name + "'", null);
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw invalid("not valid JSON: unexpected " + JsonEventDecoder.kind(parser, token), null);
    }
    if (parser.nextToken() != null) {
      throw invalid("not valid JSON: trailing content after the object", null);
    }
    if (features == null) {
      throw invalid("missing required field '" + FEATURES + "'", null);
    }
    // an absent id, like a null one, is a request that names no id: the scoring processor dead-letters
    // it as MISSING_REQUEST_ID, which tells the producer what to add (checked after the shape, so that
    // an object that is no request at all stays undecodable)
    return ScoringRequest.newBuilder().setRequestId(requestId == null ? "" : requestId).setFeatures(features)
        .setOffset(offset).build();
  }

  /** The features array, or null when it is null (absent). */
  private static List<Double> features(final JsonParser parser, final JsonToken first) throws IOException {
    if (first == JsonToken.VALUE_NULL) {
      return null;
    }
    if (first != JsonToken.START_ARRAY) {
      throw invalid("field 'features' must be an array of numbers, got " + JsonEventDecoder.kind(parser, first), null);
    }
    final List<Double> features = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      features.add(number(parser, token, "features[" + features.size() + "]"));
    }
    return features;
  }

  private static double number(final JsonParser parser, final JsonToken token, final String name) throws IOException {
    if (token == null || !token.isNumeric()) {
      throw invalid("field '" + name + "' must be a number, got " + JsonEventDecoder.kind(parser, token), null);
    }
    final double value = parser.getDoubleValue();
    if (!Double.isFinite(value)) {
      throw invalid("field '" + name + "' is out of the range of a double: " + parser.getText(), null);
    }
    return value;
  }

  private static EventDecodingException invalid(final String detail, final Throwable cause) {
    return new EventDecodingException(EventDecodingException.Reason.UNDECODABLE_JSON,
        "Not a ScoringRequest in JSON: " + detail + "; " + EXPECTED, cause);
  }
}
