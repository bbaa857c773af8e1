package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.job.PretrainJob;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code dxmi pretrain}: trains the DDPM that DxMI fine-tunes. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a DDPM (epsilon-prediction, linear beta schedule) and save it as a model directory.")
final class PretrainCommand implements Callable<Integer> {

    @Mixin
    DataOption data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the model.")
    Path out;

    @Option(names = "--iterations", paramLabel = "N", description = "Optimizer steps (default: 20000).")
    Integer iterations;

    @Option(names = "--batch", paramLabel = "N", description = "Samples per step (default: 1024 rows; 64 images).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "X",
            description = "Adam learning rate, cosine-decayed (default: 2e-3 for vectors, 5e-4 for images).")
    Float learningRate;

    @Option(names = "--diffusion-steps", paramLabel = "N", description = "Length N of the noise schedule (default: 1000).")
    Integer diffusionSteps;

    @Option(names = "--hidden", paramLabel = "N", description = "Vectors: the MLP's hidden width (default: 128).")
    Integer hidden;

    @Option(names = "--layers", paramLabel = "N", description = "Vectors: the MLP's hidden layers (default: 3).")
    Integer layers;

    @Option(names = "--channels", paramLabel = "N", description = "Images: the UNet's base width (default: 32).")
    Integer channels;

    @Option(names = "--ema", paramLabel = "X",
            description = "Decay of the weight average the model samples with (default: 0 for vectors, 0.999 for images).")
    Float ema;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Steps between saves of the resumable state in --out (default: 500).")
    Integer checkpointEvery;

    @Option(names = "--resume", description = "Continue the pretraining saved in --out (to --iterations in total).")
    boolean resume;

    @Mixin
    CommonOptions common;

    /** The configuration for these flags on this data: the data's defaults, then each flag given. */
    static PretrainConfig config(boolean images, Integer diffusionSteps, Integer iterations, Integer batch, Float lr,
            Integer hidden, Integer layers, Integer channels, Float ema, long seed) {
        PretrainConfig c = (images ? PretrainConfig.imageDefaults() : PretrainConfig.defaults()).withSeed(seed);
        if (diffusionSteps != null) {
            c = c.withDiffusionSteps(diffusionSteps);
        }
        if (iterations != null) {
            c = c.withIterations(iterations);
        }
        if (batch != null) {
            c = c.withBatchSize(batch);
        }
        if (lr != null) {
            c = c.withLearningRate(lr);
        }
        if (images && channels != null) {
            c = c.withNetwork(NetworkConfig.of(UNetConfig.defaults().withChannels(channels)));
        }
        if (!images && (hidden != null || layers != null)) {
            NetworkConfig n = c.network();
            c = c.withNetwork(new NetworkConfig(hidden != null ? hidden : n.hidden(), layers != null ? layers : n.layers(),
                    n.embeddingDim()));
        }
        if (ema != null) {
            c = c.withEmaDecay(ema);
        }
        return c;
    }

    @Override
    public Integer call() throws Exception {
        common.configureEngine();
        DataSource source = data.open();
        boolean images = source.shape().isImage();
        if (images && (hidden != null || layers != null)) {
            throw new IllegalArgumentException("--hidden and --layers shape the MLP for vectors; "
                    + source.name() + " holds images (use --channels)");
        }
        if (!images && channels != null) {
            throw new IllegalArgumentException("--channels shapes the UNet for images; " + source.name()
                    + " holds vectors (use --hidden, --layers)");
        }
        if (iterations != null && iterations < 1) {
            throw new IllegalArgumentException("--iterations must be at least 1, got " + iterations);
        }
        PretrainConfig cfg = config(images, diffusionSteps, iterations, batch, learningRate, hidden, layers, channels,
                ema, common.seed);
        long t0 = System.nanoTime();
        try (DdpmModel model = PretrainJob.builder().setData(source).setConfig(cfg).optOutput(out)
                .optListener(common.progress()).optResume(resume)
                .optCheckpointEvery(checkpointEvery != null ? checkpointEvery : 500).build().run()) {
            System.out.printf(Locale.ROOT, "pretrained a DDPM (%s) on %s (samples %s) on %s in %.1f s; saved to %s%n",
                    cfg.network().kind(), source.name(), model.shape(), model.manager().getDevice(),
                    (System.nanoTime() - t0) / 1e9, out);
        }
        return 0;
    }
}
