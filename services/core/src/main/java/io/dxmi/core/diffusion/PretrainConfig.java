package io.dxmi.core.diffusion;

import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;

/**
 * Settings of DDPM pretraining (ε-prediction). Defaults are the configuration that reached the
 * paper's SW on 8 Gaussians (docs/method.md, "The 2D starting configuration"), except the iteration count, which the
 * README's benchmarks justify.
 *
 * @param diffusionSteps N, the length of the linear β schedule (default 1000)
 * @param betaStart first β (default 1e-4)
 * @param betaEnd last β (default 0.02)
 * @param iterations optimizer steps (default 20,000)
 * @param batchSize data rows per step (default 1024)
 * @param learningRate Adam's initial rate (default 2e-3)
 * @param cosineDecay decay the rate to 0 along a half cosine (default true)
 * @param network the ε-network's shape
 * @param seed seed of every random draw
 * @param emaDecay decay of the exponential moving average of the weights that the saved model
 *     samples with (0 = no average: the vector default; 0.999 for images, as DDPMs are trained)
 */
public record PretrainConfig(int diffusionSteps, double betaStart, double betaEnd, int iterations, int batchSize,
        float learningRate, boolean cosineDecay, NetworkConfig network, long seed, float emaDecay) {

    public PretrainConfig {
        if (diffusionSteps < 1) {
            throw new IllegalArgumentException("diffusion steps must be positive, got " + diffusionSteps);
        }
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must not be negative, got " + iterations);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + emaDecay);
        }
    }

    /** A configuration without a weight average (manifests written before images had none). */
    public PretrainConfig(int diffusionSteps, double betaStart, double betaEnd, int iterations, int batchSize,
            float learningRate, boolean cosineDecay, NetworkConfig network, long seed) {
        this(diffusionSteps, betaStart, betaEnd, iterations, batchSize, learningRate, cosineDecay, network, seed, 0f);
    }

    public static PretrainConfig defaults() {
        return new PretrainConfig(1000, 1e-4, 0.02, 20_000, 1024, 2e-3f, true, NetworkConfig.defaults(), 0L);
    }

    /**
     * The image defaults: the DDPM UNet ({@link UNetConfig#defaults()}), batch 64, Adam 5e-4 with
     * cosine decay, 20,000 steps, and an EMA of the weights (0.999) to sample with. On 2 CPU cores
     * this is hours of training: run it resumably.
     */
    public static PretrainConfig imageDefaults() {
        return new PretrainConfig(1000, 1e-4, 0.02, 20_000, 64, 5e-4f, true, NetworkConfig.of(UNetConfig.defaults()),
                0L, 0.999f);
    }

    public PretrainConfig withIterations(int n) {
        return new PretrainConfig(diffusionSteps, betaStart, betaEnd, n, batchSize, learningRate, cosineDecay, network,
                seed, emaDecay);
    }

    public PretrainConfig withSeed(long s) {
        return new PretrainConfig(diffusionSteps, betaStart, betaEnd, iterations, batchSize, learningRate, cosineDecay,
                network, s, emaDecay);
    }

    public PretrainConfig withDiffusionSteps(int n) {
        return new PretrainConfig(n, betaStart, betaEnd, iterations, batchSize, learningRate, cosineDecay, network,
                seed, emaDecay);
    }

    public PretrainConfig withBatchSize(int n) {
        return new PretrainConfig(diffusionSteps, betaStart, betaEnd, iterations, n, learningRate, cosineDecay, network,
                seed, emaDecay);
    }

    public PretrainConfig withLearningRate(float lr) {
        return new PretrainConfig(diffusionSteps, betaStart, betaEnd, iterations, batchSize, lr, cosineDecay, network,
                seed, emaDecay);
    }

    public PretrainConfig withNetwork(NetworkConfig n) {
        return new PretrainConfig(diffusionSteps, betaStart, betaEnd, iterations, batchSize, learningRate, cosineDecay,
                n, seed, emaDecay);
    }

    public PretrainConfig withEmaDecay(float decay) {
        return new PretrainConfig(diffusionSteps, betaStart, betaEnd, iterations, batchSize, learningRate, cosineDecay,
                network, seed, decay);
    }

    public NoiseSchedule schedule() {
        return NoiseSchedule.linear(diffusionSteps, betaStart, betaEnd);
    }
}
