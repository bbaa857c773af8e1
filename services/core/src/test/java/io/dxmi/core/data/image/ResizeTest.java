package io.dxmi.core.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

class ResizeTest {

    @Test
    void halvingAveragesTwoByTwoBlocks() {
        float[] img = {
            1, 3, 0, 0,
            5, 7, 0, 4,
            1, 1, 2, 2,
            1, 1, 2, 2};
        float[] out = Resize.images(img, SampleShape.image(1, 4, 4), 2, 2);
        assertArrayEquals(new float[] {4, 1, 1, 2}, out, 1e-6f);
    }

    @Test
    void fractionalShrinkingWeighsPartialPixels() {
        // 3 -> 2: output 0 covers [0, 1.5): pixel 0 fully and half of pixel 1
        double[][] w = Resize.weights(3, 2);
        assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3, 0}, w[0], 1e-12);
        assertArrayEquals(new double[] {0, 1.0 / 3, 2.0 / 3}, w[1], 1e-12);
    }

    @Test
    void enlargingInterpolatesBetweenPixelCentres() {
        // 2 -> 4 with half-pixel centres: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
        float[] out = Resize.images(new float[] {0, 1}, SampleShape.image(1, 1, 2), 1, 4);
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, out, 1e-6f);
    }

    @Test
    void resizingKeepsPixelsInTheUnitRangeAndChannelsApart() {
        Rng rng = new Rng(5);
        float[] img = rng.uniforms(2 * 3 * 28 * 28, 0, 1);
        for (int i = 28 * 28; i < 2 * 28 * 28; i++) {
            img[i] = 1;   // the second channel of the first image is white
        }
        float[] out = Resize.images(img, SampleShape.image(3, 28, 28), 16, 16);
        assertEquals(2 * 3 * 16 * 16, out.length);
        for (float v : out) {
            assertTrue(v >= 0 && v <= 1, "pixel " + v);
        }
        for (int i = 256; i < 512; i++) {
            assertEquals(1f, out[i], 1e-6f);
        }
        double[][] w = Resize.weights(28, 16);
        for (double[] row : w) {
            double s = 0;
            for (double x : row) {
                s += x;
            }
            assertEquals(1.0, s, 1e-12);
        }
    }
}
