package io.dxmi.core.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.OwnedArrays;

import java.util.Arrays;

/**
 * Improved precision and recall (Kynkäänniemi et al., NeurIPS 2019) on feature vectors.
 *
 * <p>Each set is a manifold: the union of balls around its points, each ball's radius the
 * distance from the point to its k-th nearest other point of the same set. Precision is the
 * share of generated points inside the real manifold; recall the share of real points inside the
 * generated manifold (inside = within the radius, inclusive). Distances are Euclidean, computed
 * in blocks of rows as |a|² + |b|² − 2a·b with the engine's matrix product.
 */
public final class PrecisionRecall {

    /** The paper's neighbourhood size. */
    public static final int DEFAULT_K = 3;
    private static final int BLOCK = 1024;

    private PrecisionRecall() {
    }

    /** Precision and recall of {@code generated} against {@code real}. */
    public record Result(double precision, double recall) {
    }

    /** Both metrics for n × dim row-major feature arrays; each set needs more than k points. */
    public static Result compute(float[] real, float[] generated, int dim, int k) {
        int nr = rowCount(real, dim, k, "real");
        int ng = rowCount(generated, dim, k, "generated");
        DjlRuntime.noGradientsOnThisThread();
        try (NDManager manager = NDManager.newBaseManager(DjlRuntime.device())) {
            NDArray r = OwnedArrays.create(manager, real, new Shape(nr, dim));
            NDArray g = OwnedArrays.create(manager, generated, new Shape(ng, dim));
            float[] realRadii = kthNeighbourSquared(r, k);
            float[] genRadii = kthNeighbourSquared(g, k);
            double precision = (double) covered(g, r, realRadii) / ng;
            double recall = (double) covered(r, g, genRadii) / nr;
            return new Result(precision, recall);
        }
    }

    private static int rowCount(float[] rows, int dim, int k, String what) {
        if (dim < 1 || rows.length % dim != 0) {
            throw new IllegalArgumentException(what + ": " + rows.length + " values are not whole rows of " + dim);
        }
        int n = rows.length / dim;
        if (n <= k) {
            throw new IllegalArgumentException(what + " has " + n + " points; k = " + k + " needs more than k");
        }
        return n;
    }

    /** Squared distance from every row of {@code x} to its k-th nearest other row. */
    static float[] kthNeighbourSquared(NDArray x, int k) {
        int n = (int) x.getShape().get(0);
        float[] out = new float[n];
        float[] smallest = new float[k + 1];
        Centres centres = new Centres(x);
        for (int from = 0; from < n; from += BLOCK) {
            int b = Math.min(BLOCK, n - from);
            float[] d = centres.squaredDistances(x, from, b);
            for (int i = 0; i < b; i++) {
                // the k+1 smallest include the point itself (distance 0)
                Arrays.fill(smallest, Float.POSITIVE_INFINITY);
                int base = i * n;
                for (int j = 0; j < n; j++) {
                    float v = d[base + j];
                    if (v < smallest[k]) {
                        int p = k;
                        while (p > 0 && smallest[p - 1] > v) {
                            smallest[p] = smallest[p - 1];
                            p--;
                        }
                        smallest[p] = v;
                    }
                }
                out[from + i] = smallest[k];
            }
        }
        return out;
    }

    /** How many rows of {@code queries} lie within some ball of {@code centres} (squared radii). */
    static int covered(NDArray queries, NDArray centres, float[] radiiSquared) {
        int n = (int) queries.getShape().get(0);
        int m = (int) centres.getShape().get(0);
        int count = 0;
        Centres c = new Centres(centres);
        for (int from = 0; from < n; from += BLOCK) {
            int b = Math.min(BLOCK, n - from);
            float[] d = c.squaredDistances(queries, from, b);
            for (int i = 0; i < b; i++) {
                int base = i * m;
                for (int j = 0; j < m; j++) {
                    if (d[base + j] <= radiiSquared[j]) {
                        count++;
                        break;
                    }
                }
            }
        }
        return count;
    }

    /** A set of points prepared for distance queries: its transpose and squared norms. */
    private static final class Centres {
        private final NDArray transposed;
        private final NDArray squaredNorms;

        Centres(NDArray c) {
            transposed = c.transpose();
            squaredNorms = c.square().sum(new int[] {1});
        }

        /** Squared distances (b × m, row-major) from rows from … from+b−1 of {@code a} to every centre. */
        float[] squaredDistances(NDArray a, int from, int b) {
            try (NDManager scope = a.getManager().newSubManager()) {
                NDArray rows = a.get(from + ":" + (from + b));
                rows.attach(scope);
                NDArray rr = rows.square().sum(new int[] {1}, true);
                NDArray d = OwnedArrays.maximum(rr.add(squaredNorms).sub(OwnedArrays.mul(rows.matMul(transposed), 2f)), 0f);
                return d.toFloatArray();
            }
        }
    }
}
