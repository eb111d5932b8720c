package io.github.irls.http;

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
  }
}
