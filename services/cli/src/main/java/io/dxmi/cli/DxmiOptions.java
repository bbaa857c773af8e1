package io.dxmi.cli;

import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.TimeCost;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.nn.NetworkConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

    @Option(names = "--gamma", paramLabel = "X", description = "Energy square-regulariser weight (default: ${DEFAULT-VALUE}).")
    float gamma;

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

    @Option(names = "--hidden", paramLabel = "N", description = "Value/energy hidden width (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", paramLabel = "N", description = "Value/energy hidden layers (default: ${DEFAULT-VALUE}).")
    int layers;

    enum LastSigma { learnable, fixed }

    enum Sharing { shared, separate }

    enum Cost { running, sigmoid, constant }

    /** Steps and tau have no defaults: a run must name them. */
    void requireStepsAndTau(CommandSpec spec) {
        if (steps == null || tau == null) {
            throw new ParameterException(spec.commandLine(), "--steps and --tau are required");
        }
    }

    /**
     * Checks every flag before any work starts and returns the configuration they describe (steps and tau must
     * be set); a bad value is a {@link UsageError} that names its flag.
     *
     * @param dimension the data's width (a batch's size in memory depends on it)
     */
    DxmiConfig validatedConfig(long seed, int dimension) {
        Checks.atLeast("--steps", steps, 1);
        Checks.finiteAtLeast("--tau", tau, 0);
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
        Checks.finiteAtLeast("--sampler-lr", samplerLr, 0);
        Checks.finiteAtLeast("--sigma-lr", sigmaLr, 0);
        Checks.finiteAtLeast("--value-lr", valueLr, 0);
        Checks.finiteAtLeast("--energy-lr", energyLr, 0);
        Checks.finiteAtLeast("--sampler-clip", samplerClip, 0);
        if (!(energyEma >= 0 && energyEma < 1)) {
            throw new UsageError("--energy-ema must be in [0, 1), got " + energyEma);
        }
        if (lastSigmaValue != null && !(lastSigmaValue > 0 && Float.isFinite(lastSigmaValue))) {
            throw new UsageError("--last-sigma-value must be positive, got " + lastSigmaValue);
        }
        Checks.atLeast("--hidden", hidden, 1);
        Checks.atLeast("--layers", layers, 1);
        // One iteration holds the batch's trajectories (T + 1 states) and as many data rows.
        Checks.batchFits("--batch", batch, (long) (steps + 2) * dimension);
        try {
            return config(seed);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    /** The DxMI configuration these flags describe (steps and tau must be set). */
    DxmiConfig config(long seed) {
        DxmiConfig.Builder b = DxmiConfig.builder().optSamplerSteps(steps).optTau(tau).optIterations(iterations)
                .optBatchSize(batch).optGamma(gamma).optSamplerLearningRate(samplerLr)
                .optSigmaLearningRate(sigmaLr).optValueLearningRate(valueLr).optEnergyLearningRate(energyLr)
                .optSamplerClipNorm(samplerClip).optLastSigmaLearnable(lastSigma == LastSigma.learnable)
                .optValueSharing(sharing == Sharing.shared ? ValueSharing.SHARED : ValueSharing.SEPARATE)
                .optTimeCost(TimeCost.valueOf(timeCost.name().toUpperCase(Locale.ROOT)))
                .optEnergyEmaDecay(energyEma).optCosineDecay(cosineDecay)
                .optNetwork(new NetworkConfig(hidden, layers, DxmiConfig.defaults().network().embeddingDim()))
                .optSeed(seed);
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
        return b.build();
    }

    /** Pretraining settings when a run pretrains its own DDPM (the data's defaults). */
    PretrainConfig pretrainConfig(boolean images, long seed) {
        return PretrainCommand.config(images, null, pretrainIterations, null, null, null, null, null, null, seed);
    }
}
