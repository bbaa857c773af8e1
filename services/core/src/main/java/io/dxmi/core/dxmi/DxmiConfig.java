package io.dxmi.core.dxmi;

// Over 400 lines: each of its forty-three settings is documented where it is declared and named again in the builder
// and toBuilder() (a record gives defaults no other way); splitting them by theme would scatter one format.

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;

import java.util.List;
import java.util.Objects;

/**
 * Every setting of DxMI fine-tuning. Defaults are the 2D configuration of docs/method.md
 * (with the learnable last σ that closed the energy's AUC gap); the README records what was
 * measured with them.
 *
 * @param samplerSteps T, the number of sampler steps (default 5)
 * @param tauEntropy τ₁, weight of the entropy term −log σ_t (default 0.1)
 * @param tauVelocity τ₂, weight of the running velocity cost (default 0.1; a single τ sets both)
 * @param gamma weight of the energy's square regulariser (default 0.3 for vectors; 1, the paper's, for
 *     images). It bounds the energy to ±1/(2γ): at 1 the energy could not fall far enough where the
 *     sampler had too little mass to pull samples back (a small far cluster, a checkerboard's squares);
 *     0.3 meets the vector table's SW target on three more sets and leaves 8 Gaussians' targets as they
 *     were, but unsettles the sampler on {@code rings}; 0.1 went too far (8 Gaussians SW 0.088)
 * @param batchSize B: data rows and trajectories per iteration (default 256)
 * @param iterations iterations of Algorithm 1 (default 10,000 for vectors: the policy learns in the
 *     first 6,000, the energy alone with box negatives in the last 4,000; see {@code boxNegativeStart})
 * @param samplerLearningRate Adam rate of the sampler's mean network (default 3e-5)
 * @param sigmaLearningRate Adam rate of the log σ_t (default 1e-3)
 * @param valueLearningRate Adam rate of the value network (and of the shared energy; default 1e-3)
 * @param energyLearningRate Adam rate of the separate energy network (default 1e-3)
 * @param samplerClipNorm global gradient-norm clip of the sampler network (default 1; 0 = off)
 * @param valueClipNorm clip of the value network (default 0 = off)
 * @param energyClipNorm clip of the separate energy network (default 0 = off)
 * @param lastSigmaLearnable whether the last step's σ learns (default true)
 * @param lastSigmaInit the last step's initial σ when learnable (default 0.1)
 * @param lastSigmaFixed the last step's σ when frozen (default 1e-3)
 * @param avrDecay α of the AVR scales' EMA (default 0.99)
 * @param valueSharing shared or separate energy and value networks (default SEPARATE: a shared
 *     network's value steps also move the energy, which on some data fell below the data's energy
 *     on the samples and left the sampler swinging; images keep the official shared network)
 * @param timeCost what the value target charges per step (default RUNNING)
 * @param timeCostConstant R for {@link TimeCost#CONSTANT} (default 0.05)
 * @param energyEmaDecay decay of the evaluation-only EMA of the energy weights (default 0.999; 0 = off)
 * @param network shape of the value and energy networks
 * @param seed seed of every random draw
 * @param maxConsecutiveSkips iterations in a row with a skipped update before the trainer
 *     restores its last good state (default 3)
 * @param snapshotEvery iterations between in-memory good-state snapshots (default 100)
 * @param cosineDecay decay the policy's learning rates (sampler network and σ) along a half
 *     cosine to 0 over {@code iterations} (default true; the reference keeps them constant, which
 *     left the final samples swinging: see the README's sweep)
 * @param stepSpacing how the sampler's T noise levels are chosen from the DDPM's schedule
 *     (default quadratic, FastDPM's, for vectors as for images: its last step starts near the data,
 *     which keeps thin and tight structure that uniform steps blur; uniform was the vector default
 *     before; absent in manifests written before images, which used uniform)
 * @param policyBatch transitions per step in the policy update: 0 (the default) uses all B of
 *     every step (the whole B·T buffer); a smaller number uses the first policyBatch/T of each
 *     step's (independent) trajectories, which keeps image iterations affordable on a CPU
 * @param boxNegativeWeight λ, weight of extra energy negatives drawn uniformly from the data's
 *     widened bounding box ({@link BoxNegatives}; default 3 for vectors, from {@code boxNegativeStart}
 *     on; 0 = none, the images' default; absent in manifests written before it = 0)
 * @param boxMargin how far that box extends past the data on each side, as a fraction of its
 *     width (default 0.1, the rule of a CSV file's AUC box)
 * @param boxNegativeRamp ramp λ in as the policy's rates decay: λ·(1 − c_i), c_i the cosine factor
 *     of {@code cosineDecay} (0 → 1 over the iterations), so that the sampler learns from an energy
 *     without box negatives while its rates are high and the energy ends with them (default false:
 *     λ throughout; absent in manifests written before it)
 * @param boxNegativeStart the fraction of the iterations before which λ is 0 (default 0.6 for vectors:
 *     iteration 6,000 of 10,000; absent in manifests written before it = 0). From there on the policy
 *     (sampler network and σ) is held, its step skipped, and its half cosine ends there: the energy
 *     takes the box negatives on against a fixed, settled sampler. With the policy still learning,
 *     even at decayed rates, the sampler followed the changed energy (Adam's steps do not shrink with
 *     the gradient); frozen mid-cosine it was less settled (8 Gaussians, seed 1: SW 0.080 against
 *     0.068); given only 4,800 iterations it ended worse on some seeds (0.083, 0.094) than with the
 *     6,000 it learns for now, and the energy needed the 4,000 after them to pass AUC 0.900 (1,500:
 *     0.899 and 0.897 on seeds 1 and 3)
 * @param residualSigmas start each σ_k from the pretrained network's noise-prediction residual
 *     on the data ({@link ResidualSigmas}) rather than from the schedule (and the last from
 *     {@code lastSigmaInit}); default false
 * @param policyWarmup the fraction of the iterations, from the start, during which the policy
 *     (sampler network and σ) is held while the energy and value learn against the pretrained
 *     sampler's samples, so that the sampler first follows an energy that already tells its
 *     samples from the data (default 0: none; absent in manifests written before it = 0)
 * @param entropyInValue whether the value's TD target charges the entropy term −τ₁·log σ_t (default
 *     false, as in every official image configuration: entropy and velocity enter the sampler's loss
 *     and the entropy stays out of the value. For images, with one time-independent network for
 *     energy and value, the last step's −τ₁·log 0.001 = +0.69 asked the energy of the nearly clean
 *     x_{T−1} to sit 0.69 above that of x_T; for vectors, with the σ network, a value that charges
 *     each state's future entropy steers mass away from tight clusters towards wide ones (true, the
 *     2D reference's and the official anomaly trainer's choice, was the vector default before);
 *     absent in manifests written before it = true)
 * @param policyGate when set, an iteration's policy step is skipped unless its energy step saw the
 *     samples' mean energy above the data's by more than this margin: the sampler waits while it
 *     has overtaken the energy, and the energy catches up (default null: off; the synchronous
 *     trainer only, the pipeline refuses it)
 * @param shapeNegativeWeight weight of extra energy negatives made from the batch's data images with
 *     their layout broken ({@link ShapeNegatives}: rotated, flipped or rolled), images only (default
 *     null: none; absent in manifests written before it)
 * @param shapeTransforms the transformations the shape negatives draw from (default null: all of
 *     {@link ShapeTransform}; absent in manifests written before it = all)
 * @param energyNetwork shape of the separate energy network where it differs from the value's (null: the
 *     value's {@code network}; dropped with {@link ValueSharing#SHARED}). The builder's default for an MLP is the
 *     value's shape {@value #ENERGY_WIDTH_FACTOR}× as wide: on 8 Gaussians the sharper reward narrowed the modes
 *     that the samplers of some seeds left too wide, where a wider value cost other sets their SW (README).
 *     Absent in manifests written before it, which built both networks at the value's width
 * @param sigmaNetworkHidden width of the sampler's σ network (vectors), which scales each state's σ by its own
 *     factor ({@link FewStepSampler}); null (or 0): one σ per step alone, the paper's sampler. The builder's default
 *     for an MLP is {@value #SIGMA_NETWORK_HIDDEN}: one σ per step must serve tight and wide parts of the data at
 *     once (README). Absent in manifests written before it: none
 * @param gammaPositive the square term's weight where the energy is positive (null: {@code gamma}, one symmetric
 *     term). With it the term is γ₊·mean max(E, 0)² + γ·mean min(E, 0)²: the energy may fall to −1/(2γ) where the
 *     sampler has too little mass while the walls it raises where the sampler has too much stay within 1/(2γ₊).
 *     The builder's default is 1 (with γ = 0.3): the symmetric 0.3 let walls of several τ grow between the modes of
 *     `rings` that steered its last steps off the data (README); the image builder keeps the symmetric term.
 *     Absent in manifests written before it: the symmetric term
 * @param samplerEpsilon ε of the sampler network's Adam (null: Adam's 1e-8). Adam divides each step by the gradient's
 *     running size, so at ε = 1e-8 every weight moves by about the learning rate whatever the energy's evidence: an
 *     energy that barely tells samples from data still moves a UNet at full speed, and on 28 × 28 MNIST a frozen random
 *     energy drifted the sampler as far as a trained one (docs/benchmarks.md). An ε well above the gradients' size
 *     makes the step follow the gradient (momentum SGD at rate lr/ε): a flat energy leaves the sampler where it is.
 *     Absent in manifests written before it: 1e-8
 */
