package io.dxmi.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dxmi.core.metrics.FrechetDistance.Gaussian;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    @Test
    void diagonalCovariancesMatchTheClosedForm() {
        // FD = |m1 - m2|^2 + sum (s1 - s2)^2 for diagonal covariances s1^2, s2^2
        Gaussian a = new Gaussian(new double[] {0, 1, 2}, diag(1, 4, 9), 100);
        Gaussian b = new Gaussian(new double[] {1, 1, 0}, diag(4, 1, 9), 100);
        double expected = (1 + 0 + 4) + (1 + 1 + 0);
        assertEquals(expected, FrechetDistance.between(a, b), 1e-9);
    }

    @Test
    void commutingRotatedCovariancesMatchTheClosedForm() {
        // Sigma_i = R diag(l_i) R^T share eigenvectors: tr sqrt(S1 S2) = sum sqrt(l1 l2)
        double c = Math.cos(0.7);
        double s = Math.sin(0.7);
        double[][] r = {{c, -s}, {s, c}};
        double[][] s1 = rotate(r, 2, 5);
        double[][] s2 = rotate(r, 3, 0.5);
        double expected = 4 + (Math.pow(Math.sqrt(2) - Math.sqrt(3), 2) + Math.pow(Math.sqrt(5) - Math.sqrt(0.5), 2));
        double fd = FrechetDistance.between(new Gaussian(new double[] {0, 0}, s1, 10),
                new Gaussian(new double[] {2, 0}, s2, 10));
        assertEquals(expected, fd, 1e-9);
    }

    @Test
    void nonCommutingTwoByTwoMatchesTheTraceFormula() {
        // For a 2x2 matrix A with positive eigenvalues: tr sqrt(A) = sqrt(tr A + 2 sqrt(det A)).
        // S1 S2 = [[2, 3], [1, 6]]: trace 8, determinant 9, so tr sqrt = sqrt(14).
        double[][] s1 = {{2, 1}, {1, 2}};
        double[][] s2 = {{1, 0}, {0, 3}};
        double expected = 4 + 4 - 2 * Math.sqrt(14);
        double fd = FrechetDistance.between(new Gaussian(new double[] {0, 0}, s1, 10),
                new Gaussian(new double[] {0, 0}, s2, 10));
        assertEquals(expected, fd, 1e-9);
    }

    @Test
    void aSetAgainstItselfIsZero() {
        Rng rng = new Rng(1);
        int dim = 16;
        float[] x = new float[500 * dim];
        for (int i = 0; i < x.length; i++) {
            // correlated columns, so the covariance is far from diagonal
            x[i] = (float) (rng.nextGaussian() + (i % dim > 0 ? 0.8 * x[i - 1] : 0));
        }
        assertEquals(0.0, FrechetDistance.between(x, x, dim), 1e-8);
    }

    @Test
    void samplesOfTwoGaussiansApproachTheClosedForm() {
        Rng rng = new Rng(2);
        int n = 20000;
        int dim = 3;
        double[] m1 = {0, 0, 0};
        double[] m2 = {1, -1, 0.5};
        double[] sd1 = {1, 2, 0.5};
        double[] sd2 = {1.5, 1, 0.5};
        float[] a = new float[n * dim];
        float[] b = new float[n * dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                a[i * dim + j] = (float) (m1[j] + sd1[j] * rng.nextGaussian());
                b[i * dim + j] = (float) (m2[j] + sd2[j] * rng.nextGaussian());
            }
        }
        double expected = 1 + 1 + 0.25 + 0.25 + 1 + 0;
        assertEquals(expected, FrechetDistance.between(a, b, dim), 0.08);
    }

    @Test
    void fewSamplesInManyDimensionsStillGiveAnFd() {
        // Like 4 generated images' 128 ReLU features: a covariance of rank 3 with many exactly-zero rows. (The
        // 1000-step row of 4 images once stopped an image table with "convergence failed" in the eigendecomposition;
        // FrechetDistance now falls back to the SVD there. This synthetic case converges either way.)
        Rng rng = new Rng(4);
        int dim = 128;
        float[] few = new float[4 * dim];
        float[] many = new float[2000 * dim];
        for (int i = 0; i < few.length; i++) {
            few[i] = i % dim < 40 ? 0f : Math.max(0f, (float) rng.nextGaussian());
        }
        for (int i = 0; i < many.length; i++) {
            many[i] = Math.max(0f, (float) rng.nextGaussian());
        }
        double fd = FrechetDistance.between(few, many, dim);
        assertTrue(Double.isFinite(fd) && fd > 0, "fd " + fd);
        // The same sets in the other order: the FD is symmetric.
        assertEquals(fd, FrechetDistance.between(many, few, dim), 1e-6 * fd);
    }

    @Test
    void fitComputesTheUnbiasedCovariance() {
        float[] rows = {1, 2, 3, 6, 5, 10};
        Gaussian g = Gaussian.fit(rows, 2);
        assertEquals(3.0, g.mean()[0], 1e-12);
        assertEquals(6.0, g.mean()[1], 1e-12);
        assertEquals(4.0, g.covariance()[0][0], 1e-12);
        assertEquals(16.0, g.covariance()[1][1], 1e-12);
        assertEquals(8.0, g.covariance()[0][1], 1e-12);
    }

    @Test
    void mismatchedWidthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FrechetDistance.between(
                new Gaussian(new double[2], diag(1, 1), 2), new Gaussian(new double[3], diag(1, 1, 1), 2)));
        assertThrows(IllegalArgumentException.class, () -> Gaussian.fit(new float[] {1, 2}, 2));
    }

    private static double[][] diag(double... v) {
        double[][] m = new double[v.length][v.length];
        for (int i = 0; i < v.length; i++) {
            m[i][i] = v[i];
        }
        return m;
    }

    private static double[][] rotate(double[][] r, double l1, double l2) {
        double[][] out = new double[2][2];
        double[] l = {l1, l2};
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 2; k++) {
                    out[i][j] += r[i][k] * l[k] * r[j][k];
                }
            }
        }
        return out;
    }
}
