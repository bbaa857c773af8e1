package io.dxmi.figures;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.GaussianMixture;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.random.Rng;

import java.util.Optional;

/**
 * The true energy −log p(x) of a built-in 2D data set on a grid: analytic for the Gaussian
 * mixtures (8gaussians, 25gaussians); for the others (2spirals, checkerboard, rings), which
 * have no simple closed form, a binned Gaussian kernel density estimate of many samples.
 * CSV data has no known density: none.
 */
final class TrueEnergy {

    /** Samples the kernel density estimate is built from. */
    static final int KDE_SAMPLES = 200_000;

    /**
     * @param values −log p at each grid cell (up to a constant for the estimate)
     * @param method how it was obtained, for the panel's caption
     */
    record Field(float[] values, String method) {}

    private TrueEnergy() {
    }

    static Optional<Field> on(DataSource data, Grid grid, long seed) {
        if (!ToyDatasets.isBuiltIn(data.name()) || data.dimension() != 2) {
            return Optional.empty();
        }
        Optional<GaussianMixture> mixture = ToyDatasets.mixture(data.name());
        if (mixture.isPresent()) {
            float[] rows = grid.rows();
            float[] out = new float[grid.size()];
            for (int k = 0; k < out.length; k++) {
                out[k] = (float) -mixture.get().logDensity(rows, k);
            }
            return Optional.of(new Field(out, "analytic"));
        }
        return Optional.of(new Field(kde(ToyDatasets.byName(data.name()).sample(KDE_SAMPLES, new Rng(seed)), grid),
                "Gaussian KDE of " + KDE_SAMPLES / 1000 + "k samples"));
    }

    /**
     * −log of a Gaussian KDE evaluated at the cell centres: counts per cell, blurred with a
     * separable Gaussian of bandwidth about 1.5 % of the box (about 1.5 cells at 100 × 100), which
     * resolves the 0.08-wide rings. Binning costs O(cells × kernel) instead of O(cells × samples).
     */
    static float[] kde(float[] samples, Grid grid) {
        int nx = grid.nx();
        int ny = grid.ny();
        double cw = (grid.x1() - grid.x0()) / nx;
        double ch = (grid.y1() - grid.y0()) / ny;
        double[] counts = new double[nx * ny];
        for (int s = 0; s < samples.length / 2; s++) {
            int i = (int) Math.floor((samples[2 * s] - grid.x0()) / cw);
            int j = (int) Math.floor((samples[2 * s + 1] - grid.y0()) / ch);
            if (i >= 0 && i < nx && j >= 0 && j < ny) {
                counts[j * nx + i]++;
            }
        }
        double bandwidth = 0.015 * Math.max(grid.x1() - grid.x0(), grid.y1() - grid.y0());
        double[] rowsBlurred = blur(counts, nx, ny, bandwidth / cw, true);
        double[] density = blur(rowsBlurred, nx, ny, bandwidth / ch, false);
        double max = 0;
        for (double v : density) {
            max = Math.max(max, v);
        }
        // A floor keeps empty regions finite; they lie far above any colour range's clip anyway.
        double floor = max * 1e-6 + 1e-300;
        float[] out = new float[density.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) -Math.log(density[k] + floor);
        }
        return out;
    }

    /** A 1-D Gaussian blur of std {@code sigmaCells} along x (alongX) or y. */
    private static double[] blur(double[] in, int nx, int ny, double sigmaCells, boolean alongX) {
        int radius = (int) Math.ceil(3 * sigmaCells);
        double[] kernel = new double[2 * radius + 1];
        for (int r = -radius; r <= radius; r++) {
            kernel[r + radius] = Math.exp(-0.5 * r * r / (sigmaCells * sigmaCells));
        }
        double[] out = new double[in.length];
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                double sum = 0;
                for (int r = -radius; r <= radius; r++) {
                    int ii = alongX ? i + r : i;
                    int jj = alongX ? j : j + r;
                    if (ii >= 0 && ii < nx && jj >= 0 && jj < ny) {
                        sum += kernel[r + radius] * in[jj * nx + ii];
                    }
                }
                out[j * nx + i] = sum;
            }
        }
        return out;
    }
}
