package io.github.irls.streams.internals;

import io.github.irls.avro.ModelSpec;
import io.github.irls.serde.AvroSerde;
import io.github.irls.streams.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The model specs of one task: the specs store (model key → the validated {@code ModelSpec} as
 * received) and a bounded cache of the effective specs, so that an event costs no decode.
 */
final class SpecCache {

  /** Cached effective specs beyond this many keys are dropped (and re-read from the store). */
  static final int MAX_CACHED_SPECS = 10_000;

  private final KeyValueStore<String, byte[]> store;
  private final TopologySettings settings;
  private final EffectiveSpec defaults;
  private final Map<Bytes, EffectiveSpec> cache = new HashMap<>();
  private final Deserializer<ModelSpec> decoder = AvroSerde.of(ModelSpec.class).deserializer();

  SpecCache(final KeyValueStore<String, byte[]> store, final TopologySettings settings) {
    this.store = store;
    this.settings = settings;
    this.defaults = EffectiveSpec.defaults(settings);
  }

  /** The defaults of the topology, for a key without a spec. */
  EffectiveSpec defaults() {
    return defaults;
  }

  /** The key's effective spec: its stored model spec over the defaults. */
  EffectiveSpec get(final byte[] key) {
    final Bytes cacheKey = Bytes.wrap(key);
    final EffectiveSpec cached = cache.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    final byte[] raw = store.get(utf8(key));
    EffectiveSpec spec = defaults;
    if (raw != null) {
      try {
        spec = EffectiveSpec.of(decoder.deserialize(null, raw), settings);
      } catch (final RuntimeException e) {
        spec = defaults; // only validated specs are stored; unreadable means another version wrote it
      }
    }
    remember(cacheKey, spec);
    return spec;
  }

  /** Stores {@code raw}, the validated {@code spec} of {@code key}, as its spec from now on. */
  void put(final byte[] key, final byte[] raw, final ModelSpec spec) {
    store.put(utf8(key), raw);
    remember(Bytes.wrap(key), EffectiveSpec.of(spec, settings));
  }

  /** Forgets the spec of {@code key}: the defaults apply from now on. */
  void remove(final byte[] key) {
    store.delete(utf8(key));
    cache.remove(Bytes.wrap(key));
  }

  private void remember(final Bytes key, final EffectiveSpec spec) {
    if (cache.size() >= MAX_CACHED_SPECS && !cache.containsKey(key)) {
      cache.clear();
    }
    cache.put(key, spec);
  }

  private static String utf8(final byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }
}
