package io.dxmi.core.nn;

/**
 * The transformer/DDPM sinusoidal embedding of a scalar time: half sines, half cosines at
 * geometrically spaced frequencies from 1 down to 1/10000. Computed on the Java side: it is
 * tiny, and a table per distinct time saves device work.
 */
public final class SinusoidalEmbedding {

    private final int dim;
    private final double[] frequencies;

    public SinusoidalEmbedding(int dim) {
        if (dim < 2 || dim % 2 != 0) {
            throw new IllegalArgumentException("embedding dimension must be even and at least 2, got " + dim);
        }
        this.dim = dim;
        int half = dim / 2;
        frequencies = new double[half];
        for (int i = 0; i < half; i++) {
            frequencies[i] = Math.exp(-Math.log(10000.0) * i / Math.max(1, half - 1));
        }
    }

    public int dimension() {
        return dim;
    }

    /** Embedding of one time value into {@code out[offset .. offset+dim)}. */
    public void embed(double t, float[] out, int offset) {
        int half = dim / 2;
        for (int i = 0; i < half; i++) {
            double a = t * frequencies[i];
            out[offset + i] = (float) Math.sin(a);
            out[offset + half + i] = (float) Math.cos(a);
        }
    }

    /** Row-major (n, dim) embeddings of n time values. */
    public float[] embed(double[] times) {
        float[] out = new float[times.length * dim];
        for (int i = 0; i < times.length; i++) {
            embed(times[i], out, i * dim);
        }
        return out;
    }

    /** Row-major (n, dim) embeddings of one time value repeated n times. */
    public float[] embedRepeated(double t, int n) {
        float[] row = new float[dim];
        embed(t, row, 0);
        float[] out = new float[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(row, 0, out, i * dim, dim);
        }
        return out;
    }
}
