package io.dxmi.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.schemas.TrajectoryBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Demonstrates the evolution rules of schemas/README.md with hand-written "v2" schemas of
 * TrajectoryBatch (test resources under evolution/; they are not part of the product).
 */
class EvolutionTest {

    private static final Schema V1 = TrajectoryBatch.getClassSchema();

    @BeforeAll
    static void trustGeneratedClasses() {
        // These tests build raw Avro decoders; loading Codecs first makes Avro trust io.dxmi.schemas.
        Codecs.store();
    }

    private static Schema load(String name) throws IOException {
        try (InputStream in = EvolutionTest.class.getResourceAsStream("/evolution/" + name + ".avsc")) {
            return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** A record of {@code schema} with the golden v1 values for every field {@code schema} has. */
    private static GenericRecord asGeneric(Schema schema, TrajectoryBatch v1) {
        GenericRecordBuilder builder = new GenericRecordBuilder(schema);
        for (Schema.Field field : schema.getFields()) {
            Schema.Field old = V1.getField(field.name());
            if (old != null) {
                builder.set(field, v1.get(old.pos()));
            } else if (!field.hasDefaultValue()) {
                builder.set(field, 0.7);
            }
        }
        return builder.build();
    }

    private static byte[] encode(Schema writer, GenericRecord record) throws IOException {
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record).array();
    }

    private static TrajectoryBatch original() {
        return CodecsTest.trajectories(2, 3, 4);
    }

    private static void assertSameV1Fields(TrajectoryBatch expected, GenericRecord actual) {
        for (Schema.Field field : V1.getFields()) {
            Object value = actual.get(field.name());
            assertEquals(GenericData.get().deepCopy(field.schema(), expected.get(field.pos())),
                    value instanceof CharSequence ? value.toString() : value, field.name());
        }
    }

    @Test
    void addedFieldWithDefault_oldDataReadsIntoNewReader() throws IOException {
        Schema v2 = load("TrajectoryBatch.v2-added");
        // The v2 reader's store holds v1 (Codecs.store() holds every released version).
        BinaryMessageDecoder<GenericRecord> v2Reader =
                new BinaryMessageDecoder<>(GenericData.get(), v2, Codecs.store());
        TrajectoryBatch old = original();
        GenericRecord read = v2Reader.decode(Codecs.encode(old));
        assertEquals(1.0, read.get("temperature"));
        assertSameV1Fields(old, read);
        // The committed v1 golden file too.
        GenericRecord golden = v2Reader.decode(GoldenRecordsTest.golden("TrajectoryBatch.v1.bin"));
        assertEquals(1.0, golden.get("temperature"));
        assertEquals("batch-0007", golden.get("batchId").toString());
    }

    @Test
    void addedFieldWithDefault_newDataReadsIntoOldReaderThatKnowsTheNewSchema() throws IOException {
        Schema v2 = load("TrajectoryBatch.v2-added");
        TrajectoryBatch old = original();
        GenericRecord newer = asGeneric(v2, old);
        newer.put("temperature", 0.25);
        byte[] v2Bytes = encode(v2, newer);

        // An old reader whose store was given the v2 schema resolves it: the new field is skipped.
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(v2);
        BinaryMessageDecoder<TrajectoryBatch> v1Reader =
                new BinaryMessageDecoder<>(SpecificData.get(), V1, store);
        assertEquals(old, v1Reader.decode(v2Bytes));

        // Without it, the old reader refuses cleanly: deploy readers before writers.
        SchemaException e = assertThrows(SchemaException.class,
                () -> Codecs.decode(TrajectoryBatch.class, v2Bytes));
        assertTrue(e.getMessage().startsWith("unknown schema fingerprint"), e.getMessage());
    }

    @Test
    void removedFieldThatHasADefault_newDataReadsIntoCurrentClass() throws IOException {
        Schema v2 = load("TrajectoryBatch.v2-removed");
        assertEquals(null, v2.getField("iteration"));
        TrajectoryBatch old = original();
        old.setIteration(99L);
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(v2);
        TrajectoryBatch read = new BinaryMessageDecoder<TrajectoryBatch>(SpecificData.get(), V1, store)
                .decode(encode(v2, asGeneric(v2, old)));
        assertEquals(-1L, read.getIteration(), "the reader's default fills the removed field");
        assertEquals(old.getBatchId(), read.getBatchId());
        assertEquals(old.getStates(), read.getStates());
        // And v1 data still reads into the v2 reader: the writer's extra field is skipped.
        GenericRecord back = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), v2,
                Codecs.store()).decode(Codecs.encode(old));
        assertEquals(old.getBatchId(), back.get("batchId").toString());
    }

    @Test
    void removedFieldWithoutDefault_cannotBeReadByTheCurrentClass() throws IOException {
        Schema v2 = load("TrajectoryBatch.v2-removed-required");
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(v2);
        byte[] bytes = encode(v2, asGeneric(v2, original()));
        AvroTypeException e = assertThrows(AvroTypeException.class,
                () -> new BinaryMessageDecoder<TrajectoryBatch>(SpecificData.get(), V1, store).decode(bytes));
        assertTrue(e.getMessage().contains("actorId"), e.getMessage());
    }

    @Test
    void addedFieldWithoutDefault_cannotReadOldData() throws IOException {
        Schema v2 = load("TrajectoryBatch.v2-added-required");
        BinaryMessageDecoder<GenericRecord> v2Reader =
                new BinaryMessageDecoder<>(GenericData.get(), v2, Codecs.store());
        byte[] v1Bytes = Codecs.encode(original());
        AvroTypeException e = assertThrows(AvroTypeException.class, () -> v2Reader.decode(v1Bytes));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
    }

    @Test
    void compatibilityCheckerAgreesWithTheRules() throws IOException {
        assertCompatible(load("TrajectoryBatch.v2-added"), V1, true); // new reader, old data
        assertCompatible(V1, load("TrajectoryBatch.v2-added"), true); // old reader, new data
        assertCompatible(V1, load("TrajectoryBatch.v2-removed"), true);
        assertCompatible(load("TrajectoryBatch.v2-removed"), V1, true);
        assertCompatible(load("TrajectoryBatch.v2-added-required"), V1, false);
        assertCompatible(V1, load("TrajectoryBatch.v2-removed-required"), false);
        // Type promotion: int widens to long, never the reverse.
        Schema ints = Schema.createRecord("R", null, "t", false,
                List.of(new Schema.Field("n", Schema.create(Schema.Type.INT))));
        Schema longs = Schema.createRecord("R", null, "t", false,
                List.of(new Schema.Field("n", Schema.create(Schema.Type.LONG))));
        assertCompatible(longs, ints, true);
        assertCompatible(ints, longs, false);
    }

    private static void assertCompatible(Schema reader, Schema writer, boolean expected) {
        SchemaCompatibilityType type =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
        assertEquals(expected ? SchemaCompatibilityType.COMPATIBLE : SchemaCompatibilityType.INCOMPATIBLE,
                type, "reader " + reader.getDoc() + " / writer " + writer.getDoc());
    }
}
