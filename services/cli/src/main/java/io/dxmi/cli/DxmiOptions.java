package io.dxmi.cli;

// Over 400 lines: this is the one place where every DxMI flag of train, run and submit is declared, checked
// and mapped onto DxmiConfig; split by flag family, each check would have to find its neighbours' values again.

import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.TimeCost;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ParameterException;

import java.util.Locale;

/** The DxMI settings that train, run and submit share. */
final class DxmiOptions {

    @Option(names = "--steps", paramLabel = "T", description = "Sampler steps T (required unless --resume).")
    Integer steps;

    @Option(names = "--tau", paramLabel = "X", description = "Temperature: tau1 = tau2 = X (required unless --resume).")
    Float tau;

    @Option(names = "--tau-entropy", paramLabel = "X", description = "Override tau1, the entropy weight.")
    Float tauEntropy;

    @Option(names = "--tau-velocity", paramLabel = "X", description = "Override tau2, the velocity-cost weight.")
    Float tauVelocity;

    @Option(names = "--iterations", paramLabel = "N", description = "DxMI iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--pretrain-iterations", paramLabel = "N",
            description = "Pretraining steps when pretraining (default: the data's, as 'dxmi pretrain').")
    Integer pretrainIterations;

    @Option(names = "--batch", paramLabel = "N", description = "Data rows and trajectories per iteration (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--gamma", paramLabel = "X", description = "Energy square-regulariser weight, on negative energies where"
            + " --gamma-positive differs (default: ${DEFAULT-VALUE}).")
    float gamma;

    @Option(names = "--gamma-positive", paramLabel = "X", description = "The square regulariser's weight where the"
            + " energy is positive (above the data's: the walls the samples are pushed off), --gamma's weight staying on"
            + " negative energies (default: 0.85 for vectors; for images --gamma's, one symmetric term; equal to --gamma:"
            + " the symmetric term).")
    Float gammaPositive;

    @Option(names = "--sampler-lr", paramLabel = "X", description = "Sampler network learning rate (default: ${DEFAULT-VALUE}).")
    float samplerLr;

    @Option(names = "--sigma-lr", paramLabel = "X", description = "log sigma learning rate (default: ${DEFAULT-VALUE}).")
    float sigmaLr;

    @Option(names = "--value-lr", paramLabel = "X", description = "Value (and shared energy) learning rate (default: ${DEFAULT-VALUE}).")
    float valueLr;

    @Option(names = "--energy-lr", paramLabel = "X", description = "Separate energy network learning rate (default: ${DEFAULT-VALUE}).")
    float energyLr;

