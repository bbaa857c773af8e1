package io.dxmi.core.job;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.engine.ProgressListener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a training run measures its model, by the kind of data: vectors by sliced Wasserstein
 * distance and energy AUC ({@link VectorRunEvaluation}), images by the Fréchet distance,
 * precision and recall on the features of the project's own classifier ({@link ImageRunEvaluation}).
 */
public interface RunEvaluation extends AutoCloseable {

    /** A quick evaluation during training: metric name ({@code MetricHistory} keys) → value, in display order. */
    Map<String, Double> periodic(DxmiModel model);

    /** The full protocol at the end: writes the samples file into {@code output} and returns the quality. */
    RunResult.Quality complete(DxmiModel model, Path output) throws IOException;

    /** Frees what the protocol holds (an image classifier's weights); no exception. */
    @Override
    default void close() {
    }

    /** The file the generated samples are written to ({@code samples.csv}, {@code samples.idx.gz}). */
    String samplesFile();

    /** The protocol for {@code data}. */
    static RunEvaluation forData(DataSource data, Settings settings, ProgressListener progress) {
        return data.shape().isImage() ? new ImageRunEvaluation(data, settings, progress)
                : new VectorRunEvaluation(data, settings);
    }

    /**
     * The protocol's sizes.
     *
     * @param samples samples in the final evaluation (vectors: per SW repeat; images: for FD)
     * @param repeats vectors: independent samplings whose SW is averaged
     * @param directions vectors: SW directions
     * @param outputSamples samples written to the samples file
     * @param periodicSamples samples of the quick evaluations during training
     * @param classifier images: a classifier model directory to use instead of the cached one (null: the cache)
     * @param seed seed of the evaluation's own draws
     */
    record Settings(int samples, int repeats, int directions, int outputSamples, int periodicSamples, Path classifier,
            long seed) {}
}
