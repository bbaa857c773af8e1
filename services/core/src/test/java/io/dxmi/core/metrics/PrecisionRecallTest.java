package io.dxmi.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PrecisionRecallTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    @Test
    void halfOfTheGeneratedPointsOnTheRealLineGiveTheHandComputedAnswer() {
        // real: 0 … 99 on a line (2-D points, y = 0); k = 3 radii are 2 inside, 3 at the ends.
        // generated: 0 … 49 (on real points) and 1000 … 1049 (far away) -> precision 50/100.
        // Generated radii: 3 at 49 (neighbours 48, 47, 46), 2 at 48: real 50, 51, 52 are within
        // reach of 49 or 48, real 53 is not -> recall 53/100.
        float[] real = line(0, 100);
        float[] gen = concat(line(0, 50), line(1000, 50));
        PrecisionRecall.Result r = PrecisionRecall.compute(real, gen, 2, 3);
        assertEquals(0.50, r.precision(), 1e-12);
        assertEquals(0.53, r.recall(), 1e-12);
    }

    @Test
    void identicalSetsAreFullyPreciseAndRecalled() {
        Rng rng = new Rng(3);
        float[] x = rng.gaussians(2000 * 8);
        PrecisionRecall.Result r = PrecisionRecall.compute(x, x.clone(), 8, 3);
        assertEquals(1.0, r.precision(), 0.0);
        assertEquals(1.0, r.recall(), 0.0);
    }

    @Test
    void aGeneratorCollapsedOntoTenRealPointsIsPreciseButRecallsOnlyThose() {
        // 300 copies each of the first 10 real points: every generated point is a real point
        // (precision 1); duplicates make every generated radius 0, so only those 10 real points
        // are recalled (recall 10 / 3000).
        Rng rng = new Rng(4);
        int dim = 2;
        float[] real = rng.gaussians(3000 * dim);
        float[] gen = new float[3000 * dim];
        for (int i = 0; i < 3000; i++) {
            System.arraycopy(real, (i % 10) * dim, gen, i * dim, dim);
        }
        PrecisionRecall.Result r = PrecisionRecall.compute(real, gen, dim, 3);
        assertEquals(1.0, r.precision(), 0.0);
        assertEquals(10.0 / 3000, r.recall(), 1e-12);
    }

    @Test
    void tooFewPointsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PrecisionRecall.compute(line(0, 3), line(0, 10), 2, 3));
    }

    private static float[] line(int start, int n) {
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            out[2 * i] = start + i;
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
