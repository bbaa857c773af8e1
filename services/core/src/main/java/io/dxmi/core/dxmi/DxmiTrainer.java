package io.dxmi.core.dxmi;

// Over 400 lines: Algorithm 1's three phases, which the pipeline's services call one by one, share the
// iteration counter, the random streams and the good-state guard; the losses live in DxmiLosses, the
// optimizers and rate schedules in TrainerOptimizers, the AVR in Avr.

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.GradientRecorder;
import io.dxmi.core.engine.Adam;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.random.Rng;
import io.dxmi.core.engine.OwnedArrays;

import java.util.Arrays;
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
    private final TrainerStreams streams;
    private final Avr avr;
    private final TrainerOptimizers optimizers;
    private final PolicyStepConstants policyConstants;
    private final BoxNegatives boxNegatives;
    private final ShapeNegatives shapeNegatives;
    private long iteration;
    private long skippedUpdates;
    private long recoveries;
    private double lastEnergyGap = Double.NaN;
    private int consecutiveBad;
    private TrainingState lastGood;

    /**
     * @param data (n, rng) → n data-space rows (normalised inside)
     */
    public DxmiTrainer(DxmiModel model, BiFunction<Integer, Rng, float[]> data) {
        this.model = model;
        // Training moves the energy's features: a density fitted on them would score with stale features.
        model.useFeatureDensity(null, null);
        this.config = model.config();
        this.data = data;
        this.streams = TrainerStreams.forSeed(config.seed());
        this.avr = new Avr(config.samplerSteps(), config.avrDecay());
        this.optimizers = new TrainerOptimizers(model, config);
        this.boxNegatives = config.boxNegativeWeight() > 0 ? BoxNegatives.fromData(data, model.normalization(),
                model.dimension(), config.boxMargin()) : null;
        this.shapeNegatives = shapeNegativeWeight() > 0 ? new ShapeNegatives(model.shape(), config.shapeTransformsOrAll()) : null;
        this.policyConstants = new PolicyStepConstants(model, config.policyRowsPerStep());
    }

    /**
     * The trainer's three random streams for a seed: rollout noise, data batches, policy-step
     * noise. One stream per phase, so that the services that run the phases apart (actor,
     * ebm-learner, value-learner) draw exactly the numbers this trainer draws.
     */
    public static Rng[] randomStreams(long seed) {
        TrainerStreams s = TrainerStreams.forSeed(seed);
        return new Rng[] {s.rollout(), s.data(), s.policy()};
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
        if (e != null) {
            lastEnergyGap = energyGap(e);
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

    /**
     * What the AVR, value and policy steps of one iteration did; {@code drawnSigmas} as in
     * {@link IterationStats#drawnSigmas()}, null when not measured (then the σ_t); {@code samplerGradientRms} as in
     * {@link IterationStats#policyGradientRms()}, NaN without a policy step.
     */
    public record PolicyStep(double valueLoss, double policyLoss, double[] velocityScales, int skipped,
            float[] drawnSigmas, double samplerGradientRms) {

        public PolicyStep(double valueLoss, double policyLoss, double[] velocityScales, int skipped) {
            this(valueLoss, policyLoss, velocityScales, skipped, null, Double.NaN);
        }
    }

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
            p = valueAndPolicyStep(x, it, policyGateOpen(energyGap(e)));
        }
        lastEnergyGap = energyGap(e);
        return finishIteration(e, p);
    }

    /** Phase 1 (actor): B trajectories x_0 … x_T from the current policy, no gradients. */
    public NDArray[] rollout(NDManager scope) {
        return model.sampler().rollout(config.batchSize(), streams.rollout(), scope);
    }

    /**
     * Phase 2 (ebm-learner): one energy step on B fresh data rows against the samples x_T, then
     * the evaluation EMA when the step was applied.
     */
    public EnergyStep energyStep(NDArray samples, NDManager scope) {
        optimizers.scheduleLearningRates(iteration);
        int b = (int) samples.getShape().get(0);
        ValueModel values = model.values();
        float[] el;
        // Drawn only while their weight is positive: before the box phase they would cost a third
        // more rows per step for nothing (and the data stream stays that of a run without them).
        double boxWeight = boxNegatives != null ? boxNegativeWeightAt(iteration) : 0;
        try (NDManager it = scope.newSubManager()) {
            float[] pos = model.normalization().toModel(data.apply(b, streams.data()));
            NDList parts = new NDList(OwnedArrays.create(it, pos, new Shape(model.shape().batch(b))), samples);
            if (boxWeight > 0) {
                parts.add(OwnedArrays.create(it, boxNegatives.draw(b, streams.data()), new Shape(model.shape().batch(b))));
            }
            if (shapeNegatives != null) {
                parts.add(OwnedArrays.create(it, shapeNegatives.from(pos, b, streams.data()),
                        new Shape(model.shape().batch(b))));
            }
            NDArray all = NDArrays.concat(parts);
            try (GradientRecorder gc = GradientRecorder.open()) {
                NDArray en = values.energy(all);
                NDArray ePos = en.get(new NDIndex("0:{}", b));
                NDArray eNeg = en.get(new NDIndex("{}:{}", b, 2 * b));
                NDArray loss = DxmiLosses.energy(ePos, eNeg, config.gamma(), config.gammaOnPositive());
                int extra = 2 * b;
                if (boxWeight > 0) {
                    loss = loss.add(OwnedArrays.mul(DxmiLosses.extraNegatives(en.get(new NDIndex("{}:{}", extra, extra + b)),
                            config.gamma(), config.gammaOnPositive()), (float) boxWeight));
                    extra += b;
                }
                if (shapeNegatives != null) {
                    loss = loss.add(OwnedArrays.mul(DxmiLosses.extraNegatives(en.get(new NDIndex("{}:", extra)),
                            config.gamma(), config.gammaOnPositive()), shapeNegativeWeight()));
                }
                el = NDArrays.stack(new NDList(loss, ePos.mean(), eNeg.mean())).toFloatArray();
                if (Float.isFinite(el[0])) {
                    gc.backward(loss);
                }
            }
        }
        int skipped = TrainerOptimizers.apply(optimizers.energy(), el[0]);
        if (skipped == 0 && values.sharing() == ValueSharing.SEPARATE) {
            updateEma();
        }
        return new EnergyStep(el[0], el[1], el[2], skipped);
    }

    private float shapeNegativeWeight() {
        return config.shapeNegativeWeight() == null ? 0f : config.shapeNegativeWeight();
    }

    /**
     * λ of the box negatives at {@code iteration}: the configured weight, or with
     * {@link DxmiConfig#boxNegativeRamp()} that weight times 1 − the policy rates' cosine factor; 0 before
     * {@link DxmiConfig#boxNegativeStart()} of the run.
     */
    public double boxNegativeWeightAt(long iteration) {
        double lambda = config.boxNegativeWeight();
        if (iteration < config.boxNegativeStartIteration()) {
            return 0;
        }
        if (!config.boxNegativeRamp() || config.iterations() == 0) {
            return lambda;
        }
        return lambda * (1 - TrainerOptimizers.cosineFactor(iteration, config.iterations()));
    }

    /**
     * Phase 3 (value-learner): AVR from the trajectories, T TD steps t = T−1 … 0 each with the
     * just-updated V (V(·, T) is the current energy), then one policy step over all B·T
     * transitions.
     */
    public PolicyStep valueAndPolicyStep(NDArray[] x, NDManager scope) {
        return valueAndPolicyStep(x, scope, true);
    }

    /** The samples' mean energy minus the data's in energy step {@code e} (NaN for a skipped step): what the gate reads. */
    public static double energyGap(EnergyStep e) {
        return e.energySamples() - e.energyData();
    }

    /**
     * The gap of the newest energy step this trainer completed (kept in its state, so that a restarted ebm-learner
     * publishes its energy with it again); NaN before the first.
     */
    public double lastEnergyGap() {
        return lastEnergyGap;
    }

    /**
     * Whether {@link DxmiConfig#policyGate()} lets this iteration's policy step run after an energy step whose
     * {@link #energyGap} was {@code energyGap}: always without a gate; else only when the samples' energy was above
     * the data's by more than the margin (never after a skipped energy step).
     */
    public boolean policyGateOpen(double energyGap) {
        Float margin = config.policyGate();
        return margin == null || energyGap > margin;
    }

    /**
     * {@link #valueAndPolicyStep(NDArray[], NDManager)}, with the policy step skipped when {@code policyOpen} is false
     * (the value-learner's way to apply {@link #policyGateOpen}).
     */
    public PolicyStep valueAndPolicyStep(NDArray[] x, NDManager scope, boolean policyOpen) {
        optimizers.scheduleLearningRates(iteration);
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
        double samplerRms = Double.NaN;
        double[] s2;
        float[] drawn;
        try (NDManager it = scope.newSubManager()) {
            // DJL places an operation's result in its first operand's manager: lend the constants
            // and log σ to this scope so that nothing computed from them outlives it.
            policyConstants.lendTo(it);
            for (NDArray p : sampler.sigmaParameters().arrays().values()) {
                p.tempAttach(it);
            }
            float[] sigmas = sampler.sigmas();
            // s(x_t, t) of the rollout's states, once: for the σ as drawn and for every value target.
            NDArray[] offsets = stateOffsets(x, steps);
            drawn = drawnSigmas(offsets, sigmas);

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
                NDArray target = valueTarget(values.value(x[t + 1], t + 1), x[t], x[t + 1], t, s2[t], sigmas[t],
                        offsets == null ? null : offsets[t]);
                float vl;
                try (GradientRecorder gc = GradientRecorder.open()) {
                    NDArray loss = DxmiLosses.temporalDifference(values.value(x[t], t), target);
                    vl = loss.getFloat();
                    if (Float.isFinite(vl)) {
                        gc.backward(loss);
                    }
                }
                skipped += TrainerOptimizers.apply(optimizers.value(), vl);
                valueLossSum += vl;
            }

            if (config.policyHeldAt(iteration) || !policyOpen) {
                // A held policy would step at rate 0: skip its forward and backward passes (about
                // a third of an iteration) and its noise draws. Its loss is not computed (NaN).
                return new PolicyStep(valueLossSum / steps, Double.NaN, s2, skipped, drawn, Double.NaN);
            }

            // Policy step over the buffer: all B transitions of every step, or its first m.
            NDArray[] starts = new NDArray[steps];
            for (int k = 0; k < steps; k++) {
                starts[k] = m == b ? x[k] : x[k].get(new NDIndex("0:{}", m));
            }
            NDArray current = NDArrays.concat(new NDList(starts));
            NDArray noise = OwnedArrays.create(it, streams.policy().gaussians(steps * m * dim), new Shape(model.shape().batch((long) steps * m)));
            float[] s2rows = new float[steps * m];
            for (int k = 0; k < steps; k++) {
                Arrays.fill(s2rows, k * m, (k + 1) * m, (float) s2[k]);
            }
            NDArray s2col = OwnedArrays.create(it, s2rows, new Shape((long) steps * m, 1));
            try (GradientRecorder gc = GradientRecorder.open()) {
                NDArray eps = sampler.network().forward(current, policyConstants.embedding());
                NDArray logSigmaRows = policyConstants.stepOneHot().matMul(sampler.logSigmas(it).reshape(steps, 1));
                if (sampler.sigmaNetwork() != null) {
                    logSigmaRows = logSigmaRows.add(sampler.logSigmaOffsets(current, policyConstants.embedding()));
                }
                NDArray sigmaRows = logSigmaRows.exp().reshape(new Shape(model.shape().column((long) steps * m)));
                NDArray next = current.mul(policyConstants.a()).add(eps.mul(policyConstants.b())).add(noise.mul(sigmaRows));
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
                Adam sigma = optimizers.sigma();
                double sigmaNorm = sigma == null ? 0 : sigma.gradientNorm();
                if (Double.isFinite(sigmaNorm)) {
                    Adam.StepResult step = optimizers.sampler().step();
                    samplerRms = step.gradientNorm() / Math.sqrt(Math.max(1, optimizers.sampler().getParameters().size()));
                    skipped += step.applied() ? 0 : 1;
                    if (sigma != null) {
                        skipped += sigma.step().applied() ? 0 : 1;
                    }
                    if (optimizers.sigmaNetwork() != null) {
                        skipped += optimizers.sigmaNetwork().step().applied() ? 0 : 1;
                    }
                } else {
                    skipped++;
                }
            } else {
                skipped++;
            }
            // The policy loss also reached V's (and E's) weights; those gradients are not theirs to apply.
            optimizers.zeroAll();
        }
        return new PolicyStep(valueLossSum / steps, pl, s2, skipped, drawn, samplerRms);
    }

    /** s(x_t, t) of the σ network for the states x_0 … x_{T−1}, without gradients; null without the network. */
    private NDArray[] stateOffsets(NDArray[] x, int steps) {
        if (model.sampler().sigmaNetwork() == null) {
            return null;
        }
        NDArray[] offsets = new NDArray[steps];
        for (int t = 0; t < steps; t++) {
            offsets[t] = logSigmaOffsets(x[t], t);
        }
        return offsets;
    }

    /**
     * Per step, the geometric mean over the batch of the σ the rollout's states drew: σ_t · exp(s(x_t, t))
     * with the σ network (one host read for all steps), else the σ_t themselves.
     */
    private static float[] drawnSigmas(NDArray[] stateOffsets, float[] sigmas) {
        if (stateOffsets == null) {
            return sigmas;
        }
        NDArray[] means = new NDArray[sigmas.length];
        for (int t = 0; t < sigmas.length; t++) {
            means[t] = stateOffsets[t].mean();
        }
        float[] offsets = NDArrays.stack(new NDList(means)).toFloatArray();
        float[] drawn = new float[sigmas.length];
        for (int t = 0; t < sigmas.length; t++) {
            drawn[t] = (float) (sigmas[t] * Math.exp(offsets[t]));
        }
        return drawn;
    }

    /** s(x, t) of the σ network for the rows of {@code x} at step {@code t}, without gradients. */
    private NDArray logSigmaOffsets(NDArray x, int t) {
        FewStepSampler fs = model.sampler();
        int n = (int) x.getShape().get(0);
        NDArray emb = OwnedArrays.create(x.getManager(), fs.timeEmbedding(t, n),
                new Shape(n, fs.network().embedding().dimension()));
        return DjlRuntime.withoutGradients(() -> fs.logSigmaOffsets(x, emb));
    }

    /**
     * The TD target of V(x_t, t): V(x_{t+1}, t+1) plus the time cost (τ₂ times the running cost, or
     * the fixed R(t)), minus τ₁·log σ_t when the entropy is in the value ({@link DxmiConfig#entropyInValue()}).
     */
    NDArray valueTarget(NDArray nextValue, NDArray x, NDArray next, int t, double velocityScale, float sigma) {
        return valueTarget(nextValue, x, next, t, velocityScale, sigma,
                model.sampler().sigmaNetwork() == null ? null : logSigmaOffsets(x, t));
    }

    /** {@link #valueTarget(NDArray, NDArray, NDArray, int, double, float)} with x's s(x, t) already computed (null without the σ network). */
    private NDArray valueTarget(NDArray nextValue, NDArray x, NDArray next, int t, double velocityScale, float sigma,
            NDArray stateOffsets) {
        NDArray target;
        if (config.timeCost() == TimeCost.RUNNING) {
            target = nextValue.add(OwnedArrays.mul(DxmiLosses.runningCost(next, x, velocityScale), config.tauVelocity()));
        } else {
            target = nextValue.add((float) config.timeCost().fixedCost(t, config.samplerSteps(), config.timeCostConstant()));
        }
        if (config.entropyInValue()) {
            target = target.sub((float) (config.tauEntropy() * Math.log(sigma)));
            if (stateOffsets != null) { // each state's own σ: −τ₁·(log σ_t + s(x_t, t))
                target = target.sub(OwnedArrays.mul(stateOffsets, config.tauEntropy()));
            }
        }
        return target;
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
        float[] sigmas = model.sampler().sigmas();
        return new IterationStats(iteration, e.loss(), e.energyData(), e.energySamples(), p.valueLoss(),
                p.policyLoss(), sigmas, p.drawnSigmas() != null ? p.drawnSigmas() : sigmas, p.velocityScales(),
                skipped, recovered, p.samplerGradientRms());
    }

    /** Counts bad iterations; restores the last good state when they repeat. */
    private boolean guard(int skipped) {
        if (skipped > 0) {
            skippedUpdates += skipped;
            consecutiveBad++;
            if (consecutiveBad >= config.maxConsecutiveSkips()) {
                // Keep the generator and counter moving so the same bad batch is not replayed.
                long[] rngNow = streams.state();
                long itNow = iteration;
                long skippedNow = skippedUpdates;
                double gapNow = lastEnergyGap;
                restoreState(lastGood);
                streams.restore(rngNow);
                iteration = itNow;
                skippedUpdates = skippedNow;
                lastEnergyGap = gapNow;
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
        FewStepSampler s = model.sampler();
        return s.networkParameters().allFinite() && s.sigmaParameters().allFinite()
                && (s.sigmaNetwork() == null || s.sigmaNetwork().parameters().allFinite())
                && model.values().valueParameters().allFinite() && model.values().energyParameters().allFinite();
    }

    /** A copy of everything needed to resume exactly. */
    public TrainingState captureState() {
        LinkedHashMap<String, float[]> tensors = new LinkedHashMap<>(model.weights());
        Map<String, Long> stepsByOptimizer = new LinkedHashMap<>();
        optimizers.exportState(tensors, stepsByOptimizer);
        return new TrainingState(tensors, iteration, streams.state(), avr.scales(), avr.isInitialized(),
                stepsByOptimizer, skippedUpdates, recoveries, lastEnergyGap);
    }

    /** Restores {@link #captureState()} (possibly from a checkpoint file). */
    public void restoreState(TrainingState state) {
        model.loadWeights(state.tensors());
        optimizers.importState(state.tensors(), state.optimizerSteps());
        iteration = state.iteration();
        streams.restore(state.rngState());
        avr.restore(state.avrScales(), state.avrInitialized());
        skippedUpdates = state.skippedUpdates();
        recoveries = state.recoveries();
        lastEnergyGap = state.lastEnergyGap();
        consecutiveBad = 0;
        lastGood = null;
    }

    /** Parameters the trainer optimises, by role (for reporting sizes). */
    public Map<String, ParameterSet> parameterSets() {
        Map<String, ParameterSet> m = new LinkedHashMap<>();
        optimizers.byRole().forEach((k, v) -> m.put(k, v.getParameters()));
        return m;
    }
}
