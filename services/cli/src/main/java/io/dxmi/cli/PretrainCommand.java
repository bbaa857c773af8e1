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

    @Option(names = "--iterations", description = "Optimizer steps (default: ${DEFAULT-VALUE}).",
            defaultValue = "20000")
    int iterations;

    @Option(names = "--batch", description = "Rows per step (default: ${DEFAULT-VALUE}).", defaultValue = "1024")
    int batch;

    @Option(names = "--lr", description = "Adam learning rate, cosine-decayed (default: ${DEFAULT-VALUE}).",
            defaultValue = "2e-3")
    float learningRate;

    @Option(names = "--diffusion-steps", description = "Length N of the noise schedule (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int diffusionSteps;

    @Option(names = "--hidden", description = "Hidden width (default: ${DEFAULT-VALUE}).", defaultValue = "128")
    int hidden;

    @Option(names = "--layers", description = "Hidden layers (default: ${DEFAULT-VALUE}).", defaultValue = "3")
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
        DataSource source = data.open();
        PretrainConfig cfg = config(diffusionSteps, iterations, batch, learningRate, hidden, layers, common.seed);
        long t0 = System.nanoTime();
        try (DdpmModel model = PretrainJob.builder().setData(source).setConfig(cfg).optOutput(out)
                .optListener(common.progress()).build().run()) {
            System.out.printf(java.util.Locale.ROOT, "pretrained %s on %s (dimension %d) in %.1f s; saved to %s%n",
                    "DDPM", source.name(), model.dimension(), (System.nanoTime() - t0) / 1e9, out);
        }
        return 0;
    }
}
