package io.github.irls.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The bodies the serving routes read, parsed and checked in one place: every mistake is a 400
 * whose message names the field ({@code features[2][1]}, {@code arms[0]}), so that a client can
 * tell what to fix. The limits keep one request from holding a server thread for long.
 */
final class ServingRequests {

  /** The most bytes a request body may have; more is 413. */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** The most feature vectors one score request may carry. */
  static final int MAX_VECTORS = 10_000;

  /** The most arms one choice may weigh. */
  static final int MAX_ARMS = 1_000;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER) // exact, and quicker than Double.parseDouble
          .build();

  private ServingRequests() {}

  /** {@code POST /models/{key}/score}: one vector ({@code [x1, ...]}) or several ({@code [[x1, ...], ...]}). */
  record Score(List<double[]> vectors) {
    Score {
      vectors = List.copyOf(vectors);
    }
  }

  /**
   * {@code POST /choose}: the context and either the arms or a key prefix naming them.
   *
   * @param arms the arms' model keys, without duplicates, in the order given (empty with a prefix)
   * @param prefix the prefix of the arms' keys, when given instead
   * @param seed the seed of the draws, when given
   */
  record Choose(double[] context, List<String> arms, Optional<String> prefix, OptionalLong seed) {
    Choose {
      arms = List.copyOf(arms);
    }
  }

  static Score score(final byte[] body) {
    final JsonNode root = object(body, "{\"features\": [[x1, ..., xp], ...]}");
    allowOnly(root, Set.of("features"));
    final JsonNode features = root.get("features");
    if (features == null || !features.isArray() || features.isEmpty()) {
      throw bad("features must be a non-empty array of feature vectors (arrays of numbers)");
    }
    final List<double[]> vectors = new ArrayList<>();
    if (features.get(0).isNumber()) {
      vectors.add(vector(features, "features"));
    } else {
      if (features.size() > MAX_VECTORS) {
        throw bad("features has " + features.size() + " vectors; at most " + MAX_VECTORS + " per request");
      }
      for (int i = 0; i < features.size(); i++) {
        vectors.add(vector(features.get(i), "features[" + i + "]"));
      }
    }
    return new Score(vectors);
  }

  static Choose choose(final byte[] body) {
    final JsonNode root = object(body, "{\"context\": [x1, ..., xp], \"arms\": [keys]} or {\"context\": [...], "
        + "\"prefix\": \"bandit/\"}");
    allowOnly(root, Set.of("context", "arms", "prefix", "seed"));
    final JsonNode context = root.get("context");
    if (context == null) {
      throw bad("context is required: the feature vector [x1, ..., xp] to choose an arm for");
    }
    final double[] x = vector(context, "context");
    final JsonNode arms = root.get("arms");
    final JsonNode prefix = root.get("prefix");
    if ((arms == null) == (prefix == null)) {
      throw bad("give either arms (a list of model keys) or prefix (the arms' common key prefix), not "
          + (arms == null ? "neither" : "both"));
    }
    final OptionalLong seed = seed(root.get("seed"));
    if (prefix != null) {
      if (!prefix.isTextual() || prefix.asText().isEmpty()) {
        throw bad("prefix must be a non-empty string");
      }
      return new Choose(x, List.of(), Optional.of(prefix.asText()), seed);
    }
    if (!arms.isArray() || arms.isEmpty()) {
      throw bad("arms must be a non-empty array of model keys");
    }
    if (arms.size() > MAX_ARMS) {
      throw bad("arms has " + arms.size() + " keys; at most " + MAX_ARMS);
    }
    final Set<String> keys = new LinkedHashSet<>();
    for (int i = 0; i < arms.size(); i++) {
      final JsonNode arm = arms.get(i);
      if (!arm.isTextual() || arm.asText().isEmpty()) {
        throw bad("arms[" + i + "] must be a non-empty string (a model key)");
      }
      if (!keys.add(arm.asText())) {
        throw bad("arms[" + i + "] '" + arm.asText() + "' is given twice");
      }
    }
    return new Choose(x, List.copyOf(keys), Optional.empty(), seed);
  }

  /** 400 unless every vector has {@code features} values. */
  static void requireFeatures(final List<double[]> vectors, final String field, final String key,
      final int features) {
    for (int i = 0; i < vectors.size(); i++) {
      if (vectors.get(i).length != features) {
        final String name = vectors.size() == 1 ? field : field + "[" + i + "]";
        throw bad(name + " has " + vectors.get(i).length + " values; model '" + key + "' has " + features
            + " features");
      }
    }
  }

  private static OptionalLong seed(final JsonNode seed) {
    if (seed == null || seed.isNull()) {
      return OptionalLong.empty();
    }
    if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
      throw bad("seed must be an integer (a 64-bit long)");
    }
    return OptionalLong.of(seed.asLong());
  }

  private static double[] vector(final JsonNode node, final String field) {
    if (!node.isArray()) {
      throw bad(field + " must be an array of numbers");
    }
    final double[] x = new double[node.size()];
    for (int j = 0; j < x.length; j++) {
      final JsonNode value = node.get(j);
      if (!value.isNumber()) {
        throw bad(field + "[" + j + "] must be a number, got " + value.getNodeType().name().toLowerCase());
      }
      x[j] = value.asDouble();
      if (!Double.isFinite(x[j])) {
        throw bad(field + "[" + j + "] is not a finite number: " + value.asText());
      }
    }
    return x;
  }

  private static JsonNode object(final byte[] body, final String expected) {
    final JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (final JsonProcessingException e) {
      throw bad("the body is not valid JSON (" + e.getOriginalMessage() + "); expected " + expected);
    } catch (final IOException e) {
      throw bad("the body cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw bad("the body must be a JSON object: " + expected);
    }
    return root;
  }

  private static void allowOnly(final JsonNode root, final Set<String> fields) {
    for (final Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      final String name = names.next();
      if (!fields.contains(name)) {
        throw bad("unknown field '" + name + "'; the fields are " + fields.stream().sorted().toList());
      }
    }
  }

  private static HttpError bad(final String message) {
    return new HttpError(400, message);
  }
}
