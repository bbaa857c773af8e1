package io.dxmi.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.DeadLetter;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.SnapshotProvenance;
import io.dxmi.schemas.ThresholdChange;
import io.dxmi.schemas.TrajectoryBatch;
import io.dxmi.schemas.WeightSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Data written by older schema versions stays readable: every committed golden file (written once
 * by {@link GoldenWriter}, never regenerated) decodes into the CURRENT class with every value
 * intact. When a record gets a v2, add its v2 golden file and keep every v1 test below unchanged,
 * except for asserting the defaults of fields v1 did not have.
 */
class GoldenRecordsTest {

    static byte[] golden(String name) throws IOException {
        try (InputStream in = GoldenRecordsTest.class.getResourceAsStream("/golden/" + name)) {
            assertNotNull(in, "golden file missing: golden/" + name);
            return in.readAllBytes();
        }
    }

    @Test
    void everyHistoryVersionOfEveryRecordHasAGoldenFile() throws IOException {
        for (Class<? extends SpecificRecord> type : Codecs.recordTypes()) {
            int versions = Codecs.history(type).size();
            for (int v = 1; v <= versions; v++) {
                byte[] bytes = golden(type.getSimpleName() + ".v" + v + ".bin");
                assertEquals(type.getSimpleName() + " v" + v, Codecs.identify(bytes));
            }
        }
    }

    @Test
    void trajectoryBatchV1() throws IOException {
        TrajectoryBatch r = Codecs.decode(TrajectoryBatch.class, golden("TrajectoryBatch.v1.bin"));
        assertEquals("run-golden", r.getRunId());
        assertEquals("batch-0007", r.getBatchId());
        assertEquals("actor-3", r.getActorId());
        assertEquals(42L, r.getPolicyVersion());
        assertEquals(2, r.getSteps());
        assertEquals(2, r.getBatchSize());
        assertEquals(3, r.getDimension());
        assertEquals(List.of(3), r.getSampleShape());
        assertEquals(1_700_000_000_123L, r.getCreatedAtMillis());
        assertArrayEquals(new float[] {-2f, -1.75f, -1.5f, -1.25f, -1f, -0.75f, -0.5f, -0.25f, 0f,
            0.25f, 0.5f, 0.75f, 1f, 1.25f, 1.5f, 1.75f, 2f, 2.25f}, Tensors.unpack(r.getStates(), 18));
        assertEquals(5L, r.getIteration());
        // Fields v1 did not have get their defaults.
        assertEquals(List.of(), r.getRolloutState());
    }

    @Test
    void trajectoryBatchV2() throws IOException {
        TrajectoryBatch r = Codecs.decode(TrajectoryBatch.class, golden("TrajectoryBatch.v2.bin"));
        assertEquals("batch-0007", r.getBatchId());
        assertEquals(42L, r.getPolicyVersion());
        assertEquals(18, Tensors.unpack(r.getStates(), 18).length);
        assertEquals(List.of(1L, -2L, 3_000_000_000_000L, Long.MIN_VALUE, 0x7ff8000000000000L), r.getRolloutState());
    }

    @Test
    void weightSnapshotV1() throws IOException {
        WeightSnapshot r = Codecs.decode(WeightSnapshot.class, golden("WeightSnapshot.v1.bin"));
        assertEquals("run-golden", r.getRunId());
        assertEquals("ebm", r.getModel());
        assertEquals(17L, r.getVersion());
        assertEquals(1_700L, r.getStep());
        assertEquals(3_000_000L, r.getSizeBytes());
        assertEquals("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", r.getSha256());
        SnapshotProvenance p = r.getProvenance();
        assertEquals("cfg-abc123", p.getConfigHash());
        assertEquals("data-def456", p.getDataHash());
        assertEquals(16L, p.getParentVersion());
        assertEquals("ebm-learner-0", p.getProducer());
        assertEquals(1_700_000_000_789L, r.getCreatedAtMillis());
        assertEquals(3, r.getChunkCount());
        assertEquals(1_000_000, r.getChunkSizeBytes());
        // Fields v1 did not have get their defaults.
        assertEquals(null, r.getPayload());
        assertEquals(-1L, r.getFirstChunkOffset());
        assertEquals(-1L, r.getNextTrajectoryOffset());
        assertEquals(null, r.getEnergyGap());
    }

    @Test
    void weightSnapshotV2() throws IOException {
        WeightSnapshot r = Codecs.decode(WeightSnapshot.class, golden("WeightSnapshot.v2.bin"));
        assertEquals("ebm", r.getModel());
        assertEquals(17L, r.getVersion());
        assertEquals(3, r.getChunkCount());
        assertEquals(12_345L, r.getFirstChunkOffset());
        assertEquals(-1L, r.getNextTrajectoryOffset());
        assertEquals(null, r.getPayload());
        assertEquals(null, r.getEnergyGap(), "written before v3: no energy gap");
    }

    @Test
    void weightSnapshotV3CarriesTheEnergyGap() throws IOException {
        WeightSnapshot r = Codecs.decode(WeightSnapshot.class, golden("WeightSnapshot.v3.bin"));
        assertEquals("ebm", r.getModel());
        assertEquals(17L, r.getVersion());
        assertEquals(12_345L, r.getFirstChunkOffset());
        assertEquals(-0.375, r.getEnergyGap());
    }

