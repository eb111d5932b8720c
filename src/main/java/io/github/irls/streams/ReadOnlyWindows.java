package io.github.irls.streams;

import java.util.List;
import java.util.Optional;

/**
 * The open windows of the {@value IrlsTopology#WINDOWS_STORE} store, read-only, as interactive
 * queries see them ({@link IrlsStores#windows}). Reads what the last commit wrote: an open window
 * may be up to one commit interval ahead of what is shown. Thread-safe.
 */
public interface ReadOnlyWindows {

  /** The window of {@code modelKey}, if the key is known here (it has had a valid event). */
  Optional<OpenWindow> window(String modelKey);

  /** Every key known here with its window, open or empty, in key order. */
  List<OpenWindow> all();

  /** Events held in the store for open windows: rows kept for iterating steps, or counted into statistics. */
  long storedEvents();

  /** Bytes of the store's records, keys and values (the payload RocksDB keeps, before its own overhead). */
  long storedBytes();
}
