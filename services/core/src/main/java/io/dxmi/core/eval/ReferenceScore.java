package io.dxmi.core.eval;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.GaussianMixture;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.data.vector.SyntheticSet;
import io.dxmi.core.metrics.NearestNeighbourScore;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.random.Rng;

import java.util.function.Function;

/**
 * What an energy's AUC is measured against: the true log density where it is known in closed
 * form (the built-in Gaussian mixtures, synthetic sets with a density), else minus the distance
 * to the {@value #NEIGHBOUR}th nearest of {@value #REFERENCE_ROWS} fresh data rows, columns
 * scaled by the data's standard deviations.
 *
 * @param name what the score is, for reports
 * @param score data-space rows → one score per row (higher = more like the data)
 */
public record ReferenceScore(String name, Function<float[], double[]> score) {

    /** Reference rows of the nearest-neighbour score, drawn afresh from the generator. */
    public static final int REFERENCE_ROWS = 20_000;
    /** Which neighbour's distance the nearest-neighbour score uses. */
    public static final int NEIGHBOUR = 5;

    /**
     * @param data the data set as trained on
     * @param synthetic its generator when it is a synthetic set, else null (a built-in set)
     * @param seed seed of the nearest-neighbour score's reference rows
     */
    public static ReferenceScore of(DataSource data, SyntheticSet synthetic, long seed) {
        if (synthetic != null && synthetic.hasDensity()) {
            return new ReferenceScore("true density", synthetic::logDensity);
        }
        if (synthetic == null && ToyDatasets.mixture(data.name()).isPresent()) {
            GaussianMixture g = ToyDatasets.mixture(data.name()).get();
            return new ReferenceScore("true density", rows -> {
                double[] out = new double[rows.length / g.dimension()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = g.logDensity(rows, i);
                }
                return out;
            });
        }
        Rng rng = new Rng(seed + 31_337);
        float[] ref = synthetic != null ? synthetic.sample(REFERENCE_ROWS, rng) : data.sample(REFERENCE_ROWS, rng);
        Normalization n = data instanceof CsvDataset csv ? Normalization.standardize(csv.rows(), csv.dimension())
                : Normalization.standardize(ref, data.dimension());
        NearestNeighbourScore knn = new NearestNeighbourScore(ref, data.dimension(), n.scale(), NEIGHBOUR);
        return new ReferenceScore(NEIGHBOUR + "-NN distance", knn::scores);
    }
}
