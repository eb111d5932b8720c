package io.github.irls.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The order of a {@code GET /models} listing, from {@code ?sort=} and {@code ?order=}: each sort
 * name reads one field of a model's summary (as {@link JsonBodies#summary} writes it and other
 * instances send it). A summary without the field (missing or null) comes last in either order, and
 * ties are broken by key, ascending, so that pages never overlap.
 *
 * @param sort one of {@link #SORTS}' names
 * @param descending whether the larger values come first
 */
record ModelOrder(String sort, boolean descending) {

  static final String DEFAULT_SORT = "key";

  private static final String KEY_FIELD = "model";
  private static final Comparator<JsonNode> TEXT = Comparator.comparing(JsonNode::asText);
  private static final Comparator<JsonNode> NUMBER = Comparator.comparingDouble(JsonNode::asDouble);

  /** A sort: the summary field it reads, how two values of it compare, and its default order. */
  private record Column(String field, Comparator<JsonNode> values, boolean descendingByDefault) {}

  /** Every sort by name; adding one is one line. */
  private static final Map<String, Column> SORTS = new TreeMap<>(Map.of(
      DEFAULT_SORT, new Column(KEY_FIELD, TEXT, false),
      "events", new Column("events_total", NUMBER, true),
      "status", new Column("status", TEXT, true),
      "version", new Column("version", NUMBER, true),
      "logloss_z", new Column("last_logloss_z", NUMBER, true)));

  /** The listing's default order: by key, ascending. */
  static final ModelOrder BY_KEY = new ModelOrder(DEFAULT_SORT, false);

  /** The order that {@code params} ask for; 400 for an unknown sort or order. */
  static ModelOrder of(final Map<String, String> params) {
    final String sort = params.getOrDefault("sort", DEFAULT_SORT);
    final Column column = SORTS.get(sort);
    if (column == null) {
      throw new HttpError(400, "sort must be one of " + String.join(", ", SORTS.keySet()) + ", got '" + sort + "'");
    }
    final String order = params.get("order");
    if (order == null) {
      return new ModelOrder(sort, column.descendingByDefault());
    }
    if (!"asc".equals(order) && !"desc".equals(order)) {
      throw new HttpError(400, "order must be asc or desc, got '" + order + "'");
    }
    return new ModelOrder(sort, "desc".equals(order));
  }

  /** Whether this order reads the key alone, so that keys can be ordered before any summary is read. */
  boolean byKeyOnly() {
    return KEY_FIELD.equals(SORTS.get(sort).field());
  }

  /** The order of keys when {@link #byKeyOnly()}: the order of their summaries. */
  Comparator<String> keys() {
    return descending ? Comparator.reverseOrder() : Comparator.naturalOrder();
  }

  /** The order of summaries. */
  Comparator<JsonNode> summaries() {
    final Column column = SORTS.get(sort);
    final Comparator<JsonNode> values = descending ? column.values().reversed() : column.values();
    final Comparator<JsonNode> present = Comparator.comparing(s -> valueOf(s, column.field()), Comparator.nullsLast(values));
    return present.thenComparing(s -> s.path(KEY_FIELD).asText());
  }

  /** {@code &sort=...&order=...} for a link that keeps this order; empty for the default order. */
  String linkParameters() {
    return equals(BY_KEY) ? "" : "&sort=" + sort + "&order=" + (descending ? "desc" : "asc");
  }

  /** The field's value, null when the summary lacks it or it is null: sorted last by the caller. */
  private static JsonNode valueOf(final JsonNode summary, final String field) {
    final JsonNode value = summary.get(field);
    return value == null || value.isNull() ? null : value;
  }
}
