package io.github.irls.http;

import io.github.irls.query.ModelQueries;
import io.github.irls.query.ModelView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link ModelQueries} over models held in memory: active ones and standby-only copies, keys in
 * order. It records the keys of the active models read, so that a test can tell what a route read.
 */
final class InMemoryModels implements ModelQueries {

  private final Map<String, ModelView> active;
  private final Map<String, ModelView> standby;
  private final List<String> read = new ArrayList<>();

  InMemoryModels(final Map<String, ModelView> active, final Map<String, ModelView> standby) {
    this.active = new TreeMap<>(active);
    this.standby = new TreeMap<>(standby);
  }

  /** Adds (or replaces) an active model. */
  void put(final ModelView model) {
    active.put(model.key(), model);
  }

  /** The keys of the active models read so far, in the order asked; cleared by {@link #forgetReads}. */
  synchronized List<String> read() {
    return List.copyOf(read);
  }

  synchronized void forgetReads() {
    read.clear();
  }

  @Override
  public synchronized Optional<ModelView> model(final String key) {
    read.add(key);
    return Optional.ofNullable(active.get(key));
  }

  @Override
  public Optional<ModelView> staleModel(final String key) {
    return Optional.ofNullable(active.getOrDefault(key, standby.get(key)));
  }

  @Override
  public List<String> keys(final int offset, final int limit) {
    return page(active.keySet(), offset, limit);
  }

  /** The page of {@code keys} (in their order) from {@code offset}, at most {@code limit} of them. */
  static List<String> page(final Collection<String> keys, final int offset, final int limit) {
    final List<String> all = new ArrayList<>(keys);
    return all.subList(Math.min(offset, all.size()), (int) Math.min(all.size(), (long) offset + limit));
  }

  @Override
  public Health health() {
    return new Health("RUNNING", true);
  }
}
