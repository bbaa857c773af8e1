package io.dxmi.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.GradientRecorder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GroupNormTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    /**
     * One sample, 4 channels of 1×2 pixels, 2 groups. Group 0 holds channels 0–1: values 1, 3, 5, 7
     * (mean 4, biased variance 5); group 1 holds channels 2–3: 2, 2, 2, 6 (mean 3, variance 3).
     */
    @Test
    void normalisesEachGroupByItsOwnMeanAndBiasedVariance() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 3, 5, 7, 2, 2, 2, 6}, new Shape(1, 4, 1, 2));
            float[] y = GroupNorm.apply(x, 2, null, null, 0f).toFloatArray();
            float s0 = (float) Math.sqrt(5);
            float s1 = (float) Math.sqrt(3);
            assertArrayEquals(new float[] {-3 / s0, -1 / s0, 1 / s0, 3 / s0, -1 / s1, -1 / s1, -1 / s1, 3 / s1}, y,
                    1e-6f);
        }
    }

    @Test
    void appliesPerChannelScaleAndShiftAfterNormalising() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 3, 5, 7, 2, 2, 2, 6}, new Shape(1, 4, 1, 2));
            NDArray gamma = m.create(new float[] {1, 2, 3, 4});
            NDArray beta = m.create(new float[] {0, 10, 20, 30});
            float[] y = GroupNorm.apply(x, 2, gamma, beta, 0f).toFloatArray();
            float s0 = (float) Math.sqrt(5);
            float s1 = (float) Math.sqrt(3);
            assertArrayEquals(new float[] {-3 / s0, -1 / s0, 2 / s0 + 10, 6 / s0 + 10, -3 / s1 + 20, -3 / s1 + 20,
                -4 / s1 + 30, 12 / s1 + 30}, y, 1e-5f);
        }
    }

    @Test
    void samplesAreNormalisedIndependentlyAndEpsilonEntersTheVariance() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Sample 0 constant (variance 0: only ε keeps it finite), sample 1 = 0, 2.
            NDArray x = m.create(new float[] {5, 5, 0, 2}, new Shape(2, 1, 1, 2));
            float[] y = GroupNorm.apply(x, 1, null, null, 1f).toFloatArray();
            float s = (float) Math.sqrt(1 + 1);
            assertArrayEquals(new float[] {0, 0, -1 / s, 1 / s}, y, 1e-6f);
        }
    }

    @Test
    void refusesChannelsThatDoNotSplitIntoTheGroups() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(1, 6, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> GroupNorm.apply(x, 4, null, null, 1e-5f));
        }
    }

    @Test
    void nearestUpsamplingRepeatsEachPixelTwiceInBothDirections() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            NDArray y = Layers.upsample2x(x);
            assertArrayEquals(new long[] {1, 1, 4, 4}, y.getShape().getShape());
            assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, y.toFloatArray());
        }
    }

    @Test
    void nearestUpsamplingPassesBackTheSumOfEachPixelsFourCopies() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 2, 1, 3));
            x.setRequiresGradient(true);
            float[] w = new float[24];
            for (int i = 0; i < w.length; i++) {
                w[i] = i * 0.5f - 3;
            }
            try (GradientRecorder g = GradientRecorder.open()) {
                g.backward(Layers.upsample2x(x).mul(m.create(w, new Shape(1, 2, 2, 6))).sum());
            }
            // Output (c, 2i + a, 2j + b) copies x(c, i, j): its gradient is the sum of w over those four places.
            float[] expected = new float[6];
            for (int c = 0; c < 2; c++) {
                for (int j = 0; j < 3; j++) {
                    for (int a = 0; a < 2; a++) {
                        for (int b = 0; b < 2; b++) {
                            expected[c * 3 + j] += w[c * 12 + a * 6 + 2 * j + b];
                        }
                    }
                }
            }
            assertArrayEquals(expected, x.getGradient().toFloatArray(), 1e-6f);
        }
    }
}
