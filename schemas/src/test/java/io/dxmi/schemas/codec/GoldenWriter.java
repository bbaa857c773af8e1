package io.dxmi.schemas.codec;

import io.dxmi.schemas.AnomalyMap;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.DeadLetter;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.ScoreTimings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import io.dxmi.schemas.SnapshotProvenance;
import io.dxmi.schemas.ThresholdChange;
import io.dxmi.schemas.TrajectoryBatch;
import io.dxmi.schemas.WeightSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes the golden files {@code src/test/resources/golden/<Record>.v<N>.bin} (N = the current
 * schema version) once, when a schema version is released. It is NOT run by the build: the bytes
 * are committed and never regenerated, so that {@link GoldenRecordsTest} proves that data written
 * by that version stays readable. Existing files are never overwritten.
 *
 * <pre>
 * mvn -B -q -pl schemas test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * cd schemas && java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     io.dxmi.schemas.codec.GoldenWriter
 * </pre>
 */
public final class GoldenWriter {

    private GoldenWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args.length > 0 ? args[0] : "src/test/resources/golden");
        Files.createDirectories(dir);
        for (SpecificRecord record : records()) {
            @SuppressWarnings("unchecked")
            Class<? extends SpecificRecord> type = (Class<? extends SpecificRecord>) record.getClass();
            int version = Codecs.currentVersion(type);
            if (version == 0) {
                throw new IllegalStateException(type.getSimpleName()
                        + ": copy the live schema into the history before writing its golden file");
            }
            Path file = dir.resolve(type.getSimpleName() + ".v" + version + ".bin");
            if (Files.exists(file)) {
                System.out.println("kept    " + file + " (golden files are never rewritten)");
                continue;
            }
            Files.write(file, Codecs.encode(record));
            System.out.println("written " + file);
        }
    }

    /** The fixed values; GoldenRecordsTest asserts them literally. */
    static List<SpecificRecord> records() {
        float[] states = new float[3 * 2 * 3];
        for (int k = 0; k < states.length; k++) {
            states[k] = k * 0.25f - 2f;
        }
        TrajectoryBatch trajectories = TrajectoryBatch.newBuilder()
                .setRunId("run-golden").setBatchId("batch-0007").setActorId("actor-3")
                .setPolicyVersion(42L).setSteps(2).setBatchSize(2).setDimension(3)
                .setSampleShape(List.of(3)).setCreatedAtMillis(1_700_000_000_123L)
                .setStates(Tensors.pack(states)).setIteration(5L)
                .setRolloutState(List.of(1L, -2L, 3_000_000_000_000L, Long.MIN_VALUE, 0x7ff8000000000000L)).build();
        WeightSnapshot snapshot = WeightSnapshot.newBuilder()
                .setRunId("run-golden").setModel("ebm").setVersion(17L).setStep(1_700L)
                .setSizeBytes(3_000_000L)
                .setSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .setProvenance(SnapshotProvenance.newBuilder().setConfigHash("cfg-abc123")
                        .setDataHash("data-def456").setParentVersion(16L).setProducer("ebm-learner-0").build())
                .setCreatedAtMillis(1_700_000_000_789L).setChunkCount(3).setChunkSizeBytes(1_000_000)
                .setFirstChunkOffset(12_345L).setNextTrajectoryOffset(-1L).setEnergyGap(-0.375).build();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("fid", 12.5);
        metrics.put("energy_gap", -0.125);
        metrics.put("auroc", 0.935);
        EvaluationReport report = EvaluationReport.newBuilder()
                .setRunId("run-golden").setPolicyVersion(9L).setEbmVersion(17L).setIteration(5L)
                .setMetrics(metrics).setCreatedAtMillis(1_700_000_001_000L)
                .setEvaluator("evaluator-default")
                .setFigures(List.of("runs/golden/fig-5.png", "runs/golden/hist-5.png")).build();
        DeadLetter dead = DeadLetter.newBuilder()
                .setSourceTopic("trajectories").setPartition(2).setOffset(123_456_789_012L)
                .setKey(ByteBuffer.wrap("batch-0007".getBytes(StandardCharsets.UTF_8)))
                .setPayload(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0x00, 0x7F}))
                .setReason("unknown schema fingerprint 0x0123456789abcdef")
                .setErrorClass("io.dxmi.schemas.codec.SchemaException").setService("ebm-learner-0")
                .setFailedAtMillis(1_700_000_002_000L).build();
        Frame frame = Frame.newBuilder()
                .setCameraId("cam-07").setFrameId(123_456L).setCaptureTimeMicros(1_700_000_003_000_123L)
                .setEncoding("raw").setWidth(3).setHeight(2).setChannels(1)
                .setData(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 127, (byte) 128, (byte) 255}))
                .setLabel(1).setSourceClass(7).build();
        AnomalyScore score = AnomalyScore.newBuilder()
                .setCameraId("cam-07").setFrameId(123_456L).setCaptureTimeMicros(1_700_000_003_000_123L)
                .setEnergy(2.75).setScore(0.625).setAnomalous(true).setThreshold(1.5)
                .setThresholdId("cal-0123456789ab").setModelVersion("fmnist-0@9f86d081884c")
                .setLabel(1)
                .setTimings(ScoreTimings.newBuilder().setReceivedAtMicros(1_700_000_003_001_000L)
                        .setScoredAtMicros(1_700_000_003_004_500L).setBatchSize(32).build())
                .setScorer("scorer-a")
                .setMap(AnomalyMap.newBuilder().setHeight(2).setWidth(2)
                        .setValues(Tensors.pack(new float[] {0f, 0.5f, 1.25f, -0.75f})).build())
                .build();
        ThresholdChange threshold = ThresholdChange.newBuilder()
                .setScorerGroup("anomaly-scorer").setThresholdId("thr-00000000002a").setThreshold(1.5)
                .setScoreMin(-3.25).setScoreMax(9.5).setMethod("fpr").setTargetFpr(0.01)
                .setDataHash("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .setModelWeightsSha256("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
                .setIssuedBy("cli").setCreatedAtMillis(1_700_000_004_000L).build();
        return List.of(trajectories, snapshot, report, dead, frame, score, threshold);
    }
}
