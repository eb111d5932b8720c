package io.github.irls.http;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Peers as a test lays them out: each key's owner from a map (else here), and the other instances. */
record MapPeers(Map<String, Peers.Owner> owners, List<String> others) implements Peers {

  MapPeers {
    others = List.copyOf(new LinkedHashSet<>(others));
  }

  @Override
  public Owner owner(final String key) {
    return owners.getOrDefault(key, Owner.LOCAL);
  }
}
