package io.dxmi.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

class NormalizationTest {

    @Test
    void standardizeGivesZeroMeanUnitSampleStd() {
        Rng rng = new Rng(3);
        int n = 500;
        float[] rows = new float[n * 2];
        for (int i = 0; i < n; i++) {
            rows[2 * i] = (float) (10 + 3 * rng.nextGaussian());
            rows[2 * i + 1] = (float) (-2 + 0.01 * rng.nextGaussian());
        }
        Normalization norm = Normalization.standardize(rows, 2);
        assertEquals(2, norm.dimension());
        assertFalse(norm.isIdentity());
        float[] z = norm.toModel(rows);
        for (int d = 0; d < 2; d++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += z[2 * i + d];
            }
            mean /= n;
            double ss = 0;
            for (int i = 0; i < n; i++) {
                ss += Math.pow(z[2 * i + d] - mean, 2);
            }
            assertEquals(0, mean, 1e-4, "mean of column " + d);
            assertEquals(1, Math.sqrt(ss / (n - 1)), 1e-4, "sample std of column " + d);
        }
        assertEquals(10, norm.shift()[0], 0.5);
        assertEquals(3, norm.scale()[0], 0.3);
        float[] back = norm.toData(z);
        for (int i = 0; i < rows.length; i++) {
            assertEquals(rows[i], back[i], 1e-5 * Math.max(1, Math.abs(rows[i])));
        }
    }

    @Test
    void knownSmallExample() {
        // Column 0: 1, 2, 3 (mean 2, sample std 1); column 1: 4, 4, 4 (constant).
        Normalization norm = Normalization.standardize(new float[] {1, 4, 2, 4, 3, 4}, 2);
        assertArrayEquals(new float[] {2, 4}, norm.shift());
        assertArrayEquals(new float[] {1, 1}, norm.scale(), "a constant column keeps scale 1");
        assertArrayEquals(new float[] {-1, 0, 0, 0, 1, 0}, norm.toModel(new float[] {1, 4, 2, 4, 3, 4}));
        Normalization wide = new Normalization(new float[] {1, -1}, new float[] {2, 4});
        assertArrayEquals(new float[] {0.5f, 0.5f}, wide.toModel(new float[] {2, 1}));
        assertArrayEquals(new float[] {2, 1}, wide.toData(new float[] {0.5f, 0.5f}));
    }

    @Test
    void identityChangesNothing() {
        Normalization id = Normalization.identity(3);
        assertTrue(id.isIdentity());
        float[] x = new Rng(4).gaussians(9);
        float[] m = id.toModel(x);
        assertNotSame(x, m);
        assertArrayEquals(x, m);
        assertArrayEquals(x, id.toData(x));
    }

    @Test
    void invalidAndDefensive() {
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[2], new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[1], new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[1], new float[] {-1}));
        assertThrows(IllegalArgumentException.class,
                () -> new Normalization(new float[1], new float[] {Float.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[1], new float[] {Float.NaN}));
        float[] scale = {2f};
        Normalization n = new Normalization(new float[] {0f}, scale);
        scale[0] = 5f;
        n.scale()[0] = 7f;
        assertArrayEquals(new float[] {2f}, n.scale());
    }
}
