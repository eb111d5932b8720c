package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

class IrlsTopologyDescribeTest {

  @Test
  void shouldDescribeTheTopologyAsPinned() throws IOException {
    // Given the checked-in description of the default topology
    final String expected;
    try (InputStream in = getClass().getResourceAsStream("/streams/topology-description.txt")) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    // When the topology is built from the default settings
    final Topology topology = IrlsTopology.build(TopologySettings.defaults());

    // Then its description (processors, stores, topics, wiring) is exactly the pinned one
    assertThat(topology.describe().toString().strip()).isEqualTo(expected.strip());
  }

  @Test
  void shouldBuildEqualDescriptionsFromEqualSettings() {
    // Given one settings value
    final TopologySettings settings = TopologySettings.builder().windowEvents(7).build();

    // When the topology is built twice
    final String first = IrlsTopology.build(settings).describe().toString();
    final String second = IrlsTopology.build(settings).describe().toString();

    // Then the builder is a pure function of its settings
    assertThat(first).isEqualTo(second);
  }
}
