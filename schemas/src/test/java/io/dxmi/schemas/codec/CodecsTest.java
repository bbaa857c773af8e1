package io.dxmi.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.SnapshotProvenance;
import io.dxmi.schemas.TrajectoryBatch;
import io.dxmi.schemas.WeightSnapshot;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class CodecsTest {

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> T roundTrip(T record) {
        byte[] bytes = Codecs.encode(record);
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        assertEquals(record.getClass().getSimpleName() + " v" + Codecs.currentVersion(record.getClass()),
                Codecs.identify(bytes));
        T back = Codecs.decode((Class<T>) record.getClass(), bytes);
        assertNotSame(record, back);
        assertEquals(record, back);
        return back;
    }

    static TrajectoryBatch trajectories(int steps, int batch, int dim) {
        float[] states = new float[(steps + 1) * batch * dim];
        Random random = new Random(7);
        for (int i = 0; i < states.length; i++) {
            states[i] = (float) random.nextGaussian();
        }
        return TrajectoryBatch.newBuilder().setRunId("run").setBatchId("b-1").setActorId("a-0")
                .setPolicyVersion(3).setSteps(steps).setBatchSize(batch).setDimension(dim)
                .setSampleShape(List.of(dim)).setCreatedAtMillis(123).setStates(Tensors.pack(states))
                .setIteration(-1).build();
    }

    static WeightSnapshot emptySnapshot() {
        return WeightSnapshot.newBuilder().setRunId("run").setModel("policy").setVersion(0).setStep(0)
                .setSizeBytes(0)
                .setSha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                .setProvenance(SnapshotProvenance.newBuilder().setConfigHash("c").setDataHash("d")
                        .setProducer("value-learner-0").build())
                .setCreatedAtMillis(1).setChunkCount(0).setChunkSizeBytes(1 << 20).build();
    }

    @Test
    void trajectoryBatchRoundTripsWithItsTensor() {
        TrajectoryBatch original = trajectories(4, 8, 3);
        TrajectoryBatch back = roundTrip(original);
        assertArrayEquals(Tensors.unpack(original.getStates()), Tensors.unpack(back.getStates(), 5 * 8 * 3));
    }

    @Test
    void imageShapedTrajectoryBatchRoundTrips() {
        TrajectoryBatch image = trajectories(2, 2, 28 * 28);
        image.setSampleShape(List.of(1, 28, 28));
        assertEquals(List.of(1, 28, 28), roundTrip(image).getSampleShape());
    }

    @Test
    void defaultsApplyWhenNotSet() {
        TrajectoryBatch r = TrajectoryBatch.newBuilder().setRunId("r").setBatchId("b").setActorId("a")
                .setPolicyVersion(1).setSteps(0).setBatchSize(0).setDimension(0).setCreatedAtMillis(0)
                .setStates(ByteBuffer.allocate(0)).build();
        assertEquals(-1L, r.getIteration());
        assertEquals(List.of(), r.getSampleShape());
        roundTrip(r);
        EvaluationReport e = EvaluationReport.newBuilder().setRunId("r").setPolicyVersion(1)
                .setEbmVersion(2).setIteration(3).setMetrics(Map.of()).setCreatedAtMillis(4)
                .setEvaluator("e").build();
        assertEquals(List.of(), roundTrip(e).getFigures());
        assertEquals(-1L, emptySnapshot().getProvenance().getParentVersion());
    }

    @Test
    void everyRecordRoundTrips() {
        WeightSnapshot inline = emptySnapshot();
        inline.setPayload(ByteBuffer.wrap(new byte[900_000]));
        inline.setSizeBytes(900_000);
        roundTrip(inline);
        roundTrip(EvaluationReport.newBuilder().setRunId("run").setPolicyVersion(1).setEbmVersion(2)
                .setIteration(3).setMetrics(Map.of("fid", 1.0, "nll", Double.NaN)).setCreatedAtMillis(4)
                .setEvaluator("ev").setFigures(List.of("a.png")).build());
        WeightSnapshot full = emptySnapshot();
        full.setChunkCount(60);
        full.setSizeBytes(60L * (1 << 20));
        full.getProvenance().setParentVersion(4L);
        roundTrip(full);
    }

    @Test
    void weightSnapshotWithZeroChunksRoundTrips() {
        WeightSnapshot back = roundTrip(emptySnapshot());
        assertEquals(0, back.getChunkCount());
        assertEquals(0L, back.getSizeBytes());
    }

    @Test
    void encodedBytesAreIndependentOfTheBufferPosition() {
        TrajectoryBatch r = trajectories(1, 1, 2);
        byte[] first = Codecs.encode(r);
        assertArrayEquals(first, Codecs.encode(r));
        Tensors.unpack(Codecs.decode(TrajectoryBatch.class, first).getStates(), 4);
    }

    // ---- failures: always a SchemaException with a one-line reason --------------------------------

    private static SchemaException fails(Class<? extends SpecificRecord> type, byte[] bytes) {
        SchemaException e = assertThrows(SchemaException.class, () -> Codecs.decode(type, bytes));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void garbageIsABadHeader() {
        String m = fails(TrajectoryBatch.class, "{\"json\": true}".getBytes()).getMessage();
        assertTrue(m.startsWith("not Avro single-object encoding (bad header 7B22"), m);
        assertTrue(fails(EvaluationReport.class, new byte[0]).getMessage().contains("bad header (empty)"));
        assertTrue(fails(EvaluationReport.class, null).getMessage().contains("null"));
    }

    @Test
    void shortHeaderIsTruncated() {
        byte[] bytes = Arrays.copyOf(Codecs.encode(trajectories(1, 1, 1)), 6);
        assertTrue(fails(TrajectoryBatch.class, bytes).getMessage().startsWith("truncated header"));
    }

    @Test
    void everyTruncationOfEveryRecordIsASchemaException() {
        for (SpecificRecord record : GoldenWriter.records()) {
            byte[] whole = Codecs.encode(record);
            for (int n = 10; n < whole.length; n++) {
                String m = fails(record.getClass().asSubclass(SpecificRecord.class),
                        Arrays.copyOf(whole, n)).getMessage();
                assertTrue(m.startsWith("truncated record of type " + record.getClass().getSimpleName())
                        || m.startsWith("malformed record of type"), m);
            }
        }
        byte[] whole = Codecs.encode(trajectories(2, 2, 2));
        assertEquals("truncated record of type TrajectoryBatch (20 bytes, written as TrajectoryBatch v2)",
                fails(TrajectoryBatch.class, Arrays.copyOf(whole, 20)).getMessage());
    }

    @Test
    void unknownFingerprintNamesTheKnownSchemas() {
        byte[] bytes = Codecs.encode(trajectories(1, 1, 1));
        bytes[2] ^= 0x55;
        String m = fails(TrajectoryBatch.class, bytes).getMessage();
        assertTrue(m.startsWith("unknown schema fingerprint 0x"), m);
        for (Class<? extends SpecificRecord> type : Codecs.recordTypes()) {
            assertTrue(m.contains(type.getSimpleName() + " v1"), m);
        }
        assertThrows(SchemaException.class, () -> Codecs.identify(bytes));
    }

    @Test
    void anotherRecordTypeIsNamed() {
        byte[] bytes = Codecs.encode(emptySnapshot());
        assertEquals("expected a TrajectoryBatch but the message is a WeightSnapshot v3",
                fails(TrajectoryBatch.class, bytes).getMessage());
    }

    @Test
    void corruptedBodiesNeverThrowAnythingElse() {
        Random random = new Random(11);
        List<byte[]> valid = new ArrayList<>();
        for (SpecificRecord record : GoldenWriter.records()) {
            valid.add(Codecs.encode(record));
        }
        List<Class<? extends SpecificRecord>> types = new ArrayList<>();
        GoldenWriter.records().forEach(r -> types.add(r.getClass().asSubclass(SpecificRecord.class)));
        for (int trial = 0; trial < 3000; trial++) {
            int which = random.nextInt(valid.size());
            byte[] bytes = valid.get(which).clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                bytes[10 + random.nextInt(bytes.length - 10)] = (byte) random.nextInt(256);
            }
            try {
                Codecs.decode(types.get(which), bytes);
            } catch (SchemaException expected) {
                assertTrue(!expected.getMessage().contains("\n"));
            }
        }
    }

    @Test
    void aDeclaredLengthBeyondTheRecordIsRefusedWithoutAllocatingIt() {
        // The header, then runId declared longer than the record (zig-zag varint) and nothing more: a
        // stream decoder would allocate the string first; this one checks the length against the bytes.
        String m = fails(WeightSnapshot.class, snapshotDeclaringRunIdOf(1_000_000L)).getMessage();
        assertTrue(m.startsWith("truncated record of type WeightSnapshot"), m);
    }

    @Test
    void aDeclaredLengthBeyondTheFieldCapIsRefused() {
        // 2,000,000,000 bytes: beyond the 16 MiB cap on one field, refused before anything is read.
        String m = fails(WeightSnapshot.class, snapshotDeclaringRunIdOf(2_000_000_000L)).getMessage();
        assertTrue(m.contains("WeightSnapshot") && m.contains("exceeds maximum allowed"), m);
    }

    private static byte[] snapshotDeclaringRunIdOf(long length) {
        byte[] header = Arrays.copyOf(Codecs.encode(emptySnapshot()), 10);
        byte[] bytes = Arrays.copyOf(header, 15);
        long n = length << 1;
        for (int i = 10; i < 15; i++) {
            bytes[i] = (byte) ((n & 0x7F) | (i < 14 ? 0x80 : 0));
            n >>>= 7;
        }
        return bytes;
    }

    @Test
    void missingRequiredFieldFailsToEncodeClearly() {
        TrajectoryBatch incomplete = new TrajectoryBatch();
        SchemaException e = assertThrows(SchemaException.class, () -> Codecs.encode(incomplete));
        assertTrue(e.getMessage().startsWith("cannot encode TrajectoryBatch"), e.getMessage());
    }

    @Test
    void concurrentDecodingIsSafe() throws Exception {
        byte[] a = Codecs.encode(trajectories(3, 4, 5));
        byte[] b = Codecs.encode(emptySnapshot());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        assertEquals(4, Codecs.decode(TrajectoryBatch.class, a).getBatchSize());
                        assertEquals(0, Codecs.decode(WeightSnapshot.class, b).getChunkCount());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
