package io.dxmi.core.data;

/**
 * An equal-weight mixture of isotropic Gaussians with one common standard deviation: the
 * closed-form density of the built-in mixture data sets (see {@link ToyDatasets#mixture}).
 *
 * @param means the component means, row-major (components × dimension)
 * @param std the common per-axis standard deviation
 * @param dimension values per point
 */
public record GaussianMixture(float[] means, double std, int dimension) {

    public GaussianMixture {
        if (dimension <= 0 || means.length == 0 || means.length % dimension != 0 || !(std > 0)) {
            throw new IllegalArgumentException("a mixture needs a positive dimension and std and whole mean rows");
        }
        means = means.clone();
    }

    public int components() {
        return means.length / dimension;
    }

    /** Mean of component k, axis j. */
    public float mean(int k, int j) {
        return means[k * dimension + j];
    }

    /** log p(x) of one row of {@code rows} (log-sum-exp over the components, so far tails stay finite). */
    public double logDensity(float[] rows, int row) {
        int k = components();
        double[] logs = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double sq = 0;
            for (int j = 0; j < dimension; j++) {
                double d = rows[row * dimension + j] - means[c * dimension + j];
                sq += d * d;
            }
            logs[c] = -sq / (2 * std * std);
            max = Math.max(max, logs[c]);
        }
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - max);
        }
        double norm = -dimension * (Math.log(std) + 0.5 * Math.log(2 * Math.PI)) - Math.log(k);
        return max + Math.log(sum) + norm;
    }

    /** The component means and spread as mode centres (what a mode-coverage measure needs). */
    public MixtureModes modes() {
        double[][] centres = new double[components()][dimension];
        for (int k = 0; k < centres.length; k++) {
            for (int j = 0; j < dimension; j++) {
                centres[k][j] = mean(k, j);
            }
        }
        return new MixtureModes(centres, std);
    }
}
