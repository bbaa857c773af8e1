package io.dxmi.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dxmi.core.random.Rng;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NearestNeighbourScoreTest {

    @Test
    void theScoreIsMinusTheKthNearestDistanceAfterScaling() {
        Rng rng = new Rng(1);
        int d = 3;
        float[] ref = new float[300 * d];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = (float) rng.nextGaussian() * (i % d == 2 ? 10 : 1);
        }
        float[] scale = {1, 1, 10};
        float[] q = new float[20 * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) rng.nextGaussian() * 2;
        }
        for (int k : new int[] {1, 4}) {
            double[] got = new NearestNeighbourScore(ref, d, scale, k).scores(q);
            for (int i = 0; i < 20; i++) {
                double[] dist = new double[300];
                for (int r = 0; r < 300; r++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        double diff = (q[i * d + j] - ref[r * d + j]) / scale[j];
                        s += diff * diff;
                    }
                    dist[r] = Math.sqrt(s);
                }
                Arrays.sort(dist);
                assertEquals(-dist[k - 1], got[i], 1e-5, "k=" + k + " row " + i);
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new NearestNeighbourScore(new float[6], 3, new float[] {1, 1, 1}, 3));
        assertThrows(IllegalArgumentException.class, () -> new NearestNeighbourScore(new float[6], 3, new float[] {1, 1}, 1));
    }
}