    @Test
    void evaluationReportV1() throws IOException {
        EvaluationReport r = Codecs.decode(EvaluationReport.class, golden("EvaluationReport.v1.bin"));
        assertEquals("run-golden", r.getRunId());
        assertEquals(9L, r.getPolicyVersion());
        assertEquals(17L, r.getEbmVersion());
        assertEquals(5L, r.getIteration());
        assertEquals(Map.of("fid", 12.5, "energy_gap", -0.125, "auroc", 0.935), r.getMetrics());
        assertEquals(1_700_000_001_000L, r.getCreatedAtMillis());
        assertEquals("evaluator-default", r.getEvaluator());
        assertEquals(List.of("runs/golden/fig-5.png", "runs/golden/hist-5.png"), r.getFigures());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void deadLetterV1() throws IOException {
        DeadLetter r = Codecs.decode(DeadLetter.class, golden("DeadLetter.v1.bin"));
        assertEquals("trajectories", r.getSourceTopic());
        assertEquals(2, r.getPartition());
        assertEquals(123_456_789_012L, r.getOffset());
        assertArrayEquals("batch-0007".getBytes(StandardCharsets.UTF_8), bytes(r.getKey()));
        assertArrayEquals(new byte[] {(byte) 0xC3, 0x01, 0x00, 0x7F}, bytes(r.getPayload()));
        assertEquals("unknown schema fingerprint 0x0123456789abcdef", r.getReason());
        assertEquals("io.dxmi.schemas.codec.SchemaException", r.getErrorClass());
        assertEquals("ebm-learner-0", r.getService());
        assertEquals(1_700_000_002_000L, r.getFailedAtMillis());
    }

    @Test
    void frameV1() throws IOException {
        Frame r = Codecs.decode(Frame.class, golden("Frame.v1.bin"));
        assertEquals("cam-07", r.getCameraId());
        assertEquals(123_456L, r.getFrameId());
        assertEquals(1_700_000_003_000_123L, r.getCaptureTimeMicros());
        assertEquals("raw", r.getEncoding());
        assertEquals(3, r.getWidth());
        assertEquals(2, r.getHeight());
        assertEquals(1, r.getChannels());
        assertArrayEquals(new byte[] {0, 1, 2, 127, (byte) 128, (byte) 255}, bytes(r.getData()));
        assertEquals(1, r.getLabel());
        assertEquals(7, r.getSourceClass());
    }

    @Test
    void anomalyScoreV1() throws IOException {
        AnomalyScore r = Codecs.decode(AnomalyScore.class, golden("AnomalyScore.v1.bin"));
        assertEquals("cam-07", r.getCameraId());
        assertEquals(123_456L, r.getFrameId());
        assertEquals(1_700_000_003_000_123L, r.getCaptureTimeMicros());
        assertEquals(2.75, r.getEnergy());
        assertEquals(0.625, r.getScore());
        assertTrue(r.getAnomalous());
        assertEquals(1.5, r.getThreshold());
        assertEquals("cal-0123456789ab", r.getThresholdId());
        assertEquals("fmnist-0@9f86d081884c", r.getModelVersion());
        assertEquals(1, r.getLabel());
        assertEquals(1_700_000_003_001_000L, r.getTimings().getReceivedAtMicros());
        assertEquals(1_700_000_003_004_500L, r.getTimings().getScoredAtMicros());
        assertEquals(32, r.getTimings().getBatchSize());
        assertEquals("scorer-a", r.getScorer());
        assertEquals(2, r.getMap().getHeight());
        assertEquals(2, r.getMap().getWidth());
        assertArrayEquals(new float[] {0f, 0.5f, 1.25f, -0.75f}, Tensors.unpack(r.getMap().getValues(), 4));
    }

    @Test
    void thresholdChangeV1() throws IOException {
        ThresholdChange r = Codecs.decode(ThresholdChange.class, golden("ThresholdChange.v1.bin"));
        assertEquals("anomaly-scorer", r.getScorerGroup());
        assertEquals("thr-00000000002a", r.getThresholdId());
        assertEquals(1.5, r.getThreshold());
        assertEquals(-3.25, r.getScoreMin());
        assertEquals(9.5, r.getScoreMax());
        assertEquals("fpr", r.getMethod());
        assertEquals(0.01, r.getTargetFpr());
        assertEquals("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", r.getDataHash());
        assertEquals("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", r.getModelWeightsSha256());
        assertEquals("cli", r.getIssuedBy());
        assertEquals(1_700_000_004_000L, r.getCreatedAtMillis());
    }

    @Test
    void goldenValuesMatchTheWriterFixtures() throws IOException {
        // Guards GoldenWriter against drifting from the committed bytes' values.
        for (SpecificRecord expected : GoldenWriter.records()) {
            @SuppressWarnings("unchecked")
            Class<SpecificRecord> type = (Class<SpecificRecord>) expected.getClass();
            SpecificRecord actual = Codecs.decode(type,
                    golden(type.getSimpleName() + ".v" + Codecs.currentVersion(type) + ".bin"));
            assertEquals(expected, actual, type.getSimpleName());
            assertTrue(actual.getClass() == type);
        }
    }
}