    @Option(names = "--sampler-clip", paramLabel = "X", description = "Sampler gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
    float samplerClip;

    @Option(names = "--sampler-epsilon", paramLabel = "X",
            description = "Epsilon of the sampler network's Adam (default: 1e-8). Well above the gradients' size,"
                    + " the sampler's step follows the energy's gradient (momentum SGD at rate lr/X) instead of moving"
                    + " every weight by about the learning rate.")
    Float samplerEpsilon;

    @Option(names = "--energy-clip", paramLabel = "X",
            description = "Separate energy network's gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
    float energyClip;

    @Option(names = "--last-sigma", paramLabel = "learnable|fixed", description = "Last step's sigma: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    LastSigma lastSigma;

    @Option(names = "--last-sigma-value", paramLabel = "X", description = "Initial (learnable) or fixed last sigma (default: 0.1 learnable, 1e-3 fixed).")
    Float lastSigmaValue;

    @Option(names = "--value-sharing", paramLabel = "shared|separate", description = "Energy and value: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Sharing sharing;

    @Option(names = "--time-cost", paramLabel = "running|sigmoid|constant", description = "Value target cost: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Cost timeCost;

    @Option(names = "--energy-ema", paramLabel = "X", description = "Evaluation-only EMA decay of the energy, 0 = off (default: ${DEFAULT-VALUE}).")
    float energyEma;

    @Option(names = "--cosine-decay", negatable = true, fallbackValue = "true",
            description = "Decay the policy's learning rates (sampler, sigma) along a half cosine to 0;"
                    + " --no-cosine-decay keeps them constant as in the reference (default: ${DEFAULT-VALUE}).")
    boolean cosineDecay;

    @Option(names = "--box-negatives", paramLabel = "LAMBDA",
            description = "Weight of extra energy negatives drawn uniformly from the data's widened bounding box,"
                    + " 0 = none (default: ${DEFAULT-VALUE} for vectors, 0 for images).")
    float boxNegatives;

    @Option(names = "--box-margin", paramLabel = "F",
            description = "That box's margin past the data on each side, as a fraction of its width"
                    + " (default: ${DEFAULT-VALUE}).")
    float boxMargin;

    @Option(names = "--box-negatives-ramp", negatable = true, fallbackValue = "true",
            description = "Ramp the box negatives' weight in as the policy's rates decay (weight x (1 - cosine factor)):"
                    + " the sampler learns from an energy without them, the energy ends with them"
                    + " (default: ${DEFAULT-VALUE}).")
    boolean boxNegativesRamp;

    @Option(names = "--box-negatives-from", paramLabel = "FRACTION",
            description = "Use the box negatives only from this fraction of the iterations on, and hold the policy"
                    + " (sampler and sigmas) from there: the energy alone takes them on; 0 = from the start, the policy"
                    + " never held (default: ${DEFAULT-VALUE}: the policy learns for the first 6,000 of the 10,000 iterations).")
    float boxNegativesFrom;

    @Option(names = "--shape-negatives", paramLabel = "W",
            description = "Images: weight of extra energy negatives made from the batch's data images with their layout"
                    + " broken (rotated, flipped or rolled, same ink and texture), so that the energy learns shape rather"
                    + " than ink: what detection wants (default: none; dxmi oneclass uses 1).")
    Float shapeNegatives;

    @Option(names = "--shape-transforms", paramLabel = "T1,T2,...",
            description = "The layouts the shape negatives draw from: roll, flip, rot180, rot90, rot270 (default: all;"
                    + " leave out one the class looks the same under, such as rot180 for a 1).")
    String shapeTransforms;

    @Option(names = "--policy-warmup", paramLabel = "FRACTION",
            description = "Hold the policy (sampler and sigmas) for this fraction of the iterations at the start while"
                    + " the energy and value learn against the pretrained sampler's samples (default: ${DEFAULT-VALUE}).")
    float policyWarmup;

    @Option(names = "--entropy-in-value", negatable = true, fallbackValue = "true",
            description = "Charge the entropy term -tau1 log sigma_t in the value's TD target (default: ${DEFAULT-VALUE},"
                    + " the official image setting, for vectors and images alike: entropy and velocity only in the"
                    + " sampler's loss; on was the vector default before, and oneclass turns it on as the official"
                    + " anomaly trainer does).")
    boolean entropyInValue;

    @Option(names = "--policy-gate", paramLabel = "MARGIN",
            description = "Skip an iteration's policy step unless its energy step saw the samples' mean energy above the"
                    + " data's by more than MARGIN (dxmi train only; default: off).")
    Float policyGate;

    @Option(names = "--residual-sigmas", negatable = true, fallbackValue = "true",
            description = "Start each step's sigma from the pretrained network's noise-prediction residual on the data;"
                    + " --no-residual-sigmas starts from the schedule (default: ${DEFAULT-VALUE}).")
    boolean residualSigmas;

    @Option(names = "--hidden", paramLabel = "N", description = "Value/energy hidden width (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", paramLabel = "N", description = "Value/energy hidden layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--energy-hidden", paramLabel = "N",
            description = "Hidden width of the separate energy network alone (default: twice --hidden's).")
    Integer energyHidden;

    @Option(names = "--sigma-hidden", paramLabel = "N",
            description = "Vectors: hidden width of the sampler's sigma network, which gives each state its own noise "
                    + "scale (0: one sigma per step alone, the paper's sampler; default: 64).")
    Integer sigmaHidden;

    @Option(names = "--energy-channels", paramLabel = "N",
            description = "Images: width of the convolutional energy/value network (default: 32).")
    Integer energyChannels;

    @Option(names = "--energy-head", paramLabel = "sum|flatten",
            description = "Images: how the energy/value network's last feature map becomes one number: summed over"
                    + " positions (the official network) or every position into the linear head (position-aware; the"
                    + " one-class benchmark's default) (default: sum).")
    EnergyHead energyHead;

    @Option(names = "--step-spacing", paramLabel = "uniform|quadratic",
            description = "How the T noise levels are taken from the DDPM (default: quadratic, FastDPM's, for vectors"
                    + " and images; uniform was the vector default before).")
    Spacing stepSpacing;

    @Option(names = "--policy-batch", paramLabel = "N",
            description = "Transitions per policy update, spread over the T steps; 0 = all B*T (default: 0 for"
                    + " vectors, B for images).")
    Integer policyBatch;

    enum Spacing { uniform, quadratic }

    /** The values of {@code --energy-head}. */
    enum EnergyHead {
        sum, flatten;

        ConvEnergyConfig.Head head() {
            return this == sum ? ConvEnergyConfig.Head.SUM : ConvEnergyConfig.Head.FLATTEN;
        }
    }

    enum LastSigma { learnable, fixed }

    enum Sharing { shared, separate }

    enum Cost { running, sigmoid, constant }

    /**
     * Steps have no default: a run must name them. So has tau for vectors; images default to the official
     * image temperatures (tau1 = 0.1, tau2 = 0.01).
     */
    void requireStepsAndTau(CommandSpec spec, boolean images) {
        if (steps == null || (tau == null && !images)) {
            throw new ParameterException(spec.commandLine(), images ? "--steps is required" : "--steps and --tau are required");
        }
    }

    /**
     * Checks every flag before any work starts and returns the configuration they describe (steps and tau must
     * be set); a bad value is a {@link UsageError} that names its flag.
     *
     * @param shape one sample's shape: images start from the image defaults, and a batch's size in memory
     *     depends on it
     * @param spec the command, whose parse result says which flags were given
     */
    DxmiConfig validatedConfig(long seed, SampleShape shape, CommandSpec spec) {
        Checks.atLeast("--steps", steps, 1);
        if (tau != null) {
            Checks.finiteAtLeast("--tau", tau, 0);
        }
        if (tauEntropy != null) {
            Checks.finiteAtLeast("--tau-entropy", tauEntropy, 0);
        }
        if (tauVelocity != null) {
            Checks.finiteAtLeast("--tau-velocity", tauVelocity, 0);
        }
        Checks.atLeast("--iterations", iterations, 1);
        Checks.atLeast("--pretrain-iterations", pretrainIterations, 1);
        Checks.atLeast("--batch", batch, 1);
        Checks.finiteAtLeast("--gamma", gamma, 0);
        Checks.finiteAtLeast("--gamma-positive", gammaPositive, 0);
        Checks.finiteAtLeast("--sampler-lr", samplerLr, 0);
        Checks.finiteAtLeast("--sigma-lr", sigmaLr, 0);
        Checks.finiteAtLeast("--value-lr", valueLr, 0);
        Checks.finiteAtLeast("--energy-lr", energyLr, 0);
        Checks.finiteAtLeast("--sampler-clip", samplerClip, 0);
        Checks.finiteAtLeast("--energy-clip", energyClip, 0);
        if (samplerEpsilon != null && !(samplerEpsilon > 0 && Float.isFinite(samplerEpsilon))) {
            throw new UsageError("--sampler-epsilon must be positive and finite, got " + samplerEpsilon);
        }
        Checks.finiteAtLeast("--box-negatives", boxNegatives, 0);
        if (!(boxNegativesFrom >= 0 && boxNegativesFrom < 1)) {
            throw new UsageError("--box-negatives-from must be a fraction in [0, 1), got "
                    + boxNegativesFrom);
        }
        Checks.finiteAtLeast("--box-margin", boxMargin, 0);
        if (policyGate != null && !Float.isFinite(policyGate)) {
            throw new UsageError("--policy-gate must be a finite margin, got " + policyGate);
        }
        if (!(policyWarmup >= 0 && policyWarmup < 1)) {
            throw new UsageError("--policy-warmup must be a fraction in [0, 1), got " + policyWarmup);
        }
        Checks.belowOne("--energy-ema", energyEma);
        if (lastSigmaValue != null && !(lastSigmaValue > 0 && Float.isFinite(lastSigmaValue))) {
            throw new UsageError("--last-sigma-value must be positive, got " + lastSigmaValue);
        }
        Checks.atLeast("--hidden", hidden, 1);
        Checks.atLeast("--layers", layers, 1);
        if (energyHidden != null) {
            Checks.atLeast("--energy-hidden", energyHidden, 1);
            if (sharing == Sharing.shared) {
                throw new UsageError("--energy-hidden widens the separate energy network; --value-sharing shared has none");
            }
        }
        if (sigmaHidden != null) {
            Checks.atLeast("--sigma-hidden", sigmaHidden, 0);
            if (shape.isImage()) {
                throw new UsageError("--sigma-hidden gives vector samples a sigma per state; images keep one sigma per step");
            }
        }
        if (shapeNegatives != null) {
            Checks.finiteAtLeast("--shape-negatives", shapeNegatives, 0);
            if (!shape.isImage()) {
                throw new UsageError("--shape-negatives breaks the layout of images; " + shape + " samples are vectors");
            }
        }
        if (shapeTransforms != null && shapeNegatives == null) {
            throw new UsageError("--shape-transforms chooses the layouts of the shape negatives; set --shape-negatives W too");
        }
        Checks.shapeTransforms("--shape-transforms", shapeTransforms, shape);
        if (energyHead != null && !shape.isImage()) {
            throw new UsageError("--energy-head shapes the convolutional energy of images; " + shape
                    + " samples are vectors");
        }
        // One iteration holds the batch's trajectories (T + 1 states) and as many data rows.
        Checks.batchFits("--batch", batch, (long) (steps + 2) * shape.size());
        try {
            if (shape.isImage()) {
                if (spec.commandLine().getParseResult().hasMatchedOption("--hidden")
                        || spec.commandLine().getParseResult().hasMatchedOption("--layers") || energyHidden != null) {
                    throw new UsageError("--hidden, --layers and --energy-hidden shape the vector networks; images use a convolutional"
                            + " energy (its width: --energy-channels)");
                }
                return imageConfig(seed, spec);
            }
            return config(seed);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    /**
     * Images: {@link DxmiConfig#imageBuilder()}'s settings, overridden only by the flags given (the flags'
     * defaults are the vector ones).
     */
    private DxmiConfig imageConfig(long seed, CommandSpec spec) {
        ParseResult given = spec.commandLine().getParseResult();
        DxmiConfig.Builder b = DxmiConfig.imageBuilder().optSamplerSteps(steps).optSeed(seed);
        if (tau != null) {
            b.optTau(tau);
        }
        if (tauEntropy != null || tauVelocity != null) {
            DxmiConfig d = b.build();
            b.optTaus(tauEntropy != null ? tauEntropy : d.tauEntropy(), tauVelocity != null ? tauVelocity : d.tauVelocity());
        }
        if (given.hasMatchedOption("--iterations")) {
            b.optIterations(iterations);
        }
        if (given.hasMatchedOption("--batch")) {
            b.optBatchSize(batch).optPolicyBatch(batch);
        }
        if (given.hasMatchedOption("--gamma")) {
            b.optGamma(gamma);
        }
        if (gammaPositive != null) {
            b.optGammaPositive(gammaPositive);
        }
        if (given.hasMatchedOption("--sampler-lr")) {
            b.optSamplerLearningRate(samplerLr);
        }
        if (given.hasMatchedOption("--sigma-lr")) {
            b.optSigmaLearningRate(sigmaLr);
        }
        if (given.hasMatchedOption("--value-lr")) {
            b.optValueLearningRate(valueLr);
        }
        if (given.hasMatchedOption("--energy-lr")) {
            b.optEnergyLearningRate(energyLr);
        }
        if (given.hasMatchedOption("--sampler-clip")) {
            b.optSamplerClipNorm(samplerClip);
        }
        if (given.hasMatchedOption("--energy-clip")) {
            b.optEnergyClipNorm(energyClip);
        }
        if (samplerEpsilon != null) {
            b.optSamplerEpsilon(samplerEpsilon);
        }
        if (given.hasMatchedOption("--last-sigma")) {
            b.optLastSigmaLearnable(lastSigma == LastSigma.learnable);
        }
        if (lastSigmaValue != null) {
            if (b.build().lastSigmaLearnable()) {
                b.optLastSigmaInit(lastSigmaValue);
            } else {
                b.optLastSigmaFixed(lastSigmaValue);
            }
        }
        if (given.hasMatchedOption("--value-sharing")) {
            b.optValueSharing(sharing == Sharing.shared ? ValueSharing.SHARED : ValueSharing.SEPARATE);
        }
        if (given.hasMatchedOption("--time-cost")) {
            b.optTimeCost(TimeCost.valueOf(timeCost.name().toUpperCase(Locale.ROOT)));
        }
        if (given.hasMatchedOption("--energy-ema")) {
            b.optEnergyEmaDecay(energyEma);
        }
        if (given.hasMatchedOption("--cosine-decay")) {
            b.optCosineDecay(cosineDecay);
        }
        if (given.hasMatchedOption("--box-negatives")) {
            b.optBoxNegativeWeight(boxNegatives);
        }
        if (given.hasMatchedOption("--box-margin")) {
            b.optBoxMargin(boxMargin);
        }
        if (given.hasMatchedOption("--box-negatives-ramp")) {
            b.optBoxNegativeRamp(boxNegativesRamp);
        }
        if (given.hasMatchedOption("--box-negatives-from")) {
            b.optBoxNegativeStart(boxNegativesFrom);
        }
        if (given.hasMatchedOption("--residual-sigmas")) {
            b.optResidualSigmas(residualSigmas);
        }
        if (given.hasMatchedOption("--policy-warmup")) {
            b.optPolicyWarmup(policyWarmup);
        }
        if (policyGate != null) {
            b.optPolicyGate(policyGate);
        }
        if (given.hasMatchedOption("--entropy-in-value")) {
            b.optEntropyInValue(entropyInValue);
        }
        b.optShapeNegativeWeight(shapeNegatives);
        b.optShapeTransforms(Checks.shapeTransforms("--shape-transforms", shapeTransforms));
        if (energyChannels != null || energyHead != null) {
            ConvEnergyConfig conv = ConvEnergyConfig.defaults();
            if (energyChannels != null) {
                Checks.atLeast("--energy-channels", energyChannels, 1);
                conv = new ConvEnergyConfig(energyChannels, false, conv.embeddingDim());
            }
            b.optNetwork(NetworkConfig.of(energyHead == null ? conv : conv.withHead(energyHead.head())));
        }
        if (stepSpacing != null) {
            b.optStepSpacing(stepSpacing == Spacing.uniform ? StepCoefficients.Spacing.UNIFORM
                    : StepCoefficients.Spacing.QUADRATIC);
        }
        if (policyBatch != null) {
            Checks.atLeast("--policy-batch", policyBatch, 0);
            b.optPolicyBatch(policyBatch);
        }
        return b.build();
    }

    /** The DxMI configuration these flags describe (steps and tau must be set). */
    DxmiConfig config(long seed) {
        DxmiConfig.Builder b = DxmiConfig.builder().optSamplerSteps(steps).optTau(tau).optIterations(iterations)
                .optBatchSize(batch).optGamma(gamma).optSamplerLearningRate(samplerLr)
                .optSigmaLearningRate(sigmaLr).optValueLearningRate(valueLr).optEnergyLearningRate(energyLr)
                .optSamplerClipNorm(samplerClip).optEnergyClipNorm(energyClip).optLastSigmaLearnable(lastSigma == LastSigma.learnable)
                .optValueSharing(sharing == Sharing.shared ? ValueSharing.SHARED : ValueSharing.SEPARATE)
                .optTimeCost(TimeCost.valueOf(timeCost.name().toUpperCase(Locale.ROOT)))
                .optEnergyEmaDecay(energyEma).optCosineDecay(cosineDecay)
                .optBoxNegativeWeight(boxNegatives).optBoxMargin(boxMargin).optBoxNegativeRamp(boxNegativesRamp)
                .optBoxNegativeStart(boxNegativesFrom).optResidualSigmas(residualSigmas).optPolicyWarmup(policyWarmup).optEntropyInValue(entropyInValue).optPolicyGate(policyGate).optSamplerEpsilon(samplerEpsilon).optNetwork(new NetworkConfig(hidden, layers, DxmiConfig.defaults().network().embeddingDim()))
                .optSeed(seed);
        if (energyHidden != null) {
            b.optEnergyNetwork(new NetworkConfig(energyHidden, layers, DxmiConfig.defaults().network().embeddingDim()));
        }
        if (sigmaHidden != null) {
            b.optSigmaNetworkHidden(sigmaHidden);
        }
        if (gammaPositive != null) {
            b.optGammaPositive(gammaPositive);
        }
        if (tauEntropy != null || tauVelocity != null) {
            b.optTaus(tauEntropy != null ? tauEntropy : tau, tauVelocity != null ? tauVelocity : tau);
        }
        if (lastSigmaValue != null) {
            if (lastSigma == LastSigma.learnable) {
                b.optLastSigmaInit(lastSigmaValue);
            } else {
                b.optLastSigmaFixed(lastSigmaValue);
            }
        }
        if (stepSpacing != null) {
            b.optStepSpacing(stepSpacing == Spacing.uniform ? StepCoefficients.Spacing.UNIFORM
                    : StepCoefficients.Spacing.QUADRATIC);
        }
        if (policyBatch != null) {
            b.optPolicyBatch(policyBatch);
        }
        return b.build();
    }

    /** Pretraining settings when a run pretrains its own DDPM (the data's defaults). */
    PretrainConfig pretrainConfig(boolean images, long seed) {
        return PretrainCommand.config(images, null, pretrainIterations, null, null, null, null, null, null, seed);
    }
}
