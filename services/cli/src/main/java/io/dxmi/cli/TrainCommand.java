package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.TimeCost;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.job.TrainJob;
import io.dxmi.core.job.TrainResult;
import io.dxmi.core.nn.NetworkConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code dxmi train}: DxMI fine-tuning (Algorithm 1), pretraining first when needed. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a T-step DxMI sampler and its energy on a data set (Algorithm 1, one process).",
            "Pretrains a 1000-step DDPM first unless --pretrained DIR or --no-pretrain is given.",
            "Writes DIR/result.json, DIR/samples.csv (10,000 rows), DIR/metrics.jsonl and the model."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "NAME|FILE.csv",
            description = "A built-in data set (8gaussians, 25gaussians, 2spirals, checkerboard, rings) or a CSV file.")
    String data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory.")
    Path out;

    @Option(names = "--steps", paramLabel = "T", description = "Sampler steps T (required unless --resume).")
    Integer steps;

    @Option(names = "--tau", paramLabel = "X", description = "Temperature: tau1 = tau2 = X (required unless --resume).")
    Float tau;

    @Option(names = "--tau-entropy", paramLabel = "X", description = "Override tau1, the entropy weight.")
    Float tauEntropy;

    @Option(names = "--tau-velocity", paramLabel = "X", description = "Override tau2, the velocity-cost weight.")
    Float tauVelocity;

    @Option(names = "--pretrained", paramLabel = "DIR", description = "Start from this pretrained DDPM directory.")
    Path pretrained;

    @Option(names = "--no-pretrain", description = "Start the sampler from random weights.")
    boolean noPretrain;

    @Option(names = "--resume", description = "Continue the run saved in --out (up to --iterations in total).")
    boolean resume;

    @Option(names = "--iterations", description = "DxMI iterations (default: ${DEFAULT-VALUE}).",
            defaultValue = "4000")
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

    @Option(names = "--cosine-decay", description = "Decay the policy's learning rates (sampler, sigma) along a half cosine to 0.")
    boolean cosineDecay;

    @Option(names = "--hidden", description = "Value/energy hidden width (default: ${DEFAULT-VALUE}).",
            defaultValue = "128")
    int hidden;

    @Option(names = "--layers", description = "Value/energy hidden layers (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int layers;

    @Option(names = "--eval-every", description = "Iterations between quick evaluations, 0 = none (default: ${DEFAULT-VALUE}).",
            defaultValue = "500")
    int evalEvery;

    @Option(names = "--checkpoint-every", description = "Iterations between checkpoints (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int checkpointEvery;

    @Mixin
    CommonOptions common;

    enum LastSigma { learnable, fixed }

    enum Sharing { shared, separate }

    enum Cost { running, sigmoid, constant }

    @Override
    public Integer call() throws Exception {
        DataSource source = DataSources.resolve(data);
        TrainResult r;
        if (resume) {
            if (pretrained != null || noPretrain) {
                throw new ParameterException(spec.commandLine(), "--resume continues a run; it takes no --pretrained or --no-pretrain");
            }
            int total = spec.commandLine().getParseResult().hasMatchedOption("--iterations") ? iterations : -1;
            r = TrainJob.resume(out, source, total, common.progress());
        } else {
            if (steps == null || tau == null) {
                throw new ParameterException(spec.commandLine(), "--steps and --tau are required (unless --resume)");
            }
            if (pretrained != null && noPretrain) {
                throw new ParameterException(spec.commandLine(), "--pretrained and --no-pretrain exclude each other");
            }
            DxmiConfig.Builder b = DxmiConfig.builder().optSamplerSteps(steps).optTau(tau).optIterations(iterations)
                    .optBatchSize(batch).optGamma(gamma).optSamplerLearningRate(samplerLr)
                    .optSigmaLearningRate(sigmaLr).optValueLearningRate(valueLr).optEnergyLearningRate(energyLr)
                    .optSamplerClipNorm(samplerClip).optLastSigmaLearnable(lastSigma == LastSigma.learnable)
                    .optValueSharing(sharing == Sharing.shared ? ValueSharing.SHARED : ValueSharing.SEPARATE)
                    .optTimeCost(TimeCost.valueOf(timeCost.name().toUpperCase(Locale.ROOT)))
                    .optEnergyEmaDecay(energyEma).optCosineDecay(cosineDecay).optNetwork(new NetworkConfig(hidden, layers, 32))
                    .optSeed(common.seed);
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
            TrainJob.Builder job = TrainJob.builder().setData(source).setConfig(b.build()).setOutput(out)
                    .optEvalEvery(evalEvery).optCheckpointEvery(checkpointEvery).optListener(common.progress())
                    .optPretrainConfig(PretrainCommand.config(1000, pretrainIterations, 1024, 2e-3f, 128, 3,
                            common.seed));
            if (pretrained != null) {
                job.optPretrained(pretrained);
            }
            if (noPretrain) {
                job.optPretrain(false);
            }
            r = job.build().run();
        }
        System.out.printf(Locale.ROOT, "SW %s  AUC %.4f (raw %.4f)  %d iterations at %.1f it/s, %.1f s in all%n",
                r.sw(), r.auc(), r.aucRaw(), r.iterations(), r.iterationsPerSecond(), r.wallSeconds());
        System.out.println("wrote " + out.resolve(TrainJob.RESULT) + ", " + out.resolve(TrainJob.SAMPLES)
                + " and the model in " + out);
        return 0;
    }
}
