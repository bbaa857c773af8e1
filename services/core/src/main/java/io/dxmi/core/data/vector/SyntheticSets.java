package io.dxmi.core.data.vector;

import io.dxmi.core.random.Rng;

import java.util.Arrays;
import java.util.List;

/**
 * The synthetic vector data sets of the benchmark ({@code dxmi vector-table}), in 3 to 8
 * dimensions: mixtures, curved manifolds, columns on very different scales, data far from the
 * origin, and one on which the few-step sampler derived from a 1000-step DDPM starts far from
 * the data. Every set is fixed: its structure comes from constant seeds, so its CSV file is the
 * same on every machine.
 */
public final class SyntheticSets {

    /** Seed of the rows written to each set's CSV file. */
    public static final long DATA_SEED = 20_240_707L;

    private static final List<SyntheticSet> ALL = List.of(mixture4d(), correlated5d(), swissRoll3d(), shell6d(),
            rings8d(), ring6d(), imbalanced6d());

    private SyntheticSets() {}

    public static List<SyntheticSet> all() {
        return ALL;
    }

    public static List<String> names() {
        return ALL.stream().map(SyntheticSet::name).toList();
    }

    /** The set of that name; IllegalArgumentException listing the names otherwise. */
    public static SyntheticSet byName(String name) {
        for (SyntheticSet s : ALL) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown synthetic data set '" + name + "'; known: " + String.join(", ",
                names()));
    }

    /** Six round Gaussians (std 0.35) at fixed random centres in [-2.5, 2.5]^4; columns in units from 0.02 to 150. */
    static SyntheticSet mixture4d() {
        int d = 4;
        int k = 6;
        Rng rng = new Rng(1);
        double[][] means = new double[k][d];
        double[][][] factors = new double[k][][];
        double[] weights = new double[k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                means[c][j] = -2.5 + 5 * rng.nextDouble();
            }
            factors[c] = GaussianMixtureDensity.diagonal(new double[] {0.35, 0.35, 0.35, 0.35});
            weights[c] = 1;
        }
        GaussianMixtureDensity g = new GaussianMixtureDensity(weights, means, factors);
        return new SyntheticSet("mixture4d", "6 round Gaussians (std 0.35) at random centres in [-2.5, 2.5]^4,"
                + " columns scaled by 8, 0.5, 0.02, 150 and shifted to 120, -35, 2.5, 800 (true density known)",
                new double[] {120, -35, 2.5, 800}, new double[] {8, 0.5, 0.02, 150}, g::draw, g::logDensity);
    }

    /** Three strongly correlated Gaussians of unequal weight; columns in units from 0.01 to 100. */
    static SyntheticSet correlated5d() {
        int d = 5;
        double[] weights = {0.5, 0.3, 0.2};
        Rng rng = new Rng(2);
        double[][] means = new double[3][d];
        double[][][] factors = new double[3][][];
        for (int c = 0; c < 3; c++) {
            for (int j = 0; j < d; j++) {
                means[c][j] = 2.5 * rng.nextGaussian();
            }
            factors[c] = GaussianMixtureDensity.factorOf(rotation(d, new Rng(10 + c)),
                    new double[] {1.5, 0.6, 0.3, 0.15, 0.08});
        }
        GaussianMixtureDensity g = new GaussianMixtureDensity(weights, means, factors);
        return new SyntheticSet("correlated5d", "3 Gaussians (weights 0.5, 0.3, 0.2) with rotated covariances of"
                + " axis stds 1.5 to 0.08, columns scaled by 0.01, 1, 100, 3, 0.2 (true density known)",
                new double[] {0, 0, 0, 0, 0}, new double[] {0.01, 1, 100, 3, 0.2}, g::draw, g::logDensity);
    }

    /** The swiss roll: a curled 2-D sheet in 3-D, with noise. */
    static SyntheticSet swissRoll3d() {
        return new SyntheticSet("swissroll3d", "swiss roll: t ~ U(1.5 pi, 4.5 pi), (t cos t, U(0, 20), t sin t)"
                + " + N(0, 0.3^2) noise", new double[] {0, 0, 0}, new double[] {1, 1, 1}, (rng, out, o) -> {
                    double t = 1.5 * Math.PI + 3 * Math.PI * rng.nextDouble();
                    out[o] = t * Math.cos(t) + 0.3 * rng.nextGaussian();
                    out[o + 1] = 20 * rng.nextDouble() + 0.3 * rng.nextGaussian();
                    out[o + 2] = t * Math.sin(t) + 0.3 * rng.nextGaussian();
                }, null);
    }

    /**
     * A thin circle in a random plane of 6-D, noise 0.05 around it, columns on different scales:
     * the 5-step sampler derived from a good 1000-step DDPM shrinks the circle (its last step is
     * a posterior mean) and starts far from the data.
     */
    static SyntheticSet ring6d() {
        double[][] q = rotation(6, new Rng(5));
        return new SyntheticSet("ring6d", "a circle of radius 3 in a random plane of 6-D, + N(0, 0.05^2) in every"
                + " direction, columns scaled by 10, 10, 1, 1, 50, 5 and shifted (the derived few-step sampler"
                + " shrinks it)", new double[] {100, 0, 0, -30, 7, 0}, new double[] {10, 10, 1, 1, 50, 5},
                (rng, out, o) -> {
                    double a = 2 * Math.PI * rng.nextDouble();
                    double[] p = new double[6];
                    p[0] = 3 * Math.cos(a);
                    p[1] = 3 * Math.sin(a);
                    for (int j = 0; j < 6; j++) {
                        p[j] += 0.05 * rng.nextGaussian();
                    }
                    rotate(q, p, out, o);
                }, null);
    }

    /**
     * Three clusters of weights 0.7, 0.2, 0.1 and stds 1, 0.45, 0.22, far apart, off-centre and in
     * large units: even with an exact ε the 5-step ancestral sampler gives the majority cluster too
     * much mass and every cluster too little spread, so the derived sampler starts far off, and
     * repairing it means moving mass between clusters.
     */
    static SyntheticSet imbalanced6d() {
        int d = 6;
        double[][] means = {new double[d], {6, 4, 0, 0, 0, 0}, {-4, 7, 2, 0, 0, 0}};
        double[][][] factors = {GaussianMixtureDensity.diagonal(fill(d, 1)),
            GaussianMixtureDensity.diagonal(fill(d, 0.45)), GaussianMixtureDensity.diagonal(fill(d, 0.22))};
        GaussianMixtureDensity g = new GaussianMixtureDensity(new double[] {0.7, 0.2, 0.1}, means, factors);
        return new SyntheticSet("imbalanced6d", "3 round Gaussians of weights 0.7, 0.2, 0.1 and stds 1, 0.45, 0.22"
                + " at (0, ...), (6, 4, 0, ...), (-4, 7, 2, 0, ...), columns scaled by 20 and shifted to 500"
                + " (the derived few-step sampler misweights them; true density known)", fill(d, 500), fill(d, 20),
                g::draw, g::logDensity);
    }

    /** A thin spherical shell in 6-D: radius ~ N(3, 0.1²), direction uniform. */
    static SyntheticSet shell6d() {
        int d = 6;
        double radius = 3;
        double thickness = 0.1;
        return new SyntheticSet("shell6d", "a spherical shell in 6-D: direction uniform, radius N(3, 0.1^2), centred"
                + " at (10, -5, 0, 0, 2, 100) (true density known)", new double[] {10, -5, 0, 0, 2, 100},
                new double[] {1, 1, 1, 1, 1, 1}, (rng, out, o) -> {
                    double norm = 0;
                    for (int j = 0; j < d; j++) {
                        out[o + j] = rng.nextGaussian();
                        norm += out[o + j] * out[o + j];
                    }
                    double r = (radius + thickness * rng.nextGaussian()) / Math.sqrt(norm);
                    for (int j = 0; j < d; j++) {
                        out[o + j] *= r;
                    }
                }, (x, o) -> {
                    double n2 = 0;
                    for (int j = 0; j < d; j++) {
                        n2 += x[o + j] * x[o + j];
                    }
                    double r = Math.sqrt(n2);
                    double z = (r - radius) / thickness;
                    return -0.5 * z * z - (d - 1) * Math.log(r);
                });
    }

    /** Two interlocked circles in a 3-D subspace of 8-D, with noise in all 8 directions. */
    static SyntheticSet rings8d() {
        double[][] q = rotation(8, new Rng(4));
        return new SyntheticSet("rings8d", "two interlocked unit circles in a random 3-D subspace of 8-D, + N(0,"
                + " 0.06^2) in every direction, scaled by 2 and shifted by 3", new double[] {3, 3, 3, 3, 3, 3, 3, 3},
                new double[] {2, 2, 2, 2, 2, 2, 2, 2}, (rng, out, o) -> {
                    double a = 2 * Math.PI * rng.nextDouble();
                    double[] p = new double[8];
                    if (rng.nextDouble() < 0.5) {
                        p[0] = Math.cos(a);
                        p[1] = Math.sin(a);
                    } else {
                        p[0] = 1 + Math.cos(a);
                        p[2] = Math.sin(a);
                    }
                    for (int j = 0; j < 8; j++) {
                        p[j] += 0.06 * rng.nextGaussian();
                    }
                    rotate(q, p, out, o);
                }, null);
    }

    private static double[] fill(int d, double value) {
        double[] v = new double[d];
        Arrays.fill(v, value);
        return v;
    }

    /** out[o …] = q p. */
    private static void rotate(double[][] q, double[] p, double[] out, int o) {
        for (int i = 0; i < q.length; i++) {
            double v = 0;
            for (int j = 0; j < p.length; j++) {
                v += q[i][j] * p[j];
            }
            out[o + i] = v;
        }
    }

    /** A random orthogonal matrix: Gram–Schmidt on Gaussian columns. */
    static double[][] rotation(int d, Rng rng) {
        double[][] q = new double[d][d];
        for (int c = 0; c < d; c++) {
            double[] v = new double[d];
            for (int i = 0; i < d; i++) {
                v[i] = rng.nextGaussian();
            }
            for (int p = 0; p < c; p++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += v[i] * q[i][p];
                }
                for (int i = 0; i < d; i++) {
                    v[i] -= dot * q[i][p];
                }
            }
            double n = 0;
            for (double x : v) {
                n += x * x;
            }
            n = Math.sqrt(n);
            for (int i = 0; i < d; i++) {
                q[i][c] = v[i] / n;
            }
        }
        return q;
    }
}
