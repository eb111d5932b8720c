package io.github.irls.streams.internals;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds a {@link WindowStore} over a persistent (RocksDB), changelogged key-value store. The
 * write-behind is the store's own caching, so Kafka Streams' record cache stays off underneath.
 */
public final class WindowStoreBuilder implements StoreBuilder<WindowStore> {

  private final StoreBuilder<KeyValueStore<Bytes, byte[]>> inner;
  private final long maxResidentBytes;

  /**
   * @param name the store's name (and its changelog's)
   * @param maxResidentBytes how much written window state may stay in memory, per task
   */
  public WindowStoreBuilder(final String name, final long maxResidentBytes) {
    this.inner = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
        .withCachingDisabled();
    this.maxResidentBytes = maxResidentBytes;
  }

  /** The store buffers by itself; there is no other cache to enable. */
  @Override
  public WindowStoreBuilder withCachingEnabled() {
    return this;
  }

  /** The write-behind is what makes a window reach the changelog once per commit; it stays. */
  @Override
  public WindowStoreBuilder withCachingDisabled() {
    return this;
  }

  @Override
  public WindowStoreBuilder withLoggingEnabled(final Map<String, String> config) {
    inner.withLoggingEnabled(config);
    return this;
  }

  @Override
  public WindowStoreBuilder withLoggingDisabled() {
    inner.withLoggingDisabled();
    return this;
  }

  @Override
  public WindowStore build() {
    return new WindowStore(inner.build(), maxResidentBytes);
  }

  @Override
  public Map<String, String> logConfig() {
    return inner.logConfig();
  }

  @Override
  public boolean loggingEnabled() {
    return inner.loggingEnabled();
  }

  @Override
  public String name() {
    return inner.name();
  }
}
