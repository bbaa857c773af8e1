package io.dxmi.core.job;

import io.dxmi.core.metrics.MeanStd;

/**
 * The headline figures of a training job (the full report is its result.json).
 *
 * @param sw final SW (mean ± std over the evaluator's samplings)
 * @param auc final energy AUC with the evaluation energy (the EMA copy when enabled)
 * @param aucRaw final energy AUC with the raw, last-iterate energy
 * @param iterations DxMI iterations done in total
 * @param trainSeconds seconds spent in DxMI iterations (excluding evaluations)
 * @param wallSeconds seconds of the whole job
 */
public record TrainResult(MeanStd sw, double auc, double aucRaw, long iterations, double trainSeconds,
        double wallSeconds) {

    public double iterationsPerSecond() {
        return trainSeconds > 0 ? iterations / trainSeconds : Double.NaN;
    }
}
