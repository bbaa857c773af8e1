package io.dxmi.core.job;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.model.Normalization;

/** How a data source maps into model space. */
public final class DataPreparation {

    private DataPreparation() {}

    /**
     * Identity for the built-in 2D sets (the paper's conventions are in their units);
     * per-dimension standardisation for user files, so that any units train with the defaults;
     * pixel intensities [0, 1] to [−1, 1] for images (the DDPM convention).
     */
    public static Normalization normalizationFor(DataSource data) {
        if (data.shape().isImage()) {
            return Normalization.pixels(data.dimension());
        }
        if (data instanceof CsvDataset csv) {
            return Normalization.standardize(csv.rows(), csv.dimension());
        }
        return Normalization.identity(data.dimension());
    }

    /** Column names x1 … xD for generated CSV files. */
    public static String[] columnNames(int dim) {
        String[] h = new String[dim];
        for (int d = 0; d < dim; d++) {
            h[d] = "x" + (d + 1);
        }
        return h;
    }
}
