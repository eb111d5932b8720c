package io.github.irls.app;

import io.github.irls.http.Peers;
import io.github.irls.streams.IrlsTopology;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@link Peers} from Kafka Streams' metadata: {@code queryMetadataForKey} on {@link
 * IrlsTopology#MODELS_STORE} for the owner of a key, {@code streamsMetadataForStore} for the other
 * instances. Every instance advertises its HTTP {@code host:port} as {@code application.server}.
 * While the metadata is unavailable (starting, rebalancing) every key is answered locally.
 */
final class StreamsPeers implements Peers {

  private static final Serializer<String> KEYS = Serdes.String().serializer();

  private final KafkaStreams streams;
  private final HostInfo self;

  StreamsPeers(final KafkaStreams streams, final String applicationServer) {
    this.streams = streams;
    this.self = HostInfo.buildFromEndpoint(applicationServer);
  }

  @Override
  public Owner owner(final String key) {
    final KeyQueryMetadata metadata;
    try {
      metadata = streams.queryMetadataForKey(IrlsTopology.MODELS_STORE, key, KEYS);
    } catch (final RuntimeException e) {
      return Owner.LOCAL; // not started, or shutting down
    }
    if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE) {
      return Owner.LOCAL;
    }
    final HostInfo active = metadata.activeHost();
    if (active == null || active.port() < 0 || active.equals(self)) {
      return Owner.LOCAL;
    }
    final List<String> standbys = new ArrayList<>();
    boolean here = false;
    for (final HostInfo h : metadata.standbyHosts()) {
      if (h.equals(self)) {
        here = true;
      } else if (h.port() >= 0) {
        standbys.add(endpoint(h));
      }
    }
    return new Owner(endpoint(active), standbys, here);
  }

  @Override
  public List<String> others() {
    final Set<String> hosts = new LinkedHashSet<>();
    try {
      for (final StreamsMetadata m : streams.streamsMetadataForStore(IrlsTopology.MODELS_STORE)) {
        final HostInfo h = m.hostInfo();
        if (!h.equals(self) && h.port() >= 0) {
          hosts.add(endpoint(h));
        }
      }
    } catch (final RuntimeException e) {
      return List.of();
    }
    return List.copyOf(hosts);
  }

  private static String endpoint(final HostInfo h) {
    return h.host() + ":" + h.port();
  }
}
