package io.github.irls.csv;

import io.github.irls.glm.CoefficientNames;
import io.github.irls.glm.Design;
import java.util.List;

/**
 * What {@link GroupedCsvReader} read: one design per model key, in the order in which the keys first
 * appear in the input.
 *
 * @param featureNames the feature columns' header names, in file order (the coefficients are
 *     {@code intercept} followed by these)
 * @param hasWeight whether the file had a {@code weight} column
 * @param hasOffset whether the file had an {@code offset} column
 * @param models the rows of each model key
 * @param rows data rows read (blank lines not counted)
 */
public record GroupedRows(
    List<String> featureNames, boolean hasWeight, boolean hasOffset, List<ModelRows> models, long rows) {

  public GroupedRows {
    featureNames = List.copyOf(featureNames);
    models = List.copyOf(models);
  }

  /** {@code intercept, <feature names>}: the names of the coefficients of every model. */
  public List<String> coefNames() {
    return CoefficientNames.of(featureNames);
  }

  /**
   * The rows of one model key.
   *
   * @param key the {@code model} column's value
   * @param design the rows, in file order
   */
  public record ModelRows(String key, Design design) {}
}
