package io.dxmi.core.eval;

import io.dxmi.core.metrics.MeanStd;

/**
 * Quality of a sampler (sliced Wasserstein distance to the data) and of an energy (AUC of
 * −E separating data from uniform points in a box).
 *
 * @param sw SW mean ± std over independent samplings
 * @param auc energy AUC, NaN when no energy was evaluated
 * @param aucBox which box the AUC's negatives came from
 */
public record EvaluationResult(MeanStd sw, double auc, String aucBox) {}
