package io.dxmi.core.data.vector;

import io.dxmi.core.random.Rng;

/**
 * A Gaussian mixture with any weights and full covariances, each component given as a mean and a
 * lower-triangular factor L (x = μ + L z, z ~ N(0, I)): draws rows and evaluates log p exactly.
 */
public final class GaussianMixtureDensity {

    private final int dimension;
    private final double[] cumulativeWeights;
    private final double[] logWeights;
    private final double[][] means;
    private final double[][][] factors;
    private final double[] logDeterminants;

    /**
     * @param weights component weights (normalised here)
     * @param means one mean per component
     * @param factors one lower-triangular L per component, positive diagonal
     */
    public GaussianMixtureDensity(double[] weights, double[][] means, double[][][] factors) {
        int k = weights.length;
        if (k == 0 || means.length != k || factors.length != k) {
            throw new IllegalArgumentException("a mixture needs one weight, mean and factor per component");
        }
        dimension = means[0].length;
        double total = 0;
        for (double w : weights) {
            if (!(w > 0)) {
                throw new IllegalArgumentException("mixture weights must be positive");
            }
            total += w;
        }
        cumulativeWeights = new double[k];
        logWeights = new double[k];
        logDeterminants = new double[k];
        double run = 0;
        for (int c = 0; c < k; c++) {
            run += weights[c] / total;
            cumulativeWeights[c] = run;
            logWeights[c] = Math.log(weights[c] / total);
            if (means[c].length != dimension || factors[c].length != dimension) {
                throw new IllegalArgumentException("component " + c + " does not have dimension " + dimension);
            }
            for (int i = 0; i < dimension; i++) {
                if (!(factors[c][i][i] > 0)) {
                    throw new IllegalArgumentException("component " + c + ": the factor's diagonal must be positive");
                }
                logDeterminants[c] += Math.log(factors[c][i][i]);
            }
        }
        this.means = means.clone();
        this.factors = factors.clone();
    }

    /** A factor with the given standard deviations along the axes of an orthogonal matrix q: L = chol(q diag(s²) qᵀ). */
    public static double[][] factorOf(double[][] q, double[] std) {
        int d = std.length;
        double[][] cov = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += q[i][k] * std[k] * std[k] * q[j][k];
                }
                cov[i][j] = s;
            }
        }
        return cholesky(cov);
    }

    /** A diagonal factor. */
    public static double[][] diagonal(double[] std) {
        double[][] l = new double[std.length][std.length];
        for (int i = 0; i < std.length; i++) {
            l[i][i] = std[i];
        }
        return l;
    }

    static double[][] cholesky(double[][] a) {
        int d = a.length;
        double[][] l = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalArgumentException("the covariance is not positive definite");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        return l;
    }

    public int dimension() {
        return dimension;
    }

    /** Writes one draw into out[offset …]. */
    public void draw(Rng rng, double[] out, int offset) {
        double u = rng.nextDouble();
        int c = 0;
        while (c < cumulativeWeights.length - 1 && u >= cumulativeWeights[c]) {
            c++;
        }
        double[] z = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            z[i] = rng.nextGaussian();
        }
        for (int i = 0; i < dimension; i++) {
            double v = means[c][i];
            for (int k = 0; k <= i; k++) {
                v += factors[c][i][k] * z[k];
            }
            out[offset + i] = v;
        }
    }

    /** log p(x) of the point x[offset … offset + D). */
    public double logDensity(double[] x, int offset) {
        int k = means.length;
        double[] logs = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        double[] z = new double[dimension];
        for (int c = 0; c < k; c++) {
            // Forward substitution: z = L⁻¹ (x − μ).
            double sq = 0;
            for (int i = 0; i < dimension; i++) {
                double s = x[offset + i] - means[c][i];
                for (int j = 0; j < i; j++) {
                    s -= factors[c][i][j] * z[j];
                }
                z[i] = s / factors[c][i][i];
                sq += z[i] * z[i];
            }
            logs[c] = logWeights[c] - 0.5 * sq - logDeterminants[c];
            max = Math.max(max, logs[c]);
        }
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum) - 0.5 * dimension * Math.log(2 * Math.PI);
    }
}
