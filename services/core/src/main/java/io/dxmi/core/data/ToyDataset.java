package io.dxmi.core.data;

import io.dxmi.core.random.Rng;

/** A built-in 2D distribution defined by a point generator; see {@link ToyDatasets}. */
final class ToyDataset implements DataSource {

    /** Writes one point (x, y) into out[offset], out[offset + 1]. */
    @FunctionalInterface
    interface PointGenerator {
        void next(Rng rng, float[] out, int offset);
    }

    private static final Box PAPER_BOX = Box.cube(2, -4, 4);

    private final String name;
    private final String parameters;
    private final String boxDescription;
    private final PointGenerator generator;

    ToyDataset(String name, String parameters, String boxDescription, PointGenerator generator) {
        this.name = name;
        this.parameters = parameters;
        this.boxDescription = boxDescription;
        this.generator = generator;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return 2;
    }

    @Override
    public float[] sample(int n, Rng rng) {
        if (n < 0) {
            throw new IllegalArgumentException("sample count must be >= 0: " + n);
        }
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            generator.next(rng, out, 2 * i);
        }
        return out;
    }

    @Override
    public Box evaluationBox() {
        return PAPER_BOX;
    }

    @Override
    public String evaluationBoxDescription() {
        return boxDescription;
    }

    /** Hash of the name and the generator's parameters: equal hashes mean the same distribution. */
    @Override
    public String contentHash() {
        return Sha256.hex("toy:" + name + "|" + parameters);
    }

    @Override
    public String toString() {
        return name;
    }
}
