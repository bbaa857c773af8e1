package io.dxmi.core.dxmi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dxmi.core.engine.Adam;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.random.Rng;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The synchronous DxMI trainer: Algorithm 1 of the paper, one iteration at a time.
 *
 * <ol>
 *   <li>roll out B trajectories with the current policy (no gradients);</li>
 *   <li>update the AVR scales s_t²;</li>
 *   <li>one energy step on B data rows and the B samples x_T;</li>
 *   <li>T value (TD) steps, t = T−1 down to 0, each with the just-updated V;</li>
 *   <li>one policy step over all B·T transitions, reparametrised through one step.</li>
 * </ol>
 *
 * A non-finite loss or gradient is never applied: the update is skipped and counted, and after
 * {@link DxmiConfig#maxConsecutiveSkips()} bad iterations in a row the weights, optimizer moments
 * and AVR scales go back to the last good snapshot. All training must run on one thread (DJL
 * allows one gradient collector per process).
 */
public final class DxmiTrainer {

    private final DxmiModel model;
    private final DxmiConfig config;
    private final BiFunction<Integer, Rng, float[]> data;
    private final Rng rng;
    private final Avr avr;
    private final Adam samplerOptimizer;
    private final Adam sigmaOptimizer;
    private final Adam valueOptimizer;
    private final Adam energyOptimizer;
    private final NDManager constants;
    private final NDArray policyEmbedding;
    private final NDArray policyA;
    private final NDArray policyB;
    private final NDArray stepOneHot;
    private long iteration;
    private long skippedUpdates;
    private long recoveries;
    private int consecutiveBad;
    private TrainingState lastGood;

    /**
     * @param data (n, rng) → n data-space rows (normalised inside)
     */
    public DxmiTrainer(DxmiModel model, BiFunction<Integer, Rng, float[]> data) {
        this.model = model;
        this.config = model.config();
        this.data = data;
        this.rng = new Rng(config.seed() ^ 0x5DEECE66DL);
        this.avr = new Avr(config.samplerSteps(), config.avrDecay());
        FewStepSampler s = model.sampler();
        this.samplerOptimizer = Adam.builder().setParameters(s.networkParameters())
                .setLearningRate(config.samplerLearningRate()).optClipNorm(config.samplerClipNorm()).build();
        this.sigmaOptimizer = s.sigmaParameters().arrays().isEmpty() ? null
                : Adam.builder().setParameters(s.sigmaParameters()).setLearningRate(config.sigmaLearningRate()).build();
        ValueModel v = model.values();
        this.valueOptimizer = Adam.builder().setParameters(v.valueParameters())
                .setLearningRate(config.valueLearningRate()).optClipNorm(config.valueClipNorm()).build();
        this.energyOptimizer = v.sharing() == ValueSharing.SHARED ? valueOptimizer
                : Adam.builder().setParameters(v.energyParameters()).setLearningRate(config.energyLearningRate())
                        .optClipNorm(config.energyClipNorm()).build();

        // Constants of the policy step over the B·T buffer, built once.
        int b = config.batchSize();
        int steps = config.samplerSteps();
        int e = s.network().embedding().dimension();
        constants = model.manager().newSubManager();
        float[] emb = new float[steps * b * e];
        float[] a = new float[steps * b];
        float[] bc = new float[steps * b];
        float[] oneHot = new float[steps * b * steps];
        for (int k = 0; k < steps; k++) {
            System.arraycopy(s.timeEmbedding(k, b), 0, emb, k * b * e, b * e);
            for (int i = 0; i < b; i++) {
                int row = k * b + i;
                a[row] = s.coefficients().a(k);
                bc[row] = s.coefficients().b(k);
                oneHot[row * steps + k] = 1f;
            }
        }
        policyEmbedding = constants.create(emb, new Shape((long) steps * b, e));
        policyA = constants.create(a, new Shape((long) steps * b, 1));
        policyB = constants.create(bc, new Shape((long) steps * b, 1));
        stepOneHot = constants.create(oneHot, new Shape((long) steps * b, steps));
    }

    public DxmiModel model() {
        return model;
    }

    public long iteration() {
        return iteration;
    }

    public long skippedUpdates() {
        return skippedUpdates;
    }

    public long recoveries() {
        return recoveries;
    }

    /** Runs one iteration of Algorithm 1. */
    public IterationStats step() {
        if (lastGood == null) {
            lastGood = captureState();
        }
        int b = config.batchSize();
        int steps = config.samplerSteps();
        int dim = model.dimension();
        FewStepSampler sampler = model.sampler();
        ValueModel values = model.values();
        int skipped = 0;
        double energyLoss;
        double energyData;
        double energySamples;
        double valueLossSum = 0;
        double policyLoss;
        double[] s2;
        try (NDManager it = model.manager().newSubManager()) {
            // DJL places an operation's result in its first operand's manager: lend the constants
            // and log σ to this iteration so that nothing computed from them outlives it.
            policyEmbedding.tempAttach(it);
            policyA.tempAttach(it);
            policyB.tempAttach(it);
            stepOneHot.tempAttach(it);
            for (NDArray p : sampler.sigmaParameters().arrays().values()) {
                p.tempAttach(it);
            }
            // 1. Roll out.
            float[] sigmas = sampler.sigmas();
            NDArray[] x = sampler.rollout(b, rng, it);

            // 2. AVR.
            NDArray[] meanSq = new NDArray[steps];
            for (int k = 0; k < steps; k++) {
                meanSq[k] = x[k + 1].sub(x[k]).square().mean();
            }
            float[] ms = NDArrays.stack(new NDList(meanSq)).toFloatArray();
            double[] msd = new double[steps];
            for (int k = 0; k < steps; k++) {
                msd[k] = ms[k];
            }
            avr.update(msd);
            s2 = avr.scales();

            // 3. Energy step.
            float[] pos = model.normalization().toModel(data.apply(b, rng));
            NDArray both = NDArrays.concat(new NDList(it.create(pos, new Shape(b, dim)), x[steps]));
            float[] el;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray en = values.energy(both);
                NDArray ePos = en.get(new NDIndex("0:{}", b));
                NDArray eNeg = en.get(new NDIndex("{}:", b));
                NDArray loss = DxmiLosses.energy(ePos, eNeg, config.gamma());
                el = NDArrays.stack(new NDList(loss, ePos.mean(), eNeg.mean())).toFloatArray();
                if (Float.isFinite(el[0])) {
                    gc.backward(loss);
                }
            }
            skipped += apply(energyOptimizer, el[0]);
            energyLoss = el[0];
            energyData = el[1];
            energySamples = el[2];

            // 4. Value steps, t = T−1 … 0, each target from the just-updated V.
            for (int t = steps - 1; t >= 0; t--) {
                NDArray target = values.value(x[t + 1], t + 1);
                if (config.timeCost() == TimeCost.RUNNING) {
                    target = target.add(DxmiLosses.runningCost(x[t + 1], x[t], s2[t]).mul(config.tauVelocity()));
                } else {
                    target = target.add((float) config.timeCost().fixedCost(t, steps, config.timeCostConstant()));
                }
                target = target.sub((float) (config.tauEntropy() * Math.log(sigmas[t])));
                float vl;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = DxmiLosses.temporalDifference(values.value(x[t], t), target);
                    vl = loss.getFloat();
                    if (Float.isFinite(vl)) {
                        gc.backward(loss);
                    }
                }
                skipped += apply(valueOptimizer, vl);
                valueLossSum += vl;
            }

            // 5. Policy step over the whole B·T buffer.
            NDArray[] starts = new NDArray[steps];
            System.arraycopy(x, 0, starts, 0, steps);
            NDArray current = NDArrays.concat(new NDList(starts));
            NDArray noise = it.create(rng.gaussians(steps * b * dim), new Shape((long) steps * b, dim));
            float[] s2rows = new float[steps * b];
            for (int k = 0; k < steps; k++) {
                java.util.Arrays.fill(s2rows, k * b, (k + 1) * b, (float) s2[k]);
            }
            NDArray s2col = it.create(s2rows, new Shape((long) steps * b, 1));
            float pl;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray eps = sampler.network().forward(current, policyEmbedding);
                NDArray logSigmaRows = stepOneHot.matMul(sampler.logSigmas(it).reshape(steps, 1));
                NDArray next = current.mul(policyA).add(eps.mul(policyB)).add(noise.mul(logSigmaRows.exp()));
                NDArray nextValue = values.valueOfGroups(next, steps, b, 1);
                NDArray rc = DxmiLosses.runningCost(next, current, s2col);
                NDArray loss = DxmiLosses.policy(nextValue, rc, logSigmaRows, config.tauEntropy(),
                        config.tauVelocity());
                pl = loss.getFloat();
                if (Float.isFinite(pl)) {
                    gc.backward(loss);
                }
            }
            if (Float.isFinite(pl)) {
                double sigmaNorm = sigmaOptimizer == null ? 0 : sigmaOptimizer.gradientNorm();
                if (Double.isFinite(sigmaNorm)) {
                    skipped += samplerOptimizer.step().applied() ? 0 : 1;
                    if (sigmaOptimizer != null) {
                        skipped += sigmaOptimizer.step().applied() ? 0 : 1;
                    }
                } else {
                    skipped++;
                }
            } else {
                skipped++;
            }
            // The policy loss also reached V's weights; those gradients are not V's to apply.
            zeroAll();
            policyLoss = pl;

            if (model.emaValues() != null && skipped == 0) {
                ValueModel ema = model.emaValues();
                ema.valueParameters().emaUpdate(values.valueParameters(), config.energyEmaDecay());
                if (values.sharing() == ValueSharing.SEPARATE) {
                    ema.energyParameters().emaUpdate(values.energyParameters(), config.energyEmaDecay());
                }
            }
        }
        iteration++;
        boolean recovered = guard(skipped);
        return new IterationStats(iteration, energyLoss, energyData, energySamples, valueLossSum / steps, policyLoss,
                sampler.sigmas(), s2, skipped, recovered);
    }

    /** Applies an optimizer step if the loss is finite; returns 1 when the update was refused. */
    private int apply(Adam optimizer, float loss) {
        if (!Float.isFinite(loss)) {
            optimizer.getParameters().zeroGradients();
            return 1;
        }
        return optimizer.step().applied() ? 0 : 1;
    }

    private void zeroAll() {
        samplerOptimizer.getParameters().zeroGradients();
        if (sigmaOptimizer != null) {
            sigmaOptimizer.getParameters().zeroGradients();
        }
        valueOptimizer.getParameters().zeroGradients();
        if (energyOptimizer != valueOptimizer) {
            energyOptimizer.getParameters().zeroGradients();
        }
    }

    /** Counts bad iterations; restores the last good state when they repeat. */
    private boolean guard(int skipped) {
        if (skipped > 0) {
            skippedUpdates += skipped;
            consecutiveBad++;
            if (consecutiveBad >= config.maxConsecutiveSkips()) {
                // Keep the generator and counter moving so the same bad batch is not replayed.
                long[] rngNow = rng.getState();
                long itNow = iteration;
                long skippedNow = skippedUpdates;
                restoreState(lastGood);
                rng.setState(rngNow);
                iteration = itNow;
                skippedUpdates = skippedNow;
                recoveries++;
                consecutiveBad = 0;
                return true;
            }
            return false;
        }
        consecutiveBad = 0;
        if (iteration % config.snapshotEvery() == 0 && weightsFinite()) {
            lastGood = captureState();
        }
        return false;
    }

    private boolean weightsFinite() {
        return model.sampler().networkParameters().allFinite() && model.sampler().sigmaParameters().allFinite()
                && model.values().valueParameters().allFinite() && model.values().energyParameters().allFinite();
    }

    private Map<String, Adam> optimizers() {
        Map<String, Adam> m = new LinkedHashMap<>();
        m.put("sampler", samplerOptimizer);
        if (sigmaOptimizer != null) {
            m.put("sigma", sigmaOptimizer);
        }
        m.put("value", valueOptimizer);
        if (energyOptimizer != valueOptimizer) {
            m.put("energy", energyOptimizer);
        }
        return m;
    }

    /** A copy of everything needed to resume exactly. */
    public TrainingState captureState() {
        LinkedHashMap<String, float[]> tensors = new LinkedHashMap<>(model.weights());
        Map<String, Long> stepsByOptimizer = new LinkedHashMap<>();
        for (Map.Entry<String, Adam> e : optimizers().entrySet()) {
            e.getValue().exportState().forEach((k, v) -> tensors.put("opt." + e.getKey() + "." + k, v));
            stepsByOptimizer.put(e.getKey(), e.getValue().getSteps());
        }
        return new TrainingState(tensors, iteration, rng.getState(), avr.scales(), avr.isInitialized(),
                stepsByOptimizer, skippedUpdates, recoveries);
    }

    /** Restores {@link #captureState()} (possibly from a checkpoint file). */
    public void restoreState(TrainingState state) {
        model.loadWeights(state.tensors());
        for (Map.Entry<String, Adam> e : optimizers().entrySet()) {
            String prefix = "opt." + e.getKey() + ".";
            LinkedHashMap<String, float[]> opt = new LinkedHashMap<>();
            state.tensors().forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    opt.put(k.substring(prefix.length()), v);
                }
            });
            Long n = state.optimizerSteps().get(e.getKey());
            if (n == null) {
                throw new IllegalArgumentException("the saved state has no " + e.getKey() + " optimizer");
            }
            e.getValue().importState(opt, n);
        }
        iteration = state.iteration();
        rng.setState(state.rngState());
        avr.restore(state.avrScales(), state.avrInitialized());
        skippedUpdates = state.skippedUpdates();
        recoveries = state.recoveries();
        consecutiveBad = 0;
        lastGood = null;
    }

    /** Parameters the trainer optimises, by role (for reporting sizes). */
    public Map<String, ParameterSet> parameterSets() {
        Map<String, ParameterSet> m = new LinkedHashMap<>();
        optimizers().forEach((k, v) -> m.put(k, v.getParameters()));
        return m;
    }
}
