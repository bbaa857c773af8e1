package io.dxmi.core.data;

/**
 * The modes of an isotropic Gaussian mixture with equal weights, in data coordinates: what a
 * mode-coverage measure needs to know about a data set.
 *
 * @param centres one row per mode, each of the data's dimension
 * @param std the standard deviation of every mode (per coordinate)
 */
public record MixtureModes(double[][] centres, double std) {

    public MixtureModes {
        if (centres.length == 0) {
            throw new IllegalArgumentException("a mixture needs at least one mode");
        }
        int dim = centres[0].length;
        for (double[] c : centres) {
            if (c.length != dim || dim == 0) {
                throw new IllegalArgumentException("every mode centre needs the same, non-zero dimension");
            }
        }
        if (!(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("a mode's standard deviation must be positive, got " + std);
        }
    }

    /** Number of modes. */
    public int count() {
        return centres.length;
    }

    /** Values per centre. */
    public int dimension() {
        return centres[0].length;
    }
}
