package io.dxmi.core.job;

import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.eval.MetricHistory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What a training job calls after each periodic evaluation (and once at the end when the last
 * evaluation was earlier), with the model and the evaluations so far. The method's module draws
 * nothing itself: the programs that run it pass the figures module's writer here.
 */
@FunctionalInterface
public interface EvaluationListener {

    /** Does nothing. */
    EvaluationListener NONE = (runDir, model, history) -> { };

    /**
     * Called on the thread that owns the model (inference only, no gradients).
     *
     * @param runDir the job's output directory
     * @param model the model with its current weights
     * @param history every evaluation so far, oldest first
     */
    void evaluated(Path runDir, DxmiModel model, MetricHistory history) throws IOException;
}
