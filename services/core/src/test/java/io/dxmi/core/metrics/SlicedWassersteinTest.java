package io.dxmi.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

class SlicedWassersteinTest {

    @Test
    void identicalSetsAreAtDistanceZero() {
        float[] a = new Rng(1).gaussians(2 * 500);
        assertEquals(0.0, SlicedWasserstein.distance(a, a.clone(), 2, 200, new Rng(2)));
    }

    @Test
    void shiftedSetIsAtNormOverSqrtTwo() {
        // Shifting by c moves every projection by <c,u>, so SW^2 = mean_u <c,u>^2 -> |c|^2 / 2 in 2D.
        float[] a = new Rng(3).gaussians(2 * 2000);
        float[] b = new float[a.length];
        float cx = 3f;
        float cy = -4f;
        for (int i = 0; i < a.length; i += 2) {
            b[i] = a[i] + cx;
            b[i + 1] = a[i + 1] + cy;
        }
        double sw = SlicedWasserstein.distance(a, b, 2, 1000, new Rng(4));
        double expected = 5.0 / Math.sqrt(2);
        assertEquals(expected, sw, 0.03 * expected);
    }

    @Test
    void oneDimensionalCaseIsExactW2() {
        // sorted a = {0, 1, 3}, sorted b = {0, 2, 5}: squared differences 0, 1, 4 -> mean 5/3.
        // In 1-D every unit direction is +-1 and both give the same sorted pairing.
        float[] a = {3, 0, 1};
        float[] b = {2, 5, 0};
        double sw = SlicedWasserstein.distance(a, b, 1, 7, new Rng(5));
        assertEquals(Math.sqrt(5.0 / 3.0), sw, 1e-12);
    }

    @Test
    void sameSeedGivesSameValue() {
        float[] a = new Rng(6).gaussians(2 * 300);
        float[] b = new Rng(7).gaussians(2 * 300);
        assertEquals(SlicedWasserstein.distance(a, b, 2, 50, new Rng(8)),
                SlicedWasserstein.distance(a, b, 2, 50, new Rng(8)));
    }

    @Test
    void mismatchedSizesThrowNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlicedWasserstein.distance(new float[6], new float[8], 2, 10, new Rng(9)));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("4"), e.getMessage());
    }

    @Test
    void evaluateDrawsFreshSetsEachRepeat() {
        Rng data = new Rng(10);
        int[] calls = {0};
        MeanStd result = SlicedWasserstein.evaluate(() -> {
            calls[0]++;
            return data.gaussians(2 * 400);
        }, () -> data.gaussians(2 * 400), 2, 4, 100, new Rng(11));
        assertEquals(4, calls[0]);
        assertTrue(result.mean() > 0 && result.mean() < 0.2, result.toString());
        assertTrue(result.std() > 0, result.toString());
    }
}
