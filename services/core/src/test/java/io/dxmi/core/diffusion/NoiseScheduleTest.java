package io.dxmi.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseScheduleTest {

    @Test
    void linearBetasAndAlphaBars() {
        NoiseSchedule s = NoiseSchedule.linear(1000);
        assertEquals(1000, s.steps());
        assertEquals(1e-4, s.beta(0), 1e-15);
        assertEquals(0.02, s.beta(999), 1e-15);
        assertEquals(1e-4 + (0.02 - 1e-4) * 500 / 999.0, s.beta(500), 1e-15);
        assertEquals(1.0, s.alphaBar(-1));
        assertEquals(1 - 1e-4, s.alphaBar(0), 1e-15);
        double b1 = 1e-4 + (0.02 - 1e-4) / 999.0;
        assertEquals((1 - 1e-4) * (1 - b1), s.alphaBar(1), 1e-15);
        double prod = 1;
        for (int t = 0; t < 1000; t++) {
            prod *= 1 - (1e-4 + (0.02 - 1e-4) * t / 999.0);
            assertEquals(prod, s.alphaBar(t), 1e-12 * prod + 1e-15, "t=" + t);
        }
        // The well-known DDPM value: alpha-bar at T=1000 is about 4.04e-5.
        assertEquals(4.036e-5, s.alphaBar(999), 0.01e-5);
        for (int t = 1; t < 1000; t++) {
            assertTrue(s.alphaBar(t) < s.alphaBar(t - 1));
        }
    }

    @Test
    void customScheduleAndOneStep() {
        NoiseSchedule s = NoiseSchedule.linear(3, 0.1, 0.3);
        assertEquals(0.2, s.beta(1), 1e-15);
        assertEquals(0.9 * 0.8 * 0.7, s.alphaBar(2), 1e-15);
        assertEquals(0.1, s.betaStart());
        assertEquals(0.3, s.betaEnd());
        NoiseSchedule one = NoiseSchedule.linear(1, 0.1, 0.3);
        assertEquals(0.1, one.beta(0));
        assertArrayEquals(new int[] {0}, one.subsequence(1));
    }

    @Test
    void networkTimeIsRescaledTo1000() {
        assertEquals(500.0, NoiseSchedule.linear(1000).networkTime(500));
        assertEquals(500.0, NoiseSchedule.linear(100).networkTime(50));
        assertEquals(0.0, NoiseSchedule.linear(10).networkTime(0));
    }

    @Test
    void fiveStepGridIsThePapersGrid() {
        assertArrayEquals(new int[] {999, 799, 599, 400, 200}, NoiseSchedule.linear(1000).subsequence(5));
    }

    @Test
    void fullChainIsEveryIndex() {
        int[] idx = NoiseSchedule.linear(1000).subsequence(1000);
        assertEquals(1000, idx.length);
        for (int k = 0; k < 1000; k++) {
            assertEquals(999 - k, idx[k]);
        }
    }

    @Test
    void everyGridStartsAtTheTopAndStrictlyDecreases() {
        NoiseSchedule s = NoiseSchedule.linear(1000);
        for (int T = 1; T <= 1000; T++) {
            int[] idx = s.subsequence(T);
            assertEquals(T, idx.length);
            assertEquals(999, idx[0]);
            assertTrue(idx[T - 1] >= 0);
            for (int k = 1; k < T; k++) {
                assertTrue(idx[k] < idx[k - 1], "T=" + T + " k=" + k);
            }
        }
    }

    @Test
    void invalidArgumentsThrow() {
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(0));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10, 0.0, 0.02));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10, 1e-4, 1.0));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10, 0.02, 1e-4));
        NoiseSchedule s = NoiseSchedule.linear(1000);
        assertThrows(IllegalArgumentException.class, () -> s.subsequence(0));
        assertThrows(IllegalArgumentException.class, () -> s.subsequence(1001));
    }
}
