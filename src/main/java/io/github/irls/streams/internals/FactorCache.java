package io.github.irls.streams.internals;

import io.github.irls.glm.FactoredPosterior;
import io.github.irls.streams.ModelState;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The factored posteriors of the models a task has scored with lately, so that a model is factored
 * ({@code O(d^3)}) once per version, not once per request ({@code O(d^2)} then). Bounded by bytes:
 * the least recently used factors go first, and a factor larger than the whole budget is not kept.
 * An entry is used only for the same version and the same coefficients, so that a model rewritten
 * under its version (a reset keeps the version) is never scored with a stale factor. One per
 * scoring processor (a task's thread) and one for the HTTP API's threads: thread-safe.
 */
public final class FactorCache {

  private final long budgetBytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long usedBytes;
  private long factorizations;

  private record Entry(long version, double[] coefficients, FactoredPosterior factor, long bytes) {}

  public FactorCache(final long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** The factored posterior of {@code state}, the model of {@code key}; empty if it cannot be factored. */
  public synchronized Optional<FactoredPosterior> factor(final String key, final ModelState state) {
    final Entry cached = entries.get(key);
    if (cached != null && cached.version() == state.version()
        && Arrays.equals(cached.coefficients(), state.coefficients())) {
      return Optional.of(cached.factor());
    }
    if (cached != null) {
      remove(key);
    }
    factorizations++;
    final Optional<FactoredPosterior> factor = FactoredPosterior.of(state.posterior());
    if (factor.isPresent()) {
      final long d = state.dimension();
      // L (d x d) and b, as FactoredPosterior keeps them, plus b once more here
      final long bytes = 8 * (d * d + 2 * d) + 2L * key.length() + 64;
      if (bytes <= budgetBytes) {
        evictFor(bytes);
        entries.put(key, new Entry(state.version(), state.coefficients().clone(), factor.get(), bytes));
        usedBytes += bytes;
      }
    }
    return factor;
  }

  /** How many factorizations {@link #factor} has made (for tests). */
  synchronized long factorizations() {
    return factorizations;
  }

  /** The bytes the kept factors take, as estimated. */
  synchronized long usedBytes() {
    return usedBytes;
  }

  private void evictFor(final long bytes) {
    final Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
    while (usedBytes + bytes > budgetBytes && eldest.hasNext()) {
      usedBytes -= eldest.next().getValue().bytes();
      eldest.remove();
    }
  }

  private void remove(final String key) {
    final Entry removed = entries.remove(key);
    if (removed != null) {
      usedBytes -= removed.bytes();
    }
  }
}
