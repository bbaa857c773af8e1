package io.dxmi.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.Adam;
import io.dxmi.core.engine.GradientRecorder;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.TimeNetwork;
import io.dxmi.core.random.Rng;
import io.dxmi.core.engine.OwnedArrays;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * DDPM pretraining with the ε-prediction loss: x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε,
 * L = mean ‖ε̂(x_t, t) − ε‖², for samples of any shape. Noisy inputs and time embeddings are
 * built on the Java side, so each step is one forward, one backward and one fused Adam update.
 *
 * <p>With {@link PretrainConfig#emaDecay()} above 0 an exponential moving average of the weights
 * is kept and becomes the returned model's weights (how DDPMs are sampled). Every
 * {@code checkpointEvery} steps the whole state ({@link PretrainState}) goes to a
 * {@link Checkpoints} sink, and {@link #train} can start from such a state: the continued run
 * takes exactly the steps an uninterrupted run would have taken.
 */
public final class DdpmPretrainer {

    /** Receives the state to save; a failure stops the training with that exception. */
    @FunctionalInterface
    public interface Checkpoints {
        void save(PretrainState state) throws IOException;
    }

    private final PretrainConfig config;
    private final ProgressListener listener;
    private final Checkpoints checkpoints;
    private final int checkpointEvery;
    private long skippedSteps;
    private double lastLoss = Double.NaN;

    public DdpmPretrainer(PretrainConfig config, ProgressListener listener) {
        this(config, listener, null, 0);
    }

    /**
     * @param checkpoints where to save the state (null: never)
     * @param checkpointEvery steps between saves (and one at the end); 0 = never
     */
    public DdpmPretrainer(PretrainConfig config, ProgressListener listener, Checkpoints checkpoints,
            int checkpointEvery) {
        this.config = config;
        this.listener = listener;
        this.checkpoints = checkpoints;
        this.checkpointEvery = checkpointEvery;
    }

    /** Trains a new model of vectors. */
    public DdpmModel train(int dimension, Normalization normalization, BiFunction<Integer, Rng, float[]> dataBatch) {
        try {
            return train(SampleShape.vector(dimension), normalization, dataBatch, null);
        } catch (IOException e) {
            throw new IllegalStateException("no checkpoints are written without a sink", e);
        }
    }

    /**
     * Trains a new model, or continues from {@code resume}.
     *
     * @param shape one sample's shape
     * @param normalization data → model space
     * @param dataBatch (n, rng) → n data-space samples, row-major
     * @param resume a saved state to continue from, or null
     * @throws IOException when a checkpoint cannot be saved
     */
    public DdpmModel train(SampleShape shape, Normalization normalization,
            BiFunction<Integer, Rng, float[]> dataBatch, PretrainState resume) throws IOException {
        Rng rng = new Rng(config.seed());
        DdpmModel model = new DdpmModel(config, shape, normalization, rng.split());
        try {
            return trainInto(model, shape, normalization, dataBatch, rng, resume);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private DdpmModel trainInto(DdpmModel model, SampleShape shape, Normalization normalization,
            BiFunction<Integer, Rng, float[]> dataBatch, Rng rng, PretrainState resume) throws IOException {
        NoiseSchedule schedule = model.schedule();
        TimeNetwork net = model.epsNet();
        int n = schedule.steps();
        int dimension = shape.size();
        int embDim = net.embedding().dimension();
        float[] embTable = new float[n * embDim];
        for (int t = 0; t < n; t++) {
            net.embedding().embed(schedule.networkTime(t), embTable, t * embDim);
        }
        float[] sqrtAb = new float[n];
        float[] sqrtOneMinusAb = new float[n];
        for (int t = 0; t < n; t++) {
            sqrtAb[t] = (float) Math.sqrt(schedule.alphaBar(t));
            sqrtOneMinusAb[t] = (float) Math.sqrt(1 - schedule.alphaBar(t));
        }
        Adam adam = Adam.builder().setParameters(net.parameters()).setLearningRate(config.learningRate()).build();
        ParameterSet ema = null;
        NDManager emaManager = null;
        if (config.emaDecay() > 0) {
            emaManager = model.manager().newSubManager();
            ema = emaCopy(net.parameters(), emaManager);
        }
        long start = 0;
        if (resume != null) {
            start = restore(resume, net.parameters(), ema, adam, rng);
        }
        int batch = config.batchSize();
        int iterations = config.iterations();
        int reportEvery = Math.max(1, iterations / 200);
        double lossSum = 0;
        int lossCount = 0;
        long clockStart = System.nanoTime();
        for (long it = start; it < iterations; it++) {
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
                NDArray xtA = OwnedArrays.create(step, xt, new Shape(shape.batch(batch)));
                NDArray embA = OwnedArrays.create(step, emb, new Shape(batch, embDim));
                NDArray epsA = OwnedArrays.create(step, eps, new Shape(shape.batch(batch)));
                try (GradientRecorder gc = GradientRecorder.open()) {
                    NDArray pred = net.forward(xtA, embA);
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
                    net.parameters().zeroGradients();
                    skippedSteps++;
                }
            }
            if (ema != null) {
                ema.emaUpdate(net.parameters(), config.emaDecay());
            }
            if (Float.isFinite(loss)) {
                lossSum += loss;
                lossCount++;
            }
            long done = it + 1;
            if (done % reportEvery == 0 || done == iterations) {
                lastLoss = lossCount > 0 ? lossSum / lossCount : Double.NaN;
                lossSum = 0;
                lossCount = 0;
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", lastLoss);
                m.put("lr", (double) adam.getLearningRate());
                double seconds = (System.nanoTime() - clockStart) / 1e9;
                m.put("it_s", (done - start) / Math.max(seconds, 1e-9));
                if (skippedSteps > 0) {
                    m.put("skipped", (double) skippedSteps);
                }
                listener.onProgress("pretrain", done, iterations, m);
            }
            if (checkpoints != null && ((checkpointEvery > 0 && done % checkpointEvery == 0) || done == iterations)) {
                checkpoints.save(capture(done, net.parameters(), ema, adam, rng));
            }
        }
        if (ema != null) {
            net.parameters().copyFrom(ema);
            emaManager.close();
        }
        return model;
    }

    private static ParameterSet emaCopy(ParameterSet source, NDManager manager) {
        ParameterSet copy = new ParameterSet(manager);
        source.toFloatArrays().forEach((k, v) -> copy.add(k, source.get(k).getShape(), v));
        for (NDArray a : copy.arrays().values()) {
            a.setRequiresGradient(false);
        }
        return copy;
    }

    private PretrainState capture(long iteration, ParameterSet train, ParameterSet ema, Adam adam, Rng rng) {
        LinkedHashMap<String, float[]> t = new LinkedHashMap<>();
        train.toFloatArrays().forEach((k, v) -> t.put(PretrainState.TRAIN + k, v));
        if (ema != null) {
            ema.toFloatArrays().forEach((k, v) -> t.put(PretrainState.EMA + k, v));
        }
        adam.exportState().forEach((k, v) -> t.put(PretrainState.OPTIMIZER + k, v));
        return new PretrainState(t, iteration, rng.getState(), adam.getSteps(), skippedSteps);
    }

    private long restore(PretrainState s, ParameterSet train, ParameterSet ema, Adam adam, Rng rng) {
        if (s.iteration() > config.iterations()) {
            throw new IllegalArgumentException("the saved pretraining is at step " + s.iteration()
                    + ", beyond the " + config.iterations() + " steps asked for");
        }
        train.load(s.part(PretrainState.TRAIN));
        if (ema != null) {
            LinkedHashMap<String, float[]> e = s.part(PretrainState.EMA);
            ema.load(e.isEmpty() ? s.part(PretrainState.TRAIN) : e);
        }
        adam.importState(s.part(PretrainState.OPTIMIZER), s.adamSteps());
        rng.setState(s.rngState());
        skippedSteps = s.skippedSteps();
        return s.iteration();
    }

    /** Steps skipped because the loss or gradient was not finite. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** Mean loss over the last reporting window. */
    public double lastLoss() {
        return lastLoss;
    }
}
