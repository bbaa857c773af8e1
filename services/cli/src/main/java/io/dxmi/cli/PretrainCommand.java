package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.job.PretrainJob;
import io.dxmi.core.nn.NetworkConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dxmi pretrain}: trains the DDPM that DxMI fine-tunes. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a DDPM (epsilon-prediction, linear beta schedule) and save it as a model directory.")
final class PretrainCommand implements Callable<Integer> {

    @Mixin
    DataOption data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the model.")
    Path out;

    @Option(names = "--iterations", paramLabel = "N", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--batch", paramLabel = "N", description = "Rows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "X", description = "Adam learning rate, cosine-decayed (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--diffusion-steps", paramLabel = "N", description = "Length N of the noise schedule (default: ${DEFAULT-VALUE}).")
    int diffusionSteps;

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden width (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", paramLabel = "N", description = "Hidden layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Mixin
    CommonOptions common;

    static PretrainConfig config(int diffusionSteps, int iterations, int batch, float lr, int hidden, int layers,
            long seed) {
        PretrainConfig d = PretrainConfig.defaults();
        return new PretrainConfig(diffusionSteps, d.betaStart(), d.betaEnd(), iterations, batch, lr, d.cosineDecay(),
                new NetworkConfig(hidden, layers, d.network().embeddingDim()), seed);
    }

    @Override
    public Integer call() throws Exception {
        Checks.atLeast("--iterations", iterations, 1);
        Checks.atLeast("--batch", batch, 1);
        Checks.finiteAtLeast("--lr", learningRate, 0);
        Checks.atLeast("--diffusion-steps", diffusionSteps, 2);
        Checks.atLeast("--hidden", hidden, 1);
        Checks.atLeast("--layers", layers, 1);
        DataSource source = data.open();
        Checks.batchFits("--batch", batch, 2L * source.dimension());
        PretrainConfig cfg;
        try {
            cfg = config(diffusionSteps, iterations, batch, learningRate, hidden, layers, common.seed);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
        OutputDirectory.prepare(out, "--out");
        long t0 = System.nanoTime();
        try (DdpmModel model = PretrainJob.builder().setData(source).setConfig(cfg).optOutput(out)
                .optListener(common.progress()).build().run()) {
            System.out.printf(java.util.Locale.ROOT, "pretrained %s on %s (dimension %d) in %.1f s; saved to %s%n",
                    "DDPM", source.name(), model.dimension(), (System.nanoTime() - t0) / 1e9, out);
        }
        return 0;
    }
}
