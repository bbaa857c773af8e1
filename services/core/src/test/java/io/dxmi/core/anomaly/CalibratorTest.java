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

    private static Calibration labelled(float[] normal, float[] anomalous, ThresholdCriterion criterion) {
        return Calibrator.withAnomalies(normal, anomalous, criterion, "n", "a", "w");
    }

    @Test
    void eachCriterionMatchesTheHandComputation() {
        // normal 1..6 (N = 6), anomalous 5, 7, 8 (P = 3). Candidates (energy > t):
        //   t   tp fp   F1 = 2tp/(2tp+fp+fn)   balanced F1 = 2TPR/(1+TPR+FPR)   J = TPR-FPR
        //   8   0  0    0                      0                                0
        //   7   1  0    2/5 = 0.4              (2/3)/(4/3) = 0.5                1/3
        //   6   2  0    4/5 = 0.8              (4/3)/(5/3) = 0.8                2/3
        //   5   2  1    4/6                    (4/3)/(11/6) = 8/11              1/2
        //   4   3  2    6/8 = 0.75             2/(7/3) = 6/7 = 0.857            2/3 (a tie with 6: the higher wins)
        //   3   3  3    6/9                    2/2.5 = 0.8                      1/2
        //   lower thresholds only add false positives.
        float[] normal = {3, 1, 6, 2, 5, 4};
        float[] anomalous = {8, 5, 7};
        Calibration f1 = labelled(normal, anomalous, ThresholdCriterion.F1);
        assertEquals(6.0, f1.threshold());
        assertEquals(0.8, f1.achieved().f1(), 1e-12);
        assertEquals(0.8, f1.achieved().objective(), 1e-12);
        assertEquals(2.0 / 3, f1.achieved().tpr(), 1e-12);
        assertEquals(1.0, f1.achieved().precision(), 1e-12);
        assertEquals(0.0, f1.achieved().fpr(), 1e-12);
        assertEquals(1.0, f1.scoreMin());
        assertEquals(8.0, f1.scoreMax());
        assertEquals("f1", f1.method());
        assertEquals(3, f1.anomalousCount());
        // AUROC: pairs (anomalous > normal) = 5 + 6 + 6 with the tie 5 = 5 counting 1/2: 16.5 of 18.
        assertEquals(16.5 / 18, f1.achieved().auroc(), 1e-12);

        Calibration balanced = labelled(normal, anomalous, ThresholdCriterion.BALANCED_F1);
        assertEquals(4.0, balanced.threshold());
        assertEquals(6.0 / 7, balanced.achieved().objective(), 1e-12);
        assertEquals(0.75, balanced.achieved().f1(), 1e-12);
        assertEquals(2.0 / 6, balanced.achieved().fpr(), 1e-12);
        assertEquals("balanced-f1", balanced.method());

        Calibration youden = labelled(normal, anomalous, ThresholdCriterion.YOUDEN);
        assertEquals(6.0, youden.threshold());
        assertEquals(2.0 / 3, youden.achieved().objective(), 1e-12);
        assertEquals("youden", youden.method());
    }

    @Test
    void nineAnomaliesToOneNormalNoLongerFlagEverything() {
        // normal {2, 4} (N = 2); anomalous 1, 1.5, eight at 3, eight at 5 (P = 18: 9 to 1). Candidates:
        //   t     tp fp   F1                   balanced F1 = 2TPR/(1+TPR+FPR)        J = TPR-FPR
        //   <1    18 2    36/38 = 0.947        2/3 = 0.667                           0
        //   1     17 2    34/37 = 0.919        (17/9)/(1+17/18+1) = 0.642            -1/18
        //   1.5   16 2    32/36 = 0.889        (16/9)/(1+8/9+1) = 0.615              -1/9
        //   2     16 1    32/35 = 0.914        (16/9)/(1+8/9+1/2) = 32/43 = 0.744    8/9-1/2 = 0.389
        //   3     8  1    16/27 = 0.593        (8/9)/(1+4/9+1/2) = 16/35 = 0.457     -1/18
        //   4     8  0    16/26 = 0.615        (8/9)/(1+4/9) = 8/13 = 0.615          4/9 = 0.444
        //   5     0  0    0                    0                                     0
        // anomalib's F1 flags every row (below the lowest normal); the balanced F1 and Youden's J do not.
        float[] normal = {4, 2};
        float[] anomalous = new float[18];
        anomalous[0] = 1;
        anomalous[1] = 1.5f;
        for (int i = 2; i < 18; i++) {
            anomalous[i] = i % 2 == 0 ? 3 : 5;
        }
        Calibration f1 = labelled(normal, anomalous, ThresholdCriterion.F1);
        assertTrue(f1.threshold() < 1, "plain F1 flags everything: " + f1.threshold());
        assertEquals(1.0, f1.achieved().fpr());
        assertEquals(36.0 / 38, f1.achieved().objective(), 1e-12);

        Calibration balanced = labelled(normal, anomalous, ThresholdCriterion.BALANCED_F1);
        assertEquals(2.0, balanced.threshold());
        assertEquals(32.0 / 43, balanced.achieved().objective(), 1e-12);
        assertEquals(0.5, balanced.achieved().fpr(), 1e-12);
        assertEquals(16.0 / 18, balanced.achieved().tpr(), 1e-12);
        assertEquals(32.0 / 35, balanced.achieved().f1(), 1e-12);

        Calibration youden = labelled(normal, anomalous, ThresholdCriterion.YOUDEN);
        assertEquals(4.0, youden.threshold());
        assertEquals(4.0 / 9, youden.achieved().objective(), 1e-12);
        assertEquals(0.0, youden.achieved().fpr());
    }

    @Test
    void theBalancedF1IsPlainF1OnABalancedSetAndIgnoresTheRatio() {
        // On a balanced set the two F1s agree; repeating each anomalous row nine times changes
        // plain F1's choice but not the balanced one's.
        float[] normal = {3, 1, 6, 2, 5, 4};
        float[] anomalous = {8, 5, 7, 2.5f, 6.5f, 9};
        assertEquals(labelled(normal, anomalous, ThresholdCriterion.F1).threshold(),
                labelled(normal, anomalous, ThresholdCriterion.BALANCED_F1).threshold());
        float[] nine = new float[anomalous.length * 9];
        for (int i = 0; i < nine.length; i++) {
            nine[i] = anomalous[i % anomalous.length];
        }
        assertEquals(labelled(normal, anomalous, ThresholdCriterion.BALANCED_F1).threshold(),
                labelled(normal, nine, ThresholdCriterion.BALANCED_F1).threshold());
        assertNotEquals(labelled(normal, anomalous, ThresholdCriterion.F1).threshold(),
                labelled(normal, nine, ThresholdCriterion.F1).threshold());
        assertEquals(ThresholdCriterion.YOUDEN, ThresholdCriterion.of("youden"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThresholdCriterion.of("auc"));
        assertTrue(e.getMessage().contains("balanced-f1, f1, youden"), e.getMessage());
    }

    @Test
    void separableDataPutsTheThresholdAtTheHighestNormal() {
        // normal {1, 2}, anomalous {3, 4}: t = 2 separates them (F1 1); t = 3 misses one (F1 2/3).
        for (ThresholdCriterion criterion : ThresholdCriterion.values()) {
            Calibration c = labelled(new float[] {1, 2}, new float[] {3, 4}, criterion);
            assertEquals(2.0, c.threshold(), criterion.label());
            assertEquals(1.0, c.achieved().f1());
            assertEquals(1.0, c.achieved().auroc());
        }
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
