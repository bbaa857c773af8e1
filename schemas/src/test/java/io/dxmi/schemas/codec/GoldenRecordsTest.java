package io.dxmi.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.SnapshotProvenance;
import io.dxmi.schemas.TrajectoryBatch;
import io.dxmi.schemas.WeightSnapshot;
import java.io.IOException;
import java.io.InputStream;
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
