package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.DjlRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each DxMI loss against values worked out by hand (docs/method.md, "One iteration"). */
class DxmiLossesTest {

    private NDManager m;

    @BeforeAll
    static void runtime() {
        DjlRuntime.configure(1);
    }

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    private NDArray col(float... v) {
        return m.create(v, new Shape(v.length, 1));
    }

    @Test
    void energyLossWithGamma() {
        // mean E+ = 1.5, mean E- = -0.5, mean E+^2 = 2.5, mean E-^2 = 0.5
        // L = 1.5 - (-0.5) + 1 * (2.5 + 0.5) = 5
        assertEquals(5f, DxmiLosses.energy(col(1, 2), col(0, -1), 1f).getFloat(), 1e-6);
        // gamma = 0.5: 2 + 0.5 * 3 = 3.5
        assertEquals(3.5f, DxmiLosses.energy(col(1, 2), col(0, -1), 0.5f).getFloat(), 1e-6);
    }

    @Test
    void energyLossWithTheSquareTermSplitBySign() {
        // E+ = (1, -2), E- = (3, -1): the linear part 1.5 - 1.0... = mean(1, -2) - mean(3, -1) = -0.5 - 1 = -1.5
        // positive parts squared: E+ 1, 0 -> mean 0.5; E- 9, 0 -> 4.5: gamma+ = 1 -> 5
        // negative parts squared: E+ 0, 4 -> 2; E- 0, 1 -> 0.5: gamma = 0.3 -> 0.75
        // L = -1.5 + 5 + 0.75 = 4.25
        assertEquals(4.25f, DxmiLosses.energy(col(1, -2), col(3, -1), 0.3f, 1f).getFloat(), 1e-6);
        // equal weights: the symmetric term (mean E+^2 = 2.5, mean E-^2 = 5): -1.5 + 0.3 * 7.5 = 0.75
        assertEquals(0.75f, DxmiLosses.energy(col(1, -2), col(3, -1), 0.3f, 0.3f).getFloat(), 1e-6);
        assertEquals(DxmiLosses.energy(col(1, -2), col(3, -1), 0.3f).getFloat(),
                DxmiLosses.energy(col(1, -2), col(3, -1), 0.3f, 0.3f).getFloat());
        // extra negatives (-1, 2): -mean = -0.5; positive 0, 4 -> 2 (x 1); negative 1, 0 -> 0.5 (x 0.3 = 0.15)
        assertEquals(1.65f, DxmiLosses.extraNegatives(col(-1, 2), 0.3f, 1f).getFloat(), 1e-6);
        // no weight on negative energies: only the walls are bounded
        assertEquals(-1.5f + 5f, DxmiLosses.energy(col(1, -2), col(3, -1), 0f, 1f).getFloat(), 1e-6);
    }

    @Test
    void energyLossWithoutGamma() {
        assertEquals(2f, DxmiLosses.energy(col(1, 2), col(0, -1), 0f).getFloat(), 1e-6);
        // samples lower than data gives a negative loss: -1 - 3 = -4
        assertEquals(-4f, DxmiLosses.energy(col(-1, -1), col(3, 3), 0f).getFloat(), 1e-6);
    }

    @Test
    void runningCostWithScalarScale() {
        NDArray x = m.create(new float[] {0, 0, 1, 1}, new Shape(2, 2));
        NDArray next = m.create(new float[] {1, 3, 1, 3}, new Shape(2, 2));
        // row 0: mean(1, 9) = 5 -> 5 / (2 * 0.5) = 5 ; row 1: mean(0, 4) = 2 -> 2
        NDArray rc = DxmiLosses.runningCost(next, x, 0.5);
        assertEquals(new Shape(2, 1), rc.getShape());
        assertArrayEquals(new float[] {5f, 2f}, rc.toFloatArray(), 1e-6f);
        // the same with s^2 = 2: 5 / 4, 2 / 4
        assertArrayEquals(new float[] {1.25f, 0.5f}, DxmiLosses.runningCost(next, x, 2.0).toFloatArray(), 1e-6f);
        // scalar NDArray s^2
        assertArrayEquals(new float[] {1.25f, 0.5f},
                DxmiLosses.runningCost(next, x, m.create(2f)).toFloatArray(), 1e-6f);
    }

