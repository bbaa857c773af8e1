package io.dxmi.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

class RocAucTest {

    @Test
    void perfectSeparationIsOne() {
        assertEquals(1.0, RocAuc.auc(new double[] {3, 4, 5}, new double[] {0, 1, 2.5}));
    }

    @Test
    void reversedSeparationIsZero() {
        assertEquals(0.0, RocAuc.auc(new double[] {0, 1}, new double[] {2, 3, 4}));
    }

    @Test
    void allTiesGiveOneHalf() {
        assertEquals(0.5, RocAuc.auc(new double[] {1, 1, 1}, new double[] {1, 1}));
    }

    @Test
    void smallExampleWithTies() {
        // Pairs (pos, neg): 0.9>0.5: 1, 0.9>0.1: 1, 0.5=0.5: 1/2 (twice), 0.5>0.1: 1 (twice).
        // Total 1 + 1 + 2 * (0.5 + 1) = 5 of 6 pairs.
        assertEquals(5.0 / 6.0, RocAuc.auc(new double[] {0.9, 0.5, 0.5}, new double[] {0.5, 0.1}), 1e-15);
    }

    @Test
    void floatOverloadAgrees() {
        assertEquals(5.0 / 6.0, RocAuc.auc(new float[] {0.9f, 0.5f, 0.5f}, new float[] {0.5f, 0.1f}), 1e-15);
    }

    @Test
    void gaussiansOneApartMatchTheoreticalValue() {
        // P(X > Y) for X ~ N(1,1), Y ~ N(0,1) is Phi(1 / sqrt 2) = 0.76025.
        Rng rng = new Rng(42);
        double[] pos = new double[20_000];
        double[] neg = new double[20_000];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = 1 + rng.nextGaussian();
            neg[i] = rng.nextGaussian();
        }
        assertEquals(0.76025, RocAuc.auc(pos, neg), 0.01);
    }

    @Test
    void emptyOrNanInputsThrow() {
        assertThrows(IllegalArgumentException.class, () -> RocAuc.auc(new double[0], new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> RocAuc.auc(new double[] {1}, new double[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RocAuc.auc(new double[] {1}, new double[] {0, 2, Double.NaN}));
        assertTrue(e.getMessage().contains("negative") && e.getMessage().contains("index 2"), e.getMessage());
    }
}
