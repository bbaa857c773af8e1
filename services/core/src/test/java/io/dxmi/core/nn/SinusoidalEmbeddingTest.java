package io.dxmi.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

class SinusoidalEmbeddingTest {

    @Test
    void zeroTimeIsZerosThenOnes() {
        SinusoidalEmbedding e = new SinusoidalEmbedding(8);
        float[] out = new float[8];
        e.embed(0.0, out, 0);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, out);
    }

    @Test
    void frequenciesRunGeometricallyFromOneToOneTenThousandth() {
        SinusoidalEmbedding e = new SinusoidalEmbedding(6);
        assertEquals(6, e.dimension());
        double t = 7.5;
        float[] out = new float[6];
        e.embed(t, out, 0);
        double[] f = {1.0, 1e-2, 1e-4};
        for (int i = 0; i < 3; i++) {
            assertEquals(Math.sin(t * f[i]), out[i], 1e-6, "sin " + i);
            assertEquals(Math.cos(t * f[i]), out[3 + i], 1e-6, "cos " + i);
        }
    }

    @Test
    void widthTwoUsesFrequencyOne() {
        float[] out = new float[2];
        new SinusoidalEmbedding(2).embed(0.5, out, 0);
        assertEquals(Math.sin(0.5), out[0], 1e-7);
        assertEquals(Math.cos(0.5), out[1], 1e-7);
    }

    @Test
    void batchAndRepeatedMatchSingleRows() {
        SinusoidalEmbedding e = new SinusoidalEmbedding(4);
        double[] times = {0, 3, 999};
        float[] all = e.embed(times);
        assertEquals(12, all.length);
        for (int i = 0; i < times.length; i++) {
            float[] row = new float[4];
            e.embed(times[i], row, 0);
            assertArrayEquals(row, Arrays.copyOfRange(all, 4 * i, 4 * i + 4));
        }
        float[] rep = e.embedRepeated(3, 5);
        assertEquals(20, rep.length);
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(Arrays.copyOfRange(all, 4, 8), Arrays.copyOfRange(rep, 4 * i, 4 * i + 4));
        }
        float[] offset = new float[7];
        e.embed(3, offset, 2);
        assertArrayEquals(Arrays.copyOfRange(all, 4, 8), Arrays.copyOfRange(offset, 2, 6));
        assertEquals(0f, offset[0]);
        assertEquals(0f, offset[6]);
    }

    @Test
    void oddOrTinyWidthIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SinusoidalEmbedding(3));
        assertThrows(IllegalArgumentException.class, () -> new SinusoidalEmbedding(0));
        assertThrows(IllegalArgumentException.class, () -> new NetworkConfig(4, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> new NetworkConfig(0, 2, 4));
    }
}
