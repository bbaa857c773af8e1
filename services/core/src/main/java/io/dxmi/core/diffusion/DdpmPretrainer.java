package io.dxmi.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.GradientRecorder;
import io.dxmi.core.engine.Adam;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.random.Rng;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * DDPM pretraining with the ε-prediction loss: x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε,
 * L = mean ‖ε̂(x_t, t) − ε‖². Noisy inputs and time embeddings are built on the Java side
 * (tiny for vector data), so each step is one forward, one backward and one fused Adam update.
 */
public final class DdpmPretrainer {

    private final PretrainConfig config;
    private final ProgressListener listener;
    private int skippedSteps;
    private double lastLoss = Double.NaN;

    public DdpmPretrainer(PretrainConfig config, ProgressListener listener) {
        this.config = config;
        this.listener = listener;
    }

    /**
     * Trains a new model.
     *
     * @param dimension data dimension
     * @param normalization data → model space
     * @param dataBatch (n, rng) → n data-space rows
     */
    public DdpmModel train(int dimension, Normalization normalization, BiFunction<Integer, Rng, float[]> dataBatch) {
        Rng rng = new Rng(config.seed());
        DdpmModel model = new DdpmModel(config, dimension, normalization, rng.split());
        NoiseSchedule schedule = model.schedule();
        int n = schedule.steps();
        int embDim = model.epsNet().embedding().dimension();
        float[] embTable = new float[n * embDim];
        for (int t = 0; t < n; t++) {
            model.epsNet().embedding().embed(schedule.networkTime(t), embTable, t * embDim);
        }
        float[] sqrtAb = new float[n];
        float[] sqrtOneMinusAb = new float[n];
        for (int t = 0; t < n; t++) {
            sqrtAb[t] = (float) Math.sqrt(schedule.alphaBar(t));
            sqrtOneMinusAb[t] = (float) Math.sqrt(1 - schedule.alphaBar(t));
        }
        Adam adam = Adam.builder().setParameters(model.epsNet().parameters()).setLearningRate(config.learningRate())
                .build();
        int batch = config.batchSize();
        int iterations = config.iterations();
        int reportEvery = Math.max(1, iterations / 200);
        double lossSum = 0;
        int lossCount = 0;
        for (int it = 0; it < iterations; it++) {
            if (config.cosineDecay()) {
                adam.setLearningRate((float) (config.learningRate() * 0.5 * (1 + Math.cos(Math.PI * it / iterations))));
            }
            float[] x0 = normalization.toModel(dataBatch.apply(batch, rng));
            float[] eps = rng.gaussians(batch * dimension);
            float[] xt = new float[batch * dimension];
            float[] emb = new float[batch * embDim];
            for (int i = 0; i < batch; i++) {
                int t = rng.nextInt(n);
                for (int d = 0; d < dimension; d++) {
                    int j = i * dimension + d;
                    xt[j] = sqrtAb[t] * x0[j] + sqrtOneMinusAb[t] * eps[j];
                }
                System.arraycopy(embTable, t * embDim, emb, i * embDim, embDim);
            }
            float loss;
            try (NDManager step = model.manager().newSubManager()) {
                NDArray xtA = step.create(xt, new Shape(batch, dimension));
                NDArray embA = step.create(emb, new Shape(batch, embDim));
                NDArray epsA = step.create(eps, new Shape(batch, dimension));
                try (GradientRecorder gc = GradientRecorder.open()) {
                    NDArray pred = model.epsNet().forward(xtA, embA);
                    NDArray l = pred.sub(epsA).square().mean();
                    loss = l.getFloat();
                    if (Float.isFinite(loss)) {
                        gc.backward(l);
                    }
                }
                if (Float.isFinite(loss)) {
                    if (!adam.step().applied()) {
                        skippedSteps++;
                    }
                } else {
                    model.epsNet().parameters().zeroGradients();
                    skippedSteps++;
                }
            }
            if (Float.isFinite(loss)) {
                lossSum += loss;
                lossCount++;
            }
            if ((it + 1) % reportEvery == 0 || it + 1 == iterations) {
                lastLoss = lossCount > 0 ? lossSum / lossCount : Double.NaN;
                lossSum = 0;
                lossCount = 0;
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", lastLoss);
                m.put("lr", (double) adam.getLearningRate());
                if (skippedSteps > 0) {
                    m.put("skipped", (double) skippedSteps);
                }
                listener.onProgress("pretrain", it + 1, iterations, m);
            }
        }
        return model;
    }

    /** Steps skipped because the loss or gradient was not finite. */
    public int skippedSteps() {
        return skippedSteps;
    }

    /** Mean loss over the last reporting window. */
    public double lastLoss() {
        return lastLoss;
    }
}
