package io.dxmi.anomalyscorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.ScoreTimings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON line {@code dxmi scores} prints for one score: the fields scripts rely on and the three latencies. */
class ScoresReaderTest {

    private static AnomalyScore score(long captured, long batchTakenUp, long scored) {
        return AnomalyScore.newBuilder().setCameraId("cam-3").setFrameId(41).setCaptureTimeMicros(captured)
                .setEnergy(1.5).setScore(0.75).setAnomalous(true).setThreshold(1.0).setThresholdId("calib-7")
                .setModelVersion("m@abcd").setLabel(2).setScorer("scorer-0")
                .setTimings(ScoreTimings.newBuilder().setReceivedAtMicros(batchTakenUp).setScoredAtMicros(scored)
                        .setBatchSize(12).build())
                .build();
    }

    @Test
    void theLatenciesSplitAFramesTimeIntoItsStages() {
        // Captured at 1,000,000 µs, its batch taken up 4.5 ms later, scored 12.25 ms after capture, read 30 ms after capture.
        Map<String, Object> m = ScoresReader.toMap(score(1_000_000, 1_004_500, 1_012_250), 1_030_000);
        assertEquals(4.5, (double) m.get("received_latency_ms"), 1e-9);
        assertEquals(12.25, (double) m.get("latency_ms"), 1e-9);
        assertEquals(30.0, (double) m.get("delivered_latency_ms"), 1e-9);
        assertEquals(1_000_000L, m.get("capture_time_us"));
    }

    @Test
    void theFieldsScriptsRelyOnAreThere() {
        Map<String, Object> m = ScoresReader.toMap(score(0, 1, 2), 3);
        assertEquals("cam-3", m.get("camera_id"));
        assertEquals(41L, m.get("frame_id"));
        assertEquals(1.5, m.get("energy"));
        assertEquals(0.75, m.get("score"));
        assertEquals(true, m.get("anomalous"));
        assertEquals(2, m.get("label"));
        assertEquals("m@abcd", m.get("model_version"));
        assertEquals("calib-7", m.get("threshold_id"));
        assertEquals(12, m.get("batch_size"));
        assertEquals("scorer-0", m.get("scorer"));
        assertFalse(m.containsKey("map"));
        assertNull(m.get("map_shape"));
        assertEquals(List.of("camera_id", "frame_id", "energy", "score", "anomalous", "label"),
                List.copyOf(m.keySet()).subList(0, 6));
    }
}
