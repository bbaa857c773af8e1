package io.dxmi.core.metrics;

import java.util.Arrays;

/**
 * A reference anomaly score for data without a closed-form density: minus the distance from a
 * point to its k-th nearest neighbour among reference rows drawn from the data distribution
 * (higher = more like the data), after scaling every column by {@code 1/scale} so that no
 * column dominates by its units. Exact search, O(n·m·D).
 */
public final class NearestNeighbourScore {

    private final float[] reference;
    private final int dimension;
    private final int k;
    private final float[] inverseScale;

    /**
     * @param reference rows drawn from the data distribution, row-major, independent of the rows to score
     * @param scale per-column scale (for example the data's standard deviations)
     * @param k which neighbour's distance is the score (k ≥ 1)
     */
    public NearestNeighbourScore(float[] reference, int dimension, float[] scale, int k) {
        if (dimension <= 0 || reference.length == 0 || reference.length % dimension != 0) {
            throw new IllegalArgumentException("need a non-empty row-major reference set of dimension " + dimension);
        }
        if (scale.length != dimension) {
            throw new IllegalArgumentException("need one scale per column, got " + scale.length);
        }
        if (k < 1 || k > reference.length / dimension) {
            throw new IllegalArgumentException("k must be in 1.." + reference.length / dimension + ", got " + k);
        }
        this.dimension = dimension;
        this.k = k;
        this.inverseScale = new float[dimension];
        for (int j = 0; j < dimension; j++) {
            inverseScale[j] = 1f / scale[j];
        }
        this.reference = scaled(reference);
    }

    private float[] scaled(float[] rows) {
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i] * inverseScale[i % dimension];
        }
        return out;
    }

    /** One score per row: −(distance to the k-th nearest reference row). */
    public double[] scores(float[] rows) {
        float[] q = scaled(rows);
        int n = q.length / dimension;
        int m = reference.length / dimension;
        double[] out = new double[n];
        // The k smallest squared distances so far, largest first (k is small: insertion is cheap).
        double[] best = new double[k];
        for (int i = 0; i < n; i++) {
            Arrays.fill(best, Double.POSITIVE_INFINITY);
            int qi = i * dimension;
            for (int r = 0; r < m; r++) {
                int ri = r * dimension;
                double d2 = 0;
                for (int j = 0; j < dimension && d2 < best[0]; j++) {
                    double d = q[qi + j] - reference[ri + j];
                    d2 += d * d;
                }
                if (d2 < best[0]) {
                    int pos = 0;
                    while (pos + 1 < k && best[pos + 1] > d2) {
                        best[pos] = best[pos + 1];
                        pos++;
                    }
                    best[pos] = d2;
                }
            }
            out[i] = -Math.sqrt(best[0]);
        }
        return out;
    }
}
