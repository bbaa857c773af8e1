package io.dxmi.core.engine;

import java.util.Map;

/** Receives progress of a long computation (pretraining, training) with its key metrics. */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = (phase, done, total, metrics) -> {};

    /**
     * @param phase what is running, for example "pretrain" or "train"
     * @param done iterations finished
     * @param total iterations planned
     * @param metrics current key metrics (losses, σ, evaluation results), in display order
     */
    void onProgress(String phase, long done, long total, Map<String, Double> metrics);

    /** This listener, then {@code next}, for every report. */
    default ProgressListener andThen(ProgressListener next) {
        return (phase, done, total, metrics) -> {
            onProgress(phase, done, total, metrics);
            next.onProgress(phase, done, total, metrics);
        };
    }
}
