package io.github.irls.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopologySettingsTest {

  @Test
  void shouldStartTheBuilderFromTheDefaults() {
    // Given / When a builder with nothing set
    final TopologySettings built = TopologySettings.builder().build();

    // Then it builds the defaults
    assertThat(built).isEqualTo(TopologySettings.defaults());
    assertThat(built.windowEvents()).isEqualTo(TopologySettings.DEFAULT_WINDOW_EVENTS);
    assertThat(built.stepMode()).isEqualTo(TopologySettings.DEFAULT_STEP_MODE);
  }

  @Test
  void shouldChangeOnlyWhatIsSetAndLeaveTheOriginalAlone() {
    // Given settings with a window of 7 events
    final TopologySettings original = TopologySettings.builder().windowEvents(7).build();

    // When a copy changes the step mode
    final TopologySettings changed = original.toBuilder().stepMode(StepMode.NEWTON).build();

    // Then the copy keeps the window and the original keeps its step mode
    assertThat(changed.windowEvents()).isEqualTo(7);
    assertThat(changed.stepMode()).isEqualTo(StepMode.NEWTON);
    assertThat(original.stepMode()).isEqualTo(StepMode.RENEWABLE);
    assertThat(changed.toBuilder().stepMode(StepMode.RENEWABLE).build()).isEqualTo(original);
  }

  @Test
  void shouldValidateWhenBuilt() {
    // Given a builder with a gamma outside (0, 1]
    final TopologySettings.Builder builder = TopologySettings.builder().gamma(1.5);

    // When / Then building refuses it as the record's constructor does
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gamma");
  }

  @Test
  void shouldRefuseAScoringStreamOnTheTopicsTheTopologyReads() {
    // Given the default events and model-spec topics
    final TopologySettings.Builder builder = TopologySettings.builder();

    // When / Then a scoring stream reading either, or writing predictions to a topic read, is refused
    assertThatThrownBy(() -> builder.scoring(ScoringStream.from(TopologySettings.DEFAULT_EVENTS_TOPIC)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scoring input topic");
    assertThatThrownBy(() -> builder.scoring(ScoringStream.from(TopologySettings.DEFAULT_MODEL_SPECS_TOPIC)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scoring input topic");
    assertThatThrownBy(() -> builder.scoring(new ScoringStream("requests", ScoringStream.DEFAULT_INPUT_FORMAT,
            "requests")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("predictions topic");
    assertThatThrownBy(() -> new ScoringStream(" ", ScoringStream.DEFAULT_INPUT_FORMAT, "p"))
        .isInstanceOf(IllegalArgumentException.class);
    // And one on topics of its own is taken
    assertThat(builder.scoring(ScoringStream.from("requests")).build().scoring())
        .contains(new ScoringStream("requests", ScoringStream.DEFAULT_INPUT_FORMAT, "irls.predictions"));
  }

  @Test
  void shouldRefuseAPredictionSchemaIdWithoutAScoringStream() {
    // Given settings without a scoring stream
    final TopologySettings.Builder builder = TopologySettings.builder().outputSchemaId(1);

    // When / Then an id to frame predictions with is refused, there being no predictions
    assertThatThrownBy(() -> builder.predictionSchemaId(2).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a scoring stream");
    // And with a scoring stream it is taken, beside the id of the updates
    final TopologySettings framed = builder.scoring(ScoringStream.from("requests")).predictionSchemaId(2).build();
    assertThat(framed.predictionSchemaId()).hasValue(2);
    assertThat(framed.outputSchemaId()).hasValue(1);
    assertThat(TopologySettings.defaults().predictionSchemaId()).isEmpty();
  }
}