    @Test
    void runningCostWithColumnScale() {
        NDArray x = m.create(new float[] {0, 0, 1, 1, 0, 0}, new Shape(3, 2));
        NDArray next = m.create(new float[] {1, 3, 1, 3, 2, 0}, new Shape(3, 2));
        // per-row mean squares 5, 2, 2; s^2 = 0.5, 1, 4 -> 5, 1, 0.25
        NDArray rc = DxmiLosses.runningCost(next, x, col(0.5f, 1f, 4f));
        assertEquals(new Shape(3, 1), rc.getShape());
        assertArrayEquals(new float[] {5f, 1f, 0.25f}, rc.toFloatArray(), 1e-6f);
    }

    @Test
    void runningCostIsAMeanOverDimensionsNotASum() {
        // 4 dimensions each moved by 1: mean 1, sum would be 4
        NDArray x = m.zeros(new Shape(1, 4));
        NDArray next = m.ones(new Shape(1, 4));
        assertEquals(0.5f, DxmiLosses.runningCost(next, x, 1.0).getFloat(0, 0), 1e-6);
    }

    @Test
    void temporalDifference() {
        // (1-0)^2, (2-4)^2, (-1-(-1))^2 -> mean(1, 4, 0) = 5/3
        assertEquals(5f / 3f, DxmiLosses.temporalDifference(col(1, 2, -1), col(0, 4, -1)).getFloat(), 1e-6);
        assertEquals(0f, DxmiLosses.temporalDifference(col(1, 2), col(1, 2)).getFloat(), 0);
    }

    @Test
    void policyLossWithDistinctTemperatures() {
        NDArray v = col(1, 3); // mean 2
        NDArray rc = col(4, 8); // mean 6
        float ls0 = (float) Math.log(0.5);
        float ls1 = (float) Math.log(0.25);
        NDArray logSigma = col(ls0, ls1); // mean (ln .5 + ln .25) / 2
        float tau1 = 0.1f;
        float tau2 = 0.01f;
        double expected = 2 + tau2 * 6 - tau1 * (ls0 + ls1) / 2;
        assertEquals(expected, DxmiLosses.policy(v, rc, logSigma, tau1, tau2).getFloat(), 1e-6);
        // swapping the temperatures changes the result (each weights its own term)
        double swapped = 2 + tau1 * 6 - tau2 * (ls0 + ls1) / 2;
        assertEquals(swapped, DxmiLosses.policy(v, rc, logSigma, tau2, tau1).getFloat(), 1e-6);
    }

    @Test
    void policyEntropyIsPerDimension() {
        // D = 4 dimensions: the entropy term is tau1 * log sigma, not D * tau1 * log sigma.
        // The loss only ever sees the (n, 1) log sigma rows, whatever D is.
        NDArray v = col(0, 0);
        NDArray rc = col(0, 0);
        float ls = (float) Math.log(0.5);
        float got = DxmiLosses.policy(v, rc, col(ls, ls), 1f, 0f).getFloat();
        assertEquals(-ls, got, 1e-6);
        assertEquals(Math.log(2), got, 1e-6);
    }

    @Test
    void zeroTemperatureDropsBothTerms() {
        NDArray v = col(1, 3);
        assertEquals(2f, DxmiLosses.policy(v, col(100, 200), col(-5, -7), 0f, 0f).getFloat(), 1e-6);
        // a NaN in a dropped term cannot leak into the loss
        assertEquals(2f, DxmiLosses.policy(v, col(Float.NaN, 1), col(Float.NaN, 1), 0f, 0f).getFloat(), 1e-6);
    }
}
