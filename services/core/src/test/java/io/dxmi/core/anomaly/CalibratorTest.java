package io.dxmi.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thresholds against quantiles and F1 values computed by hand, and the normalisation's convention. */
class CalibratorTest {

    /** 1, 2, …, n in a shuffled order (the calibrator must not rely on the input order). */
    private static float[] shuffledOneTo(int n, long seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i + 1;
        }
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }

    @Test
    void fprThresholdIsTheHandComputedQuantile() {
        // n = 100 energies 1..100. p = 0.01: k = 1 row may lie above, threshold = e(99) = 99.
        Calibration c = Calibrator.byFalsePositiveRate(shuffledOneTo(100, 1), 0.01, "h", "w");
        assertEquals(99.0, c.threshold());
        assertEquals(0.01, c.achieved().fpr(), 1e-12);
        // p = 0.05: k = 5, threshold e(95) = 95; rows 96..100 above it.
        assertEquals(95.0, Calibrator.byFalsePositiveRate(shuffledOneTo(100, 2), 0.05, "h", "w").threshold());
        // n = 1000, p = 0.01: k = 10, threshold e(990) = 990.
        assertEquals(990.0, Calibrator.byFalsePositiveRate(shuffledOneTo(1000, 3), 0.01, "h", "w").threshold());
        // n = 250, p = 0.01: k = floor(2.5) = 2, threshold e(248); FPR 2/250 = 0.008 <= 0.01.
        Calibration c250 = Calibrator.byFalsePositiveRate(shuffledOneTo(250, 4), 0.01, "h", "w");
        assertEquals(248.0, c250.threshold());
        assertEquals(0.008, c250.achieved().fpr(), 1e-12);
        // p = 0: nothing may be above: the maximum.
        assertEquals(250.0, Calibrator.byFalsePositiveRate(shuffledOneTo(250, 5), 0, "h", "w").threshold());
        // min and max are the data's.
        assertEquals(1.0, c.scoreMin());
        assertEquals(100.0, c.scoreMax());
        assertEquals(Calibration.METHOD_FPR, c.method());
        assertEquals(0.01, c.targetFpr());
        assertEquals(100, c.normalCount());
    }

    @Test
    void tiesNeverPushTheFalsePositiveRateAboveTheTarget() {
        // 0.1 × 10 = 1 row may be above; the top three tie at 9, so the threshold is 9 and none is above.
        float[] e = {1, 2, 3, 4, 5, 6, 7, 9, 9, 9};
        Calibration c = Calibrator.byFalsePositiveRate(e, 0.1, "h", "w");
        assertEquals(9.0, c.threshold());
        assertEquals(0.0, c.achieved().fpr());
    }

    @Test
    void f1OptimalThresholdMatchesTheHandComputation() {
        // normal 1..6, anomalous 5, 7, 8. Candidates (energy > t):
        //   t=8: tp 0 -> F1 0;  t=7: tp 1 fp 0 fn 2 -> 2/5 = 0.4;  t=6: tp 2 fp 0 fn 1 -> 4/5 = 0.8;
        //   t=5: tp 2 fp 1 fn 1 -> 4/6;  t=4: tp 3 fp 2 -> 6/8 = 0.75;  lower thresholds only add false positives.
        float[] normal = {3, 1, 6, 2, 5, 4};
        float[] anomalous = {8, 5, 7};
        Calibration c = Calibrator.f1Optimal(normal, anomalous, "n", "a", "w");
        assertEquals(6.0, c.threshold());
        assertEquals(0.8, c.achieved().f1(), 1e-12);
        assertEquals(2.0 / 3, c.achieved().tpr(), 1e-12);
        assertEquals(1.0, c.achieved().precision(), 1e-12);
        assertEquals(0.0, c.achieved().fpr(), 1e-12);
        assertEquals(1.0, c.scoreMin());
        assertEquals(8.0, c.scoreMax());
        assertEquals(Calibration.METHOD_F1, c.method());
        assertEquals(3, c.anomalousCount());
    }

    @Test
    void f1OnSeparableDataPutsTheThresholdAtTheHighestNormal() {
        // normal {1, 2}, anomalous {3, 4}: t = 2 separates them (F1 1); t = 3 misses one (F1 2/3).
        Calibration c = Calibrator.f1Optimal(new float[] {1, 2}, new float[] {3, 4}, "n", "a", "w");
        assertEquals(2.0, c.threshold());
        assertEquals(1.0, c.achieved().f1());
    }

    @Test
    void normalisationPutsTheThresholdAtOneHalfAndClamps() {
        // anomalib: (x - t) / (max - min) + 0.5, clamped to [0, 1].
        assertEquals(0.5, Calibration.normalise(3, 3, 1, 5), 1e-12);
        assertEquals(0.75, Calibration.normalise(4, 3, 1, 5), 1e-12);
        assertEquals(0.0, Calibration.normalise(1, 3, 1, 5), 1e-12);
        assertEquals(1.0, Calibration.normalise(50, 3, 1, 5), 1e-12);
        assertEquals(0.0, Calibration.normalise(-50, 3, 1, 5), 1e-12);
        Calibration c = Calibrator.manual(3, 1, 5, null);
        assertTrue(c.isAnomalous(3.0001));
        assertTrue(!c.isAnomalous(3));
    }

    @Test
    void badInputIsRefusedWithAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Calibrator.byFalsePositiveRate(new float[] {1, Float.NaN}, 0.01, "h", "w"));
        assertTrue(e.getMessage().contains("row 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Calibrator.byFalsePositiveRate(new float[] {1}, 1.5, "h", "w"));
        assertThrows(IllegalArgumentException.class, () -> Calibrator.byFalsePositiveRate(new float[0], 0.01, "h", "w"));
    }

    @Test
    void theFileRoundTripsAndRefusesOtherWeights(@TempDir Path dir) throws IOException {
        assertTrue(CalibrationFile.read(dir, "w").isEmpty());
        Calibration c = Calibrator.byFalsePositiveRate(shuffledOneTo(100, 7), 0.01, "data-hash", "weights-a");
        CalibrationFile.write(dir, c);
        Calibration back = CalibrationFile.read(dir, "weights-a").orElseThrow();
        assertEquals(c, back);
        IOException other = assertThrows(IOException.class, () -> CalibrationFile.read(dir, "weights-b"));
        assertTrue(other.getMessage().contains("other weights"), other.getMessage());
        Files.writeString(dir.resolve(CalibrationFile.FILE), "{\"format\": \"something else\"}");
        assertThrows(IOException.class, () -> CalibrationFile.read(dir, null));
        // Two calibrations of the same data get different ids.
        assertNotEquals(c.id(), Calibrator.byFalsePositiveRate(shuffledOneTo(100, 7), 0.01, "data-hash", "weights-a").id());
    }
}