public record DxmiConfig(int samplerSteps, float tauEntropy, float tauVelocity, float gamma, int batchSize,
        int iterations, float samplerLearningRate, float sigmaLearningRate, float valueLearningRate,
        float energyLearningRate, float samplerClipNorm, float valueClipNorm, float energyClipNorm,
        boolean lastSigmaLearnable, float lastSigmaInit, float lastSigmaFixed, float avrDecay,
        ValueSharing valueSharing, TimeCost timeCost, float timeCostConstant, float energyEmaDecay,
        NetworkConfig network, long seed, int maxConsecutiveSkips, int snapshotEvery, boolean cosineDecay,
        StepCoefficients.Spacing stepSpacing, int policyBatch, float boxNegativeWeight, float boxMargin,
        boolean boxNegativeRamp, boolean residualSigmas, float boxNegativeStart, float policyWarmup,
        Boolean entropyInValue, Float policyGate, Float shapeNegativeWeight,
        // Left out when null, so that a default configuration's JSON (and the hashes over it) stay as before.
        @JsonInclude(JsonInclude.Include.NON_NULL) List<ShapeTransform> shapeTransforms,
        @JsonInclude(JsonInclude.Include.NON_NULL) NetworkConfig energyNetwork,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer sigmaNetworkHidden,
        @JsonInclude(JsonInclude.Include.NON_NULL) Float gammaPositive,
        @JsonInclude(JsonInclude.Include.NON_NULL) Float samplerEpsilon) {

    public DxmiConfig {
        require(samplerSteps >= 1, "sampler steps must be at least 1, got " + samplerSteps);
        require(tauEntropy >= 0 && Float.isFinite(tauEntropy), "tau (entropy) must be >= 0, got " + tauEntropy);
        require(tauVelocity >= 0 && Float.isFinite(tauVelocity), "tau (velocity) must be >= 0, got " + tauVelocity);
        require(gamma >= 0, "gamma must be >= 0, got " + gamma);
        require(gammaPositive == null || (gammaPositive >= 0 && Float.isFinite(gammaPositive)),
                "gamma (positive energies) must be finite and >= 0, got " + gammaPositive);
        require(batchSize >= 1, "batch size must be positive, got " + batchSize);
        require(iterations >= 0, "iterations must not be negative, got " + iterations);
        require(samplerLearningRate >= 0 && sigmaLearningRate >= 0 && valueLearningRate >= 0
                && energyLearningRate >= 0, "learning rates must be >= 0");
        require(lastSigmaInit > 0 && lastSigmaFixed > 0, "the last step's sigma must be positive");
        require(avrDecay >= 0 && avrDecay < 1, "AVR decay must be in [0, 1), got " + avrDecay);
        require(energyEmaDecay >= 0 && energyEmaDecay < 1, "energy EMA decay must be in [0, 1), got " + energyEmaDecay);
        require(maxConsecutiveSkips >= 1, "max consecutive skips must be >= 1");
        require(snapshotEvery >= 1, "snapshot interval must be >= 1");
        require(boxNegativeWeight >= 0 && Float.isFinite(boxNegativeWeight),
                "box negative weight must be >= 0, got " + boxNegativeWeight);
        require(boxMargin >= 0 && Float.isFinite(boxMargin), "box margin must be >= 0, got " + boxMargin);
        require(boxNegativeStart >= 0 && boxNegativeStart < 1,
                "box negatives' start must be a fraction of the run in [0, 1), got " + boxNegativeStart);
        require(policyWarmup >= 0 && policyWarmup < 1,
                "policy warm-up must be a fraction of the run in [0, 1), got " + policyWarmup);
        require(!(boxNegativeStart > 0 && boxNegativeWeight > 0) || policyWarmup < boxNegativeStart,
                "policy warm-up (" + policyWarmup + ") must end before the box negatives start (" + boxNegativeStart + ")");
        Objects.requireNonNull(valueSharing, "valueSharing");
        Objects.requireNonNull(timeCost, "timeCost");
        Objects.requireNonNull(network, "network");
        require(policyBatch >= 0, "policy batch must be >= 0, got " + policyBatch);
        require(samplerEpsilon == null || samplerEpsilon > 0 && Float.isFinite(samplerEpsilon),
                "the sampler's Adam epsilon must be positive and finite, got " + samplerEpsilon);
        if (stepSpacing == null) {
            stepSpacing = StepCoefficients.Spacing.UNIFORM;
        }
        require(policyGate == null || Float.isFinite(policyGate), "policy gate must be finite, got " + policyGate);
        if (entropyInValue == null) {
            entropyInValue = true;
        }
        require(shapeNegativeWeight == null || shapeNegativeWeight >= 0 && Float.isFinite(shapeNegativeWeight),
                "shape negative weight must be >= 0, got " + shapeNegativeWeight);
        require(shapeTransforms == null || !shapeTransforms.isEmpty() && shapeTransforms.stream().noneMatch(Objects::isNull),
                "shape transformations must be null (all) or a non-empty list, got " + shapeTransforms);
        shapeTransforms = shapeTransforms == null ? null : List.copyOf(shapeTransforms);
        require(sigmaNetworkHidden == null || sigmaNetworkHidden >= 0,
                "the sigma network's width must be >= 0 (0: none), got " + sigmaNetworkHidden);
        if (sigmaNetworkHidden != null && sigmaNetworkHidden == 0) {
            sigmaNetworkHidden = null;
        }
        if (valueSharing == ValueSharing.SHARED) {
            energyNetwork = null; // one network: no energy of its own (a separate configuration turned shared drops it)
        }
    }

    /** How much wider than the value network the builder makes a separate MLP energy unless told otherwise. */
    public static final int ENERGY_WIDTH_FACTOR = 2;

    /** The sampler's σ network's width unless the builder is told otherwise (MLP networks only). */
    public static final int SIGMA_NETWORK_HIDDEN = 64;

    /** The σ network's width, 0 when the sampler has none. */
    public int sigmaNetworkWidth() {
        return sigmaNetworkHidden == null ? 0 : sigmaNetworkHidden;
    }

    /** The square term's weight on positive energies: {@code gammaPositive}, or {@code gamma} when unset. */
    public float gammaOnPositive() {
        return gammaPositive == null ? gamma : gammaPositive;
    }

    /** Adam's default ε, which the sampler network's optimizer uses unless {@link #samplerEpsilon()} says otherwise. */
    public static final float ADAM_EPSILON = 1e-8f;

    /** The ε of the sampler network's Adam: {@link #samplerEpsilon()}, or {@value #ADAM_EPSILON}. */
    public float samplerEpsilonOrDefault() {
        return samplerEpsilon == null ? ADAM_EPSILON : samplerEpsilon;
    }

    /** The separate energy network's shape: its own, or the value's. */
    public NetworkConfig energyNetworkOrValues() {
        return energyNetwork == null ? network : energyNetwork;
    }

    /** The transformations the shape negatives draw from: the configured ones, or all. */
    public List<ShapeTransform> shapeTransformsOrAll() {
        return shapeTransforms == null ? ShapeTransform.all() : shapeTransforms;
    }

    /** The first iteration of the box negatives (and of the held policy) when {@link #boxNegativeStart()} is set. */
    public long boxNegativeStartIteration() {
        // In float, the setting's own precision: 0.8f is 0.800000012, whose exact product with 1,000 would round up to 801.
        return (long) Math.ceil(boxNegativeStart * (float) iterations);
    }

    /**
     * Whether a schedule is laid out over {@link #iterations()}: the policy's half cosine, its warm-up, the box
     * negatives' start or ramp. A run with such a schedule cannot be continued to another total without changing the
     * schedule under the iterations it already ran; one without (the image defaults) simply runs on.
     */
    public boolean scheduleSpansIterations() {
        return cosineDecay || policyWarmup > 0 || boxNegativeWeight > 0 && (boxNegativeStart > 0 || boxNegativeRamp);
    }

    /** The first iteration at which the policy learns: the end of {@link #policyWarmup()} (0 without one). */
    public long policyWarmupIteration() {
        return (long) Math.ceil(policyWarmup * (float) iterations);
    }

    /**
     * Whether the policy is held at {@code iteration}: during {@link #policyWarmup()}, and from
     * {@link #boxNegativeStart()} on, when they are set.
     */
    public boolean policyHeldAt(long iteration) {
        return iteration < policyWarmupIteration()
                || boxNegativeStart > 0 && boxNegativeWeight > 0 && iteration >= boxNegativeStartIteration();
    }

    /** Trajectories per step that the policy update uses (all B unless {@link #policyBatch()} says fewer). */
    public int policyRowsPerStep() {
        if (policyBatch == 0) {
            return batchSize;
        }
        return Math.max(1, Math.min(batchSize, (policyBatch + samplerSteps - 1) / samplerSteps));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static DxmiConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with the image defaults: the official CIFAR-10 T = 10 settings (τ₁ = 0.1 on the
     * entropy, τ₂ = 0.01 on the running cost, γ = 1, a sigmoid time cost centred at T/2 in the
     * value target, AVR 0.99, sampler gradient clip 0.1, the last σ fixed at 1e-3, value = energy
     * as one time-independent convolutional network, FastDPM's quadratic steps) scaled to small
     * images on a CPU: batch 64, the policy updated on 64 of the B·T transitions per iteration,
     * and rates ten times the official ones (sampler 1e-6, σ and value 1e-4), since a CPU run
     * takes thousands of iterations where the official one took 200 epochs.
     */
    public static Builder imageBuilder() {
        return new Builder().optSamplerSteps(10).optTaus(0.1f, 0.01f).optGamma(1f).optBatchSize(64)
                .optIterations(2000).optSamplerLearningRate(1e-6f).optSigmaLearningRate(1e-4f)
                .optValueLearningRate(1e-4f).optEnergyLearningRate(1e-4f).optSamplerClipNorm(0.1f)
                .optLastSigmaLearnable(false).optLastSigmaFixed(1e-3f).optValueSharing(ValueSharing.SHARED)
                .optTimeCost(TimeCost.SIGMOID).optEnergyEmaDecay(0f).optCosineDecay(false)
                .optNetwork(NetworkConfig.of(ConvEnergyConfig.defaults()))
                .optStepSpacing(StepCoefficients.Spacing.QUADRATIC).optPolicyBatch(64).optBoxNegativeWeight(0f)
                .optBoxNegativeStart(0f).optEntropyInValue(false).optGammaPositive(null);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.samplerSteps = samplerSteps;
        b.tauEntropy = tauEntropy;
        b.tauVelocity = tauVelocity;
        b.gamma = gamma;
        b.batchSize = batchSize;
        b.iterations = iterations;
        b.samplerLearningRate = samplerLearningRate;
        b.sigmaLearningRate = sigmaLearningRate;
        b.valueLearningRate = valueLearningRate;
        b.energyLearningRate = energyLearningRate;
        b.samplerClipNorm = samplerClipNorm;
        b.valueClipNorm = valueClipNorm;
        b.energyClipNorm = energyClipNorm;
        b.lastSigmaLearnable = lastSigmaLearnable;
        b.lastSigmaInit = lastSigmaInit;
        b.lastSigmaFixed = lastSigmaFixed;
        b.avrDecay = avrDecay;
        b.valueSharing = valueSharing;
        b.timeCost = timeCost;
        b.timeCostConstant = timeCostConstant;
        b.energyEmaDecay = energyEmaDecay;
        b.network = network;
        b.seed = seed;
        b.maxConsecutiveSkips = maxConsecutiveSkips;
        b.snapshotEvery = snapshotEvery;
        b.cosineDecay = cosineDecay;
        b.stepSpacing = stepSpacing;
        b.policyBatch = policyBatch;
        b.boxNegativeWeight = boxNegativeWeight;
        b.boxMargin = boxMargin;
        b.boxNegativeRamp = boxNegativeRamp;
        b.boxNegativeStart = boxNegativeStart;
        b.residualSigmas = residualSigmas;
        b.policyWarmup = policyWarmup;
        b.entropyInValue = entropyInValue;
        b.policyGate = policyGate;
        b.shapeNegativeWeight = shapeNegativeWeight;
        b.shapeTransforms = shapeTransforms;
        b.energyNetwork = energyNetwork;
        b.energyNetworkSet = true;
        b.sigmaNetworkHidden = sigmaNetworkHidden;
        b.sigmaNetworkSet = true;
        b.gammaPositive = gammaPositive;
        b.samplerEpsilon = samplerEpsilon;
        return b;
    }

    /** Builder with the documented defaults; every setting is optional. */
    public static final class Builder {
        private int samplerSteps = 5;
        private float tauEntropy = 0.1f;
        private float tauVelocity = 0.1f;
        private float gamma = 0.3f;
        private int batchSize = 256;
        private int iterations = 10_000;
        private float samplerLearningRate = 3e-5f;
        private float sigmaLearningRate = 1e-3f;
        private float valueLearningRate = 1e-3f;
        private float energyLearningRate = 1e-3f;
        private float samplerClipNorm = 1f;
        private float valueClipNorm = 0f;
        private float energyClipNorm = 0f;
        private boolean lastSigmaLearnable = true;
        private float lastSigmaInit = 0.1f;
        private float lastSigmaFixed = 1e-3f;
        private float avrDecay = 0.99f;
        private ValueSharing valueSharing = ValueSharing.SEPARATE;
        private TimeCost timeCost = TimeCost.RUNNING;
        private float timeCostConstant = 0.05f;
        private float energyEmaDecay = 0.999f;
        private NetworkConfig network = NetworkConfig.defaults();
        private NetworkConfig energyNetwork;
        private boolean energyNetworkSet;
        private Integer sigmaNetworkHidden;
        private boolean sigmaNetworkSet;
        private Float gammaPositive = 0.85f;
        private long seed;
        private int maxConsecutiveSkips = 3;
        private int snapshotEvery = 100;
        private boolean cosineDecay = true;
        private StepCoefficients.Spacing stepSpacing = StepCoefficients.Spacing.QUADRATIC;
        private int policyBatch;
        private float boxNegativeWeight = 3f;
        private float boxMargin = 0.1f;
        private boolean boxNegativeRamp = false;
        private float boxNegativeStart = 0.6f;
        private boolean residualSigmas = false;
        private float policyWarmup;
        private boolean entropyInValue = false;
        private Float policyGate;
        private Float shapeNegativeWeight;
        private List<ShapeTransform> shapeTransforms;
        private Float samplerEpsilon;

        public Builder optSamplerSteps(int v) { samplerSteps = v; return this; }

        /** One temperature for both terms: τ₁ = τ₂ = τ. */
        public Builder optTau(float tau) { tauEntropy = tau; tauVelocity = tau; return this; }

        public Builder optTaus(float entropy, float velocity) { tauEntropy = entropy; tauVelocity = velocity; return this; }

        public Builder optGamma(float v) { gamma = v; return this; }
        /** The square term's weight where the energy is positive (default 0.85), or null for {@code gamma}'s. */
        public Builder optGammaPositive(Float v) { gammaPositive = v; return this; }

        public Builder optBatchSize(int v) { batchSize = v; return this; }

        public Builder optIterations(int v) { iterations = v; return this; }

        public Builder optSamplerLearningRate(float v) { samplerLearningRate = v; return this; }

        public Builder optSigmaLearningRate(float v) { sigmaLearningRate = v; return this; }

        public Builder optValueLearningRate(float v) { valueLearningRate = v; return this; }

        public Builder optEnergyLearningRate(float v) { energyLearningRate = v; return this; }

        public Builder optSamplerClipNorm(float v) { samplerClipNorm = v; return this; }

        /** The sampler network's Adam ε, or null for Adam's {@value DxmiConfig#ADAM_EPSILON}. */
        public Builder optSamplerEpsilon(Float v) { samplerEpsilon = v; return this; }

        public Builder optValueClipNorm(float v) { valueClipNorm = v; return this; }

        public Builder optEnergyClipNorm(float v) { energyClipNorm = v; return this; }

        public Builder optLastSigmaLearnable(boolean v) { lastSigmaLearnable = v; return this; }

        public Builder optLastSigmaInit(float v) { lastSigmaInit = v; return this; }

        public Builder optLastSigmaFixed(float v) { lastSigmaFixed = v; return this; }

        public Builder optAvrDecay(float v) { avrDecay = v; return this; }

        public Builder optValueSharing(ValueSharing v) { valueSharing = v; return this; }

        public Builder optTimeCost(TimeCost v) { timeCost = v; return this; }

        public Builder optTimeCostConstant(float v) { timeCostConstant = v; return this; }

        public Builder optEnergyEmaDecay(float v) { energyEmaDecay = v; return this; }

        public Builder optNetwork(NetworkConfig v) { network = v; return this; }

        public Builder optSeed(long v) { seed = v; return this; }

        public Builder optMaxConsecutiveSkips(int v) { maxConsecutiveSkips = v; return this; }

        public Builder optSnapshotEvery(int v) { snapshotEvery = v; return this; }

        public Builder optCosineDecay(boolean v) { cosineDecay = v; return this; }

        public Builder optStepSpacing(StepCoefficients.Spacing v) { stepSpacing = v; return this; }

        public Builder optPolicyBatch(int v) { policyBatch = v; return this; }

        public Builder optBoxNegativeWeight(float v) { boxNegativeWeight = v; return this; }

        public Builder optBoxMargin(float v) { boxMargin = v; return this; }

        public Builder optBoxNegativeRamp(boolean v) { boxNegativeRamp = v; return this; }
        public Builder optBoxNegativeStart(float v) { boxNegativeStart = v; return this; }

        public Builder optResidualSigmas(boolean v) { residualSigmas = v; return this; }

        public Builder optPolicyWarmup(float v) { policyWarmup = v; return this; }

        public Builder optEntropyInValue(boolean v) { entropyInValue = v; return this; }

        /** The policy gate's margin, or null for none. */
        public Builder optPolicyGate(Float v) { policyGate = v; return this; }

        /** The shape negatives' weight, or null (or 0) for none. */
        public Builder optShapeNegativeWeight(Float v) { shapeNegativeWeight = v; return this; }

        /** The transformations the shape negatives draw from, or null for all. */
        public Builder optShapeTransforms(List<ShapeTransform> v) { shapeTransforms = v; return this; }

        /**
         * The separate energy network's own shape, or null for the value's ({@code optNetwork}); unless set, a separate
         * MLP energy is the value's shape {@value DxmiConfig#ENERGY_WIDTH_FACTOR}× as wide.
         */
        public Builder optEnergyNetwork(NetworkConfig v) {
            energyNetwork = v;
            energyNetworkSet = true;
            return this;
        }

        /**
         * The sampler's σ network's width, or null (or 0) for none; unless set, {@value DxmiConfig#SIGMA_NETWORK_HIDDEN}
         * with MLP networks (vectors) and none with images.
         */
        public Builder optSigmaNetworkHidden(Integer v) {
            sigmaNetworkHidden = v;
            sigmaNetworkSet = true;
            return this;
        }

        private Integer sigmaNetworkOrDefault() {
            if (sigmaNetworkSet) {
                return sigmaNetworkHidden;
            }
            return network.kind().equals("mlp") ? SIGMA_NETWORK_HIDDEN : null;
        }

        private NetworkConfig energyNetworkOrDefault() {
            if (energyNetworkSet) {
                return energyNetwork;
            }
            return valueSharing == ValueSharing.SEPARATE && network.kind().equals("mlp")
                    ? new NetworkConfig(ENERGY_WIDTH_FACTOR * network.hidden(), network.layers(), network.embeddingDim())
                    : null;
        }

        public DxmiConfig build() {
            return new DxmiConfig(samplerSteps, tauEntropy, tauVelocity, gamma, batchSize, iterations,
                    samplerLearningRate, sigmaLearningRate, valueLearningRate, energyLearningRate, samplerClipNorm,
                    valueClipNorm, energyClipNorm, lastSigmaLearnable, lastSigmaInit, lastSigmaFixed, avrDecay,
                    valueSharing, timeCost, timeCostConstant, energyEmaDecay, network, seed, maxConsecutiveSkips,
                    snapshotEvery, cosineDecay, stepSpacing, policyBatch, boxNegativeWeight, boxMargin,
                    boxNegativeRamp, residualSigmas, boxNegativeStart, policyWarmup,
                    entropyInValue, policyGate, shapeNegativeWeight, shapeTransforms,
                    energyNetworkOrDefault(), sigmaNetworkOrDefault(), gammaPositive, samplerEpsilon);
        }
    }
}
