package io.dxmi.core.model;

import java.util.Arrays;

/**
 * A per-dimension affine map between data space and model space: model = (data − shift) / scale.
 * Built-in 2D sets use the identity (the paper's conventions are in data units); user CSV
 * files are standardised so that any units train with the same defaults.
 */
public final class Normalization {

    private final float[] shift;
    private final float[] scale;

    public Normalization(float[] shift, float[] scale) {
        if (shift.length != scale.length) {
            throw new IllegalArgumentException("shift and scale differ in length");
        }
        for (float s : scale) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("scales must be positive and finite");
            }
        }
        this.shift = shift.clone();
        this.scale = scale.clone();
    }

    public static Normalization identity(int dim) {
        float[] one = new float[dim];
        Arrays.fill(one, 1f);
        return new Normalization(new float[dim], one);
    }

    /** Pixel intensities in [0, 1] to [−1, 1]: model = (data − 0.5) / 0.5 for every value. */
    public static Normalization pixels(int dim) {
        float[] half = new float[dim];
        Arrays.fill(half, 0.5f);
        return new Normalization(half, half);
    }

    /** Per-dimension mean and standard deviation of the rows (a constant column keeps scale 1). */
    public static Normalization standardize(float[] rows, int dim) {
        int n = rows.length / dim;
        double[] mean = new double[dim];
        double[] sq = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                mean[d] += rows[i * dim + d];
            }
        }
        for (int d = 0; d < dim; d++) {
            mean[d] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                double c = rows[i * dim + d] - mean[d];
                sq[d] += c * c;
            }
        }
        float[] shift = new float[dim];
        float[] scale = new float[dim];
        for (int d = 0; d < dim; d++) {
            shift[d] = (float) mean[d];
            double sd = Math.sqrt(sq[d] / Math.max(1, n - 1));
            scale[d] = sd > 1e-12 ? (float) sd : 1f;
        }
        return new Normalization(shift, scale);
    }

    public int dimension() {
        return shift.length;
    }

    public boolean isIdentity() {
        for (int d = 0; d < shift.length; d++) {
            if (shift[d] != 0f || scale[d] != 1f) {
                return false;
            }
        }
        return true;
    }

    public float[] shift() {
        return shift.clone();
    }

    public float[] scale() {
        return scale.clone();
    }

    /** Data space → model space (a new array). */
    public float[] toModel(float[] rows) {
        int dim = shift.length;
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int d = i % dim;
            out[i] = (rows[i] - shift[d]) / scale[d];
        }
        return out;
    }

    /** Model space → data space (a new array). */
    public float[] toData(float[] rows) {
        int dim = shift.length;
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int d = i % dim;
            out[i] = rows[i] * scale[d] + shift[d];
        }
        return out;
    }
}
