package io.dxmi.core.data.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.Box;
import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.GaussianMixture;
import io.dxmi.core.metrics.RocAuc;
import io.dxmi.core.random.Rng;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class SyntheticSetsTest {

    @Test
    void everySetIsAFixedVectorSetOfThreeToEightColumns() {
        assertTrue(SyntheticSets.all().size() >= 6);
        assertEquals(SyntheticSets.all().size(), new HashSet<>(SyntheticSets.names()).size(), "names are unique");
        for (SyntheticSet s : SyntheticSets.all()) {
            assertTrue(s.dimension() >= 3 && s.dimension() <= 8, s + " has " + s.dimension() + " columns");
            assertArrayEquals(s.sample(50, new Rng(3)), s.sample(50, new Rng(3)), s + " is not reproducible");
            CsvDataset a = s.materialise(200, 9);
            assertEquals(a.contentHash(), s.materialise(200, 9).contentHash());
            assertEquals(s.dimension(), a.dimension());
        }
        assertThrows(IllegalArgumentException.class, () -> SyntheticSets.byName("nope"));
    }

    @Test
    void aKnownDensityRanksDataAboveTheWidenedBox() {
        for (SyntheticSet s : SyntheticSets.all()) {
            if (!s.hasDensity()) {
                assertThrows(IllegalStateException.class, () -> s.logDensity(new float[s.dimension()]));
                continue;
            }
            float[] data = s.sample(2000, new Rng(1));
            Box box = Box.boundingBox(data, s.dimension()).widened(0.1);
            double auc = RocAuc.auc(s.logDensity(data), s.logDensity(box.sampleUniform(2000, new Rng(2))));
            assertTrue(auc > 0.95, s + ": true density AUC " + auc);
        }
    }

    @Test
    void theGeneralMixtureAgreesWithTheIsotropicOne() {
        float[] means = {0f, 0f, 3f, 1f, -2f, 2f};
        GaussianMixture iso = new GaussianMixture(means, 0.7, 2);
        double[][] mu = {{0, 0}, {3, 1}, {-2, 2}};
        double[][][] l = new double[3][][];
        for (int c = 0; c < 3; c++) {
            l[c] = GaussianMixtureDensity.diagonal(new double[] {0.7, 0.7});
        }
        GaussianMixtureDensity full = new GaussianMixtureDensity(new double[] {1, 1, 1}, mu, l);
        Rng rng = new Rng(5);
        for (int i = 0; i < 100; i++) {
            float[] x = {(float) (4 * rng.nextGaussian()), (float) (4 * rng.nextGaussian())};
            double expected = iso.logDensity(x, 0);
            assertEquals(expected, full.logDensity(new double[] {x[0], x[1]}, 0), 1e-7 * Math.abs(expected));
        }
    }

    @Test
    void aFullCovarianceFactorReproducesItsCovariance() {
        double[][] q = SyntheticSets.rotation(3, new Rng(8));
        double[][] l = GaussianMixtureDensity.factorOf(q, new double[] {2, 1, 0.1});
        GaussianMixtureDensity g = new GaussianMixtureDensity(new double[] {1}, new double[][] {{1, 2, 3}},
                new double[][][] {l});
        int n = 40_000;
        double[] x = new double[3 * n];
        Rng rng = new Rng(4);
        for (int i = 0; i < n; i++) {
            g.draw(rng, x, 3 * i);
        }
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double expected = 0;
                for (int k = 0; k < 3; k++) {
                    expected += q[a][k] * q[b][k] * new double[] {4, 1, 0.01}[k];
                }
                double cov = 0;
                double ma = a + 1;
                double mb = b + 1;
                for (int i = 0; i < n; i++) {
                    cov += (x[3 * i + a] - ma) * (x[3 * i + b] - mb);
                }
                assertEquals(expected, cov / n, 0.06, "covariance " + a + "," + b);
            }
        }
    }

    @Test
    void theShellHasItsRadius() {
        SyntheticSet shell = SyntheticSets.byName("shell6d");
        float[] x = shell.sample(5000, new Rng(1));
        double[] centre = {10, -5, 0, 0, 2, 100};
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < 5000; i++) {
            double r2 = 0;
            for (int j = 0; j < 6; j++) {
                double d = x[6 * i + j] - centre[j];
                r2 += d * d;
            }
            double r = Math.sqrt(r2);
            sum += r;
            sq += r * r;
        }
        double mean = sum / 5000;
        assertEquals(3, mean, 0.01);
        assertEquals(0.1, Math.sqrt(sq / 5000 - mean * mean), 0.01);
    }
}
