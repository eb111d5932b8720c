package io.github.irls.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The other instances of the same application, as the HTTP API needs them to answer for keys
 * hosted elsewhere (see {@link HttpApi}). Addresses are {@code host:port} of their HTTP servers
 * (their Kafka Streams {@code application.server}).
 */
public interface Peers {

  /** A single instance: every key is answered here. */
  Peers NONE = new Peers() {
    @Override
    public Owner owner(final String key) {
      return Owner.LOCAL;
    }

    @Override
    public List<String> others() {
      return List.of();
    }
  };

  /** Where the model {@code key} is hosted. */
  Owner owner(String key);

  /** The other instances hosting models (this one left out), without duplicates. */
  List<String> others();

  /**
   * One place a request for a key may be answered: here, or by the instance at {@code host}; from
   * the active store, or from a standby copy when {@code stale}.
   */
  record Source(String host, boolean stale) {
    public static final Source HERE = new Source(null, false);
    public static final Source HERE_STALE = new Source(null, true);

    public boolean here() {
      return host == null;
    }
  }

  /**
   * Where a key is hosted.
   *
   * @param active {@code host:port} of the instance holding the active store; null when this
   *     instance is active (or nobody is known yet), so the key is answered here
   * @param standbys {@code host:port} of the other instances holding a standby copy
   * @param standbyHere whether this instance holds a standby copy
   */
  record Owner(String active, List<String> standbys, boolean standbyHere) {

    /** Answer here. */
    public static final Owner LOCAL = new Owner(null, List.of(), false);

    public Owner {
      standbys = List.copyOf(standbys);
    }

    public boolean local() {
      return active == null;
    }

    /**
     * Where a request for the key is answered, in the order to try: here when this instance is
     * active; else by the active instance, then by this instance's standby copy if it has one, else
     * by each other standby.
     */
    public List<Source> sources() {
      if (local()) {
        return List.of(Source.HERE);
      }
      final List<Source> sources = new ArrayList<>();
      sources.add(new Source(active, false));
      if (standbyHere) {
        sources.add(Source.HERE_STALE);
      } else {
        standbys.forEach(standby -> sources.add(new Source(standby, true)));
      }
      return sources;
    }
  }
}
