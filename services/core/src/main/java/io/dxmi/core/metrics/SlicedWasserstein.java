package io.dxmi.core.metrics;

import io.dxmi.core.random.Rng;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Sliced Wasserstein distance between two equally sized point sets.
 *
 * <p>{@value #CONVENTION}
 */
public final class SlicedWasserstein {

    /** The exact definition used, for reports. */
    public static final String CONVENTION = "For each of the random directions (a standard Gaussian"
            + " vector normalised to unit length), both sets are projected onto it and the projections"
            + " sorted; the mean squared difference of the sorted values is the squared 1-D"
            + " Wasserstein-2 distance. SW is the square root of the mean of these over the directions.";

    /** Points per set in the paper's evaluation. */
    public static final int DEFAULT_SAMPLES = 10_000;
    /** Random directions per distance in the paper's evaluation. */
    public static final int DEFAULT_DIRECTIONS = 1_000;
    /** Independent repeats whose mean ± std the paper reports. */
    public static final int DEFAULT_REPEATS = 5;

    private SlicedWasserstein() {
    }

    /**
     * SW between row-major sets a and b of dimension dim (same number of rows), over
     * {@code directions} random directions drawn from rng.
     */
    public static double distance(float[] a, float[] b, int dim, int directions, Rng rng) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dimension must be positive: " + dim);
        }
        if (directions <= 0) {
            throw new IllegalArgumentException("need at least one direction: " + directions);
        }
        if (a.length % dim != 0 || b.length % dim != 0) {
            throw new IllegalArgumentException("set sizes " + a.length + " and " + b.length
                    + " are not multiples of the dimension " + dim);
        }
        int n = a.length / dim;
        int m = b.length / dim;
        if (n != m) {
            throw new IllegalArgumentException(
                    "sliced Wasserstein needs sets of equal size, got " + n + " and " + m + " rows");
        }
        if (n == 0) {
            throw new IllegalArgumentException("sliced Wasserstein needs non-empty sets");
        }
        // Buffers reused across directions: the loop allocates nothing.
        double[] u = new double[dim];
        double[] pa = new double[n];
        double[] pb = new double[n];
        double total = 0;
        for (int k = 0; k < directions; k++) {
            randomUnit(u, rng);
            project(a, u, pa);
            project(b, u, pb);
            Arrays.sort(pa);
            Arrays.sort(pb);
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double diff = pa[i] - pb[i];
                sq += diff * diff;
            }
            total += sq / n;
        }
        return Math.sqrt(total / directions);
    }

    /**
     * Mean ± std of SW over {@code repeats} evaluations, each on fresh sets from the suppliers
     * and fresh directions from rng.
     */
    public static MeanStd evaluate(Supplier<float[]> generated, Supplier<float[]> reference, int dim,
            int repeats, int directions, Rng rng) {
        if (repeats <= 0) {
            throw new IllegalArgumentException("need at least one repeat: " + repeats);
        }
        double[] values = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            values[r] = distance(generated.get(), reference.get(), dim, directions, rng);
        }
        return MeanStd.of(values);
    }

    private static void randomUnit(double[] u, Rng rng) {
        double norm2;
        do {
            norm2 = 0;
            for (int j = 0; j < u.length; j++) {
                u[j] = rng.nextGaussian();
                norm2 += u[j] * u[j];
            }
        } while (norm2 == 0); // a zero vector has no direction; vanishingly rare
        double inv = 1 / Math.sqrt(norm2);
        for (int j = 0; j < u.length; j++) {
            u[j] *= inv;
        }
    }

    private static void project(float[] rows, double[] u, double[] out) {
        int dim = u.length;
        for (int i = 0, base = 0; i < out.length; i++, base += dim) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                s += rows[base + j] * u[j];
            }
            out[i] = s;
        }
    }
}
