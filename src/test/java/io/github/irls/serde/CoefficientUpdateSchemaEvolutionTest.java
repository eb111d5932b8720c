package io.github.irls.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.irls.avro.CoefficientUpdate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The progressive-validation fields of {@code CoefficientUpdate} are an evolution both ways: a
 * consumer built on the schema from before them reads new updates, and today's reader reads updates
 * written before them (with the fields' defaults).
 */
class CoefficientUpdateSchemaEvolutionTest {

  private static Schema before() throws IOException {
    try (InputStream in = CoefficientUpdateSchemaEvolutionTest.class
        .getResourceAsStream("/schemas/CoefficientUpdate-before-progressive-validation.avsc")) {
      return new Schema.Parser().parse(in);
    }
  }

  private static CoefficientUpdate update() {
    return CoefficientUpdate.newBuilder().setModelKey("k").setVersion(3).setWindowStart(0).setWindowEnd(9)
        .setWindowEvents(10).setWindowWeight(10).setEventsTotal(30).setWeightTotal(30).setLateEvents(0)
        .setFeatureNames(List.of("intercept", "x1")).setCoefficients(List.of(0.5, -1.0))
        .setStdErrors(List.of(0.1, 0.2)).setWindowLoglik(-6.5).setGradientNorm(0.1).setStepNorm(0.2)
        .setIterations(4).setStepMode("renewable").setStatus("OK").setProgressiveLogloss(0.65)
        .setProgressiveBrier(0.23).setExpectedPositives(4.2).setObservedPositives(5.0).setProgressiveAuc(0.71)
        .setProgressiveAucErrorBound(0.01).setLoglossZ(4.5).setDriftSuspected(true).build();
  }

  @Test
  void shouldBeReadableByAConsumerOfTheSchemaFromBeforeTheValidationFields() throws IOException {
    // Given an update written with today's schema
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(CoefficientUpdate.class).write(update(), encoder);
    encoder.flush();

    // When a consumer on the old schema reads it
    final GenericRecord old = new GenericDatumReader<GenericRecord>(CoefficientUpdate.getClassSchema(), before())
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

    // Then it reads every field it knows, and the schemas say the same
    assertThat(old.get("version")).isEqualTo(3L);
    assertThat(old.get("coefficients")).asList().containsExactly(0.5, -1.0);
    assertThat(old.get("status").toString()).isEqualTo("OK");
    assertThat(old.getSchema().getField("logloss_z")).isNull();
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(before(), CoefficientUpdate.getClassSchema())
        .getType()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
  }

  @Test
  void shouldReadAnUpdateWrittenBeforeTheValidationFieldsWithTheirDefaults() throws IOException {
    // Given an update written with the old schema
    final Schema before = before();
    final GenericRecord old = new GenericData.Record(before);
    for (final Schema.Field f : before.getFields()) {
      old.put(f.name(), update().get(f.name()));
    }
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(before).write(old, encoder);
    encoder.flush();

    // When today's reader reads it
    final CoefficientUpdate read = new SpecificDatumReader<CoefficientUpdate>(before, CoefficientUpdate.getClassSchema())
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

    // Then the old fields are there and the new ones hold their defaults
    assertThat(read.getVersion()).isEqualTo(3L);
    assertThat(read.getCoefficients()).containsExactly(0.5, -1.0);
    assertThat(read.getProgressiveLogloss()).isNull();
    assertThat(read.getLoglossZ()).isNull();
    assertThat(read.getProgressiveAuc()).isNull();
    assertThat(read.getDriftSuspected()).isFalse();
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(CoefficientUpdate.getClassSchema(), before)
        .getType()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
  }
}
