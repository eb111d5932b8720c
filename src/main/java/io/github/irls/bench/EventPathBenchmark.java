package io.github.irls.bench;

import io.github.irls.avro.LabeledEvent;
import io.github.irls.registry.Framing;
import io.github.irls.registry.RegistrySettings;
import io.github.irls.registry.SchemaRegistryClient;
import io.github.irls.registry.WriterSchemas;
import io.github.irls.glm.WindowStatistics;
import io.github.irls.serde.EventBuffer;
import io.github.irls.serde.EventDecoder;
import io.github.irls.serde.EventFormat;
import io.github.irls.streams.internals.EventChecks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-event path of the topology without Kafka, in ns per event: decode the record value into
 * an {@link EventBuffer}, run the stateless checks, fold the event into a newton window's
 * statistics. Run it with JMH's GC profiler to see that a valid Avro event allocates nothing:
 * {@code java -cp target/irls-streams.jar org.openjdk.jmh.Main EventPathBenchmark -prof gc}
 * ({@code gc.alloc.rate.norm} is bytes per event).
 *
 * <p>{@code boxedAvro} is the former path for comparison: Avro's generic reader into the generated
 * {@link LabeledEvent} (a boxed {@code List<Double>}) and a copy into a {@code double[]}.
 *
 * <p>{@code registryAvro} reads the same events framed for a schema registry with LabeledEvent's
 * own schema (the plain decoder after the five framing bytes); {@code registryEvolved} framed with
 * a producer's evolved schema (fields reordered, one added, weight a float, offset absent), read
 * through Avro's schema resolution.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventPathBenchmark {

  /** Distinct encoded events cycled through, so the branch predictor cannot learn one. */
  static final int EVENTS = 256;

  @Param({"10", "50"})
  int p;

  private byte[][] avro;
  private byte[][] json;
  private byte[][] framed;
  private byte[][] evolved;
  private EventDecoder registryDecoder;
  private final EventBuffer buffer = new EventBuffer();
  private EventDecoder avroDecoder;
  private EventDecoder jsonDecoder;
  private org.apache.kafka.common.serialization.Deserializer<LabeledEvent> boxed;
  private WindowStatistics statistics;
  private double[] scratch;

  @Setup
  public void setUp() {
    final SplittableRandom random = new SplittableRandom(17);
    avro = new byte[EVENTS][];
    json = new byte[EVENTS][];
    for (int i = 0; i < EVENTS; i++) {
      final List<Double> x = new ArrayList<>(p);
      for (int j = 0; j < p; j++) {
        x.add(random.nextGaussian());
      }
      final LabeledEvent event = LabeledEvent.newBuilder().setFeatures(x).setLabel(random.nextInt(2)).build();
      avro[i] = EventFormat.AVRO.serde().serializer().serialize("", event);
      json[i] = EventFormat.JSON.serde().serializer().serialize("", event);
    }
    final Schema evolvedSchema = evolvedSchema();
    framed = new byte[EVENTS][];
    evolved = new byte[EVENTS][];
    for (int i = 0; i < EVENTS; i++) {
      framed[i] = Framing.frame(1, avro[i]);
      evolved[i] = Framing.frame(2, evolvedBinary(evolvedSchema, boxedOf(avro[i])));
    }
    final SchemaRegistryClient nowhere = SchemaRegistryClient.create(
        RegistrySettings.of(List.of(URI.create("http://127.0.0.1:1"))));
    registryDecoder = EventFormat.REGISTRY_AVRO.decoder(
        WriterSchemas.preloaded(nowhere, Map.of(1, LabeledEvent.getClassSchema(), 2, evolvedSchema)));
    avroDecoder = EventFormat.AVRO.decoder();
    jsonDecoder = EventFormat.JSON.decoder();
    boxed = EventFormat.AVRO.serde().deserializer();
    final double[] beta = new double[p + 1];
    beta[0] = -0.5;
    for (int j = 1; j <= p; j++) {
      beta[j] = 0.1 * (j % 5) - 0.2;
    }
    statistics = new WindowStatistics(p).reset(beta);
    scratch = new double[p];
  }

  /** Decode (Avro), check, fold: the per-event work of a newton window. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long avro() {
    return decodeCheckFold(avroDecoder, avro);
  }

  /** The same with JSON values (Jackson's streaming parser; its parser objects are per record). */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long json() {
    return decodeCheckFold(jsonDecoder, json);
  }

  /** Framed for a registry with LabeledEvent's own schema. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long registryAvro() {
    return decodeCheckFold(registryDecoder, framed);
  }

  /** Framed for a registry with an evolved producer schema, read through Avro's schema resolution. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long registryEvolved() {
    return decodeCheckFold(registryDecoder, evolved);
  }

  private static LabeledEvent boxedOf(final byte[] avro) {
    return EventFormat.AVRO.serde().deserializer().deserialize("", avro);
  }

  private static Schema evolvedSchema() {
    return new Schema.Parser().parse("""
        {"type": "record", "name": "LabeledEvent", "namespace": "com.example.producer", "fields": [
          {"name": "label", "type": "double"},
          {"name": "source", "type": "string", "default": "unknown"},
          {"name": "features", "type": {"type": "array", "items": "double"}},
          {"name": "weight", "type": "float", "default": 1.0},
          {"name": "event_time", "type": ["null", "long"], "default": null}]}""");
  }

  private static byte[] evolvedBinary(final Schema schema, final LabeledEvent event) {
    final GenericRecord r = new GenericData.Record(schema);
    r.put("label", event.getLabel());
    r.put("source", "web");
    r.put("features", event.getFeatures());
    r.put("weight", (float) (double) event.getWeight());
    r.put("event_time", null);
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new GenericDatumWriter<GenericRecord>(schema).write(r, encoder);
      encoder.flush();
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private long decodeCheckFold(final EventDecoder decoder, final byte[][] values) {
    long valid = 0;
    for (final byte[] value : values) {
      decoder.decode(value, buffer);
      if (EventChecks.check(value, buffer, 1000).isEmpty()) {
        statistics.add(buffer.featureArray(), 0, buffer.label(), buffer.weight(), buffer.offset());
        valid++;
      }
    }
    return valid;
  }

  /** The former decode: the generated record with its boxed features, copied into a double[]. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long boxedAvro() {
    long valid = 0;
    for (int i = 0; i < EVENTS; i++) {
      final LabeledEvent event = boxed.deserialize("", avro[i]);
      final List<Double> x = event.getFeatures();
      for (int j = 0; j < p; j++) {
        scratch[j] = x.get(j);
      }
      statistics.add(scratch, 0, event.getLabel(), event.getWeight(), event.getOffset());
      valid++;
    }
    return valid;
  }
}
