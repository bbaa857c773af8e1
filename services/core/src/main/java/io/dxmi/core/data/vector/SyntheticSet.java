package io.dxmi.core.data.vector;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.random.Rng;

/**
 * A synthetic vector data set of the benchmark: a generator of rows in "unit" coordinates, an
 * affine map to the units the user sees (an offset and one scale per column: data far from
 * the origin and far from unit scale), and, where known, the log density. The benchmark trains
 * on a finite sample written as a CSV file, exactly what a user brings with {@code --data FILE.csv}.
 */
public final class SyntheticSet {

    /** Writes one row, in unit coordinates, into out[offset …]. */
    @FunctionalInterface
    public interface RowGenerator {
        void draw(Rng rng, double[] out, int offset);
    }

    /** log p of one row in unit coordinates, up to an additive constant (what a ranking needs). */
    @FunctionalInterface
    public interface LogDensity {
        double logDensity(double[] x, int offset);
    }

    private final String name;
    private final String description;
    private final int dimension;
    private final double[] offset;
    private final double[] scale;
    private final RowGenerator generator;
    private final LogDensity density;

    /**
     * @param density the log density in unit coordinates, or null when it has no closed form
     */
    public SyntheticSet(String name, String description, double[] offset, double[] scale, RowGenerator generator,
            LogDensity density) {
        if (offset.length != scale.length || offset.length == 0) {
            throw new IllegalArgumentException("need one offset and one scale per column");
        }
        this.name = name;
        this.description = description;
        this.dimension = offset.length;
        this.offset = offset.clone();
        this.scale = scale.clone();
        this.generator = generator;
        this.density = density;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public int dimension() {
        return dimension;
    }

    /** Whether the log density is known in closed form (else the benchmark uses a nearest-neighbour score). */
    public boolean hasDensity() {
        return density != null;
    }

    /** n rows in data units, row-major. */
    public float[] sample(int n, Rng rng) {
        double[] row = new double[dimension];
        float[] out = new float[n * dimension];
        for (int i = 0; i < n; i++) {
            generator.draw(rng, row, 0);
            for (int j = 0; j < dimension; j++) {
                out[i * dimension + j] = (float) (offset[j] + scale[j] * row[j]);
            }
        }
        return out;
    }

    /** log p of each data-unit row, up to one additive constant; IllegalStateException when unknown. */
    public double[] logDensity(float[] rows) {
        if (density == null) {
            throw new IllegalStateException(name + " has no closed-form density");
        }
        int n = rows.length / dimension;
        double[] unit = new double[dimension];
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dimension; j++) {
                unit[j] = (rows[i * dimension + j] - offset[j]) / scale[j];
            }
            out[i] = density.logDensity(unit, 0);
        }
        return out;
    }

    /** A finite sample of n rows as a data set, the same kind as a user's CSV file. */
    public CsvDataset materialise(int n, long seed) {
        return CsvDataset.of(name, sample(n, new Rng(seed)), dimension);
    }

    @Override
    public String toString() {
        return name;
    }
}
