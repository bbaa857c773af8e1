package io.dxmi.cli;

import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.TimeCost;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.nn.NetworkConfig;
import picocli.CommandLine.Option;

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

    @Option(names = "--iterations", description = "DxMI iterations (default: ${DEFAULT-VALUE}).",
            defaultValue = "6000")
    int iterations;

    @Option(names = "--pretrain-iterations", description = "Pretraining steps when pretraining (default: ${DEFAULT-VALUE}).",
            defaultValue = "20000")
    int pretrainIterations;

    @Option(names = "--batch", description = "Data rows and trajectories per iteration (default: ${DEFAULT-VALUE}).",
            defaultValue = "256")
    int batch;

    @Option(names = "--gamma", description = "Energy square-regulariser weight (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    float gamma;

    @Option(names = "--sampler-lr", description = "Sampler network learning rate (default: ${DEFAULT-VALUE}).",
            defaultValue = "3e-5")
    float samplerLr;

    @Option(names = "--sigma-lr", description = "log sigma learning rate (default: ${DEFAULT-VALUE}).",
            defaultValue = "1e-3")
    float sigmaLr;

    @Option(names = "--value-lr", description = "Value (and shared energy) learning rate (default: ${DEFAULT-VALUE}).",
            defaultValue = "1e-3")
    float valueLr;

    @Option(names = "--energy-lr", description = "Separate energy network learning rate (default: ${DEFAULT-VALUE}).",
            defaultValue = "1e-3")
    float energyLr;

    @Option(names = "--sampler-clip", description = "Sampler gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    float samplerClip;

    @Option(names = "--last-sigma", description = "Last step's sigma: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            defaultValue = "learnable")
    LastSigma lastSigma;

    @Option(names = "--last-sigma-value", description = "Initial (learnable) or fixed last sigma (default: 0.1 learnable, 1e-3 fixed).")
    Float lastSigmaValue;

    @Option(names = "--value-sharing", description = "Energy and value: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            defaultValue = "shared")
    Sharing sharing;

    @Option(names = "--time-cost", description = "Value target cost: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            defaultValue = "running")
    Cost timeCost;

    @Option(names = "--energy-ema", description = "Evaluation-only EMA decay of the energy, 0 = off (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.999")
    float energyEma;

    @Option(names = "--cosine-decay", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Decay the policy's learning rates (sampler, sigma) along a half cosine to 0;"
                    + " --no-cosine-decay keeps them constant as in the reference (default: ${DEFAULT-VALUE}).")
    boolean cosineDecay;

    @Option(names = "--hidden", description = "Value/energy hidden width (default: ${DEFAULT-VALUE}).",
            defaultValue = "128")
    int hidden;

    @Option(names = "--layers", description = "Value/energy hidden layers (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int layers;

    enum LastSigma { learnable, fixed }

    enum Sharing { shared, separate }

    enum Cost { running, sigmoid, constant }

    /** Steps and tau have no defaults: a run must name them. */
    void requireStepsAndTau(picocli.CommandLine.Model.CommandSpec spec) {
        if (steps == null || tau == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--steps and --tau are required");
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
                .optNetwork(new NetworkConfig(hidden, layers, 32)).optSeed(seed);
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
