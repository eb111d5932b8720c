package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.irls.registry.RegistrySettings;
import io.github.irls.registry.SchemaRegistryClient;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.serde.EventFormat;
import java.net.URI;
import java.util.List;
import java.util.Optional;
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
  void shouldDescribeTheRegistryFramedTopologyAsPinned() throws IOException {
    // Given the checked-in description of the topology for events framed for a schema registry
    final String expected;
    try (InputStream in = getClass().getResourceAsStream("/streams/topology-description-registry.txt")) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    final SchemaRegistryClient client = SchemaRegistryClient.create(
        RegistrySettings.of(List.of(URI.create("http://127.0.0.1:1"))));

    // When the topology is built for input.format=registry-avro (nothing asks the registry)
    final Topology topology = IrlsTopology.build(
        TopologySettings.builder().inputFormat(EventFormat.REGISTRY_AVRO).build(), StepListener.NONE,
        InputProgress.UNKNOWN, Optional.of(RegistryInput.of(new WriterSchemas(client))));
    client.close();

    // Then the gate and its store stand in front of both sources, the rest unchanged
    assertThat(topology.describe().toString().strip()).isEqualTo(expected.strip());
  }

  @Test
  void shouldDescribeTheTopologyWithAScoringStreamAsPinned() throws IOException {
    // Given the checked-in description of the topology with a scoring stream
    final String expected;
    try (InputStream in = getClass().getResourceAsStream("/streams/topology-description-scoring.txt")) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    // When the topology is built with requests on irls.scoring
    final Topology topology =
        IrlsTopology.build(TopologySettings.builder().scoring(ScoringStream.from("irls.scoring")).build());

    // Then the scoring source and processor are in the fitting sub-topology, reading its models store,
    // their bad requests going to the one dead-letter processor; the rest unchanged
    assertThat(topology.describe().toString().strip()).isEqualTo(expected.strip());
  }

  @Test
  void shouldRefuseARegistryFramedTopologyWithoutARegistry() {
    // Given / When / Then
    assertThatThrownBy(() -> IrlsTopology.build(
        TopologySettings.builder().inputFormat(EventFormat.REGISTRY_AVRO).build(), StepListener.NONE,
        InputProgress.UNKNOWN, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a schema registry");
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
