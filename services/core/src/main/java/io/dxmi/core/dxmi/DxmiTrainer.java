package io.dxmi.core.dxmi;

// Over 400 lines on purpose: Algorithm 1's three phases (rollout, energy, value and policy), the non-finite guard
// and the exact checkpoint state share one set of optimisers and random streams; split, they would pass that state
// between classes. A split (phases into their own classes) is planned once the image path settles.

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.GradientRecorder;
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
    private final Rng rolloutRng;
    private final Rng dataRng;
    private final Rng policyRng;
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
    private final BoxNegatives boxNegatives;
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
        Rng[] streams = randomStreams(config.seed());
        this.rolloutRng = streams[0];
        this.dataRng = streams[1];
        this.policyRng = streams[2];
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

        this.boxNegatives = config.boxNegativeWeight() > 0 ? BoxNegatives.fromData(data, model.normalization(),
                model.dimension(), config.boxMargin()) : null;

        // Constants of the policy step over the buffer (m rows of every step), built once.
        int b = config.policyRowsPerStep();
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
        policyA = constants.create(a, columnShape(steps * b));
        policyB = constants.create(bc, columnShape(steps * b));
        stepOneHot = constants.create(oneHot, new Shape((long) steps * b, steps));
    }

    /** (n, 1, …, 1): one number per sample, broadcast over the sample's shape. */
    private Shape columnShape(long n) {
        long[] dims = new long[model.shape().rank() + 1];
        java.util.Arrays.fill(dims, 1);
        dims[0] = n;
        return new Shape(dims);
    }

    /**
     * The trainer's three random streams for a seed: rollout noise, data batches, policy-step
     * noise. One stream per phase, so that the services that run the phases apart (actor,
     * ebm-learner, value-learner) draw exactly the numbers this trainer draws.
     */
    public static Rng[] randomStreams(long seed) {
        Rng root = new Rng(seed ^ 0x5DEECE66DL);
        return new Rng[] {root.split(), root.split(), root.split()};
    }

    /**
     * Closes an iteration run phase by phase (by a service that owns only some phases): counts
     * it and runs the guard. Either step may be null when this process did not run it.
     */
    public IterationStats completeIteration(EnergyStep e, PolicyStep p) {
        EnergyStep energy = e != null ? e : new EnergyStep(Double.NaN, Double.NaN, Double.NaN, 0);
        PolicyStep policy = p != null ? p : new PolicyStep(Double.NaN, Double.NaN, avr.scales(), 0);
        if (lastGood == null) {
            lastGood = captureState();
        }
        return finishIteration(energy, policy);
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

    /** What the energy step of one iteration did. */
    public record EnergyStep(double loss, double energyData, double energySamples, int skipped) {}

    /** What the AVR, value and policy steps of one iteration did. */
    public record PolicyStep(double valueLoss, double policyLoss, double[] velocityScales, int skipped) {}

    /**
     * Runs one iteration of Algorithm 1: {@link #rollout}, {@link #energyStep},
     * {@link #valueAndPolicyStep}. The distributed pipeline runs the same three phases in three
     * services (actor, ebm-learner, value-learner), each with its own random stream, so that in
     * synchronous mode it reproduces this method exactly.
     */
    public IterationStats step() {
        if (lastGood == null) {
            lastGood = captureState();
        }
        EnergyStep e;
        PolicyStep p;
        try (NDManager it = model.manager().newSubManager()) {
            NDArray[] x = rollout(it);
            e = energyStep(x[config.samplerSteps()], it);
            p = valueAndPolicyStep(x, it);
        }
        return finishIteration(e, p);
    }

    /**
     * Sets the policy's rates (sampler network and σ) for the coming iteration; a no-op for
     * constant rates. The energy and value keep their rates: the README's sweep found that decaying
     * the policy settles the samples (SW) while a still-learning energy, averaged by its EMA, ranks
     * better (AUC). Each phase calls it, so services that run one phase follow the same schedule.
     */
    private void scheduleLearningRates() {
        if (!config.cosineDecay() || config.iterations() == 0) {
            return;
        }
        double f = 0.5 * (1 + Math.cos(Math.PI * Math.min(iteration, config.iterations()) / config.iterations()));
        samplerOptimizer.setLearningRate((float) (config.samplerLearningRate() * f));
        if (sigmaOptimizer != null) {
            sigmaOptimizer.setLearningRate((float) (config.sigmaLearningRate() * f));
        }
    }

    /** Phase 1 (actor): B trajectories x_0 … x_T from the current policy, no gradients. */
    public NDArray[] rollout(NDManager scope) {
        return model.sampler().rollout(config.batchSize(), rolloutRng, scope);
    }

    /**
     * Phase 2 (ebm-learner): one energy step on B fresh data rows against the samples x_T, then
     * the evaluation EMA when the step was applied.
     */
    public EnergyStep energyStep(NDArray samples, NDManager scope) {
        scheduleLearningRates();
        int b = (int) samples.getShape().get(0);
        ValueModel values = model.values();
        float[] el;
        try (NDManager it = scope.newSubManager()) {
            float[] pos = model.normalization().toModel(data.apply(b, dataRng));
            NDList parts = new NDList(it.create(pos, new Shape(model.shape().batch(b))), samples);
            if (boxNegatives != null) {
                parts.add(it.create(boxNegatives.draw(b, dataRng), new Shape(model.shape().batch(b))));
            }
            NDArray all = NDArrays.concat(parts);
            try (GradientRecorder gc = GradientRecorder.open()) {
                NDArray en = values.energy(all);
                NDArray ePos = en.get(new NDIndex("0:{}", b));
                NDArray eNeg = en.get(new NDIndex("{}:{}", b, 2 * b));
                NDArray loss = DxmiLosses.energy(ePos, eNeg, config.gamma());
                if (boxNegatives != null) {
                    loss = loss.add(DxmiLosses.extraNegatives(en.get(new NDIndex("{}:", 2 * b)), config.gamma())
                            .mul(config.boxNegativeWeight()));
                }
                el = NDArrays.stack(new NDList(loss, ePos.mean(), eNeg.mean())).toFloatArray();
                if (Float.isFinite(el[0])) {
                    gc.backward(loss);
                }
            }
        }
        int skipped = apply(energyOptimizer, el[0]);
        if (skipped == 0 && values.sharing() == ValueSharing.SEPARATE) {
            updateEma();
        }
        return new EnergyStep(el[0], el[1], el[2], skipped);
    }

    /**
     * Phase 3 (value-learner): AVR from the trajectories, T TD steps t = T−1 … 0 each with the
     * just-updated V (V(·, T) is the current energy), then one policy step over all B·T
     * transitions.
     */
    public PolicyStep valueAndPolicyStep(NDArray[] x, NDManager scope) {
        scheduleLearningRates();
        int steps = config.samplerSteps();
        int b = (int) x[0].getShape().get(0);
        if (b != config.batchSize()) {
            throw new IllegalArgumentException("trajectory batch has " + b + " rows, the trainer expects "
                    + config.batchSize());
        }
        int dim = model.dimension();
        int m = config.policyRowsPerStep();
        FewStepSampler sampler = model.sampler();
        ValueModel values = model.values();
        int skipped = 0;
        double valueLossSum = 0;
        float pl;
        double[] s2;
        try (NDManager it = scope.newSubManager()) {
            // DJL places an operation's result in its first operand's manager: lend the constants
            // and log σ to this scope so that nothing computed from them outlives it.
            policyEmbedding.tempAttach(it);
            policyA.tempAttach(it);
            policyB.tempAttach(it);
            stepOneHot.tempAttach(it);
            for (NDArray p : sampler.sigmaParameters().arrays().values()) {
                p.tempAttach(it);
            }
            float[] sigmas = sampler.sigmas();

            // AVR.
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

            // Value steps, t = T−1 … 0, each target from the just-updated V.
            for (int t = steps - 1; t >= 0; t--) {
                NDArray target = values.value(x[t + 1], t + 1);
                if (config.timeCost() == TimeCost.RUNNING) {
                    target = target.add(DxmiLosses.runningCost(x[t + 1], x[t], s2[t]).mul(config.tauVelocity()));
                } else {
                    target = target.add((float) config.timeCost().fixedCost(t, steps, config.timeCostConstant()));
                }
                target = target.sub((float) (config.tauEntropy() * Math.log(sigmas[t])));
                float vl;
                try (GradientRecorder gc = GradientRecorder.open()) {
                    NDArray loss = DxmiLosses.temporalDifference(values.value(x[t], t), target);
                    vl = loss.getFloat();
                    if (Float.isFinite(vl)) {
                        gc.backward(loss);
                    }
                }
                skipped += apply(valueOptimizer, vl);
                valueLossSum += vl;
            }

            // Policy step over the buffer: all B transitions of every step, or its first m.
            NDArray[] starts = new NDArray[steps];
            for (int k = 0; k < steps; k++) {
                starts[k] = m == b ? x[k] : x[k].get(new NDIndex("0:{}", m));
            }
            NDArray current = NDArrays.concat(new NDList(starts));
            NDArray noise = it.create(policyRng.gaussians(steps * m * dim), new Shape(model.shape().batch((long) steps * m)));
            float[] s2rows = new float[steps * m];
            for (int k = 0; k < steps; k++) {
                java.util.Arrays.fill(s2rows, k * m, (k + 1) * m, (float) s2[k]);
            }
            NDArray s2col = it.create(s2rows, new Shape((long) steps * m, 1));
            try (GradientRecorder gc = GradientRecorder.open()) {
                NDArray eps = sampler.network().forward(current, policyEmbedding);
                NDArray logSigmaRows = stepOneHot.matMul(sampler.logSigmas(it).reshape(steps, 1));
                NDArray sigmaRows = logSigmaRows.exp().reshape(columnShape((long) steps * m));
                NDArray next = current.mul(policyA).add(eps.mul(policyB)).add(noise.mul(sigmaRows));
                NDArray nextValue = values.valueOfGroups(next, steps, m, 1);
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
            // The policy loss also reached V's (and E's) weights; those gradients are not theirs to apply.
            zeroAll();
        }
        return new PolicyStep(valueLossSum / steps, pl, s2, skipped);
    }

    /** The evaluation-only EMA of the energy weights (the whole network when shared). */
    private void updateEma() {
        ValueModel ema = model.emaValues();
        if (ema != null) {
            ema.energyParameters().emaUpdate(model.values().energyParameters(), config.energyEmaDecay());
        }
    }

    /** Counts the iteration, runs the guard, and assembles its statistics. */
    private IterationStats finishIteration(EnergyStep e, PolicyStep p) {
        iteration++;
        if (e.skipped() == 0 && model.values().sharing() == ValueSharing.SHARED) {
            // The shared network's TD steps also move the energy slot: average after them.
            updateEma();
        }
        int skipped = e.skipped() + p.skipped();
        boolean recovered = guard(skipped);
        return new IterationStats(iteration, e.loss(), e.energyData(), e.energySamples(), p.valueLoss(),
                p.policyLoss(), model.sampler().sigmas(), p.velocityScales(), skipped, recovered);
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
                long[] rngNow = rngState();
                long itNow = iteration;
                long skippedNow = skippedUpdates;
                restoreState(lastGood);
                setRngState(rngNow);
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
        return new TrainingState(tensors, iteration, rngState(), avr.scales(), avr.isInitialized(),
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
        setRngState(state.rngState());
        avr.restore(state.avrScales(), state.avrInitialized());
        skippedUpdates = state.skippedUpdates();
        recoveries = state.recoveries();
        consecutiveBad = 0;
        lastGood = null;
    }

    /** The three random streams' states, concatenated (rollout, data, policy). */
    private long[] rngState() {
        long[] a = rolloutRng.getState();
        long[] b = dataRng.getState();
        long[] c = policyRng.getState();
        long[] all = new long[a.length * 3];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, a.length);
        System.arraycopy(c, 0, all, 2 * a.length, a.length);
        return all;
    }

    private void setRngState(long[] all) {
        int n = all.length / 3;
        if (n * 3 != all.length) {
            throw new IllegalArgumentException("a trainer's random state has 3 streams, got " + all.length + " words");
        }
        rolloutRng.setState(java.util.Arrays.copyOfRange(all, 0, n));
        dataRng.setState(java.util.Arrays.copyOfRange(all, n, 2 * n));
        policyRng.setState(java.util.Arrays.copyOfRange(all, 2 * n, 3 * n));
    }

    /** Parameters the trainer optimises, by role (for reporting sizes). */
    public Map<String, ParameterSet> parameterSets() {
        Map<String, ParameterSet> m = new LinkedHashMap<>();
        optimizers().forEach((k, v) -> m.put(k, v.getParameters()));
        return m;
    }
}
