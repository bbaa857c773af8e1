package io.dxmi.core.diffusion;

import io.dxmi.core.nn.NetworkConfig;

/**
 * Settings of DDPM pretraining (ε-prediction). Defaults are the configuration that reached the
 * paper's SW on 8 Gaussians (dxmi-method.md §8), except the iteration count, which the
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
 */
public record PretrainConfig(int diffusionSteps, double betaStart, double betaEnd, int iterations, int batchSize,
        float learningRate, boolean cosineDecay, NetworkConfig network, long seed) {

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
    }

    public static PretrainConfig defaults() {
        return new PretrainConfig(1000, 1e-4, 0.02, 20_000, 1024, 2e-3f, true, NetworkConfig.defaults(), 0L);
    }

    public PretrainConfig withIterations(int n) {
        return new PretrainConfig(diffusionSteps, betaStart, betaEnd, n, batchSize, learningRate, cosineDecay, network,
                seed);
    }

    public PretrainConfig withSeed(long s) {
        return new PretrainConfig(diffusionSteps, betaStart, betaEnd, iterations, batchSize, learningRate, cosineDecay,
                network, s);
    }

    public PretrainConfig withDiffusionSteps(int n) {
        return new PretrainConfig(n, betaStart, betaEnd, iterations, batchSize, learningRate, cosineDecay, network,
                seed);
    }

    public NoiseSchedule schedule() {
        return NoiseSchedule.linear(diffusionSteps, betaStart, betaEnd);
    }
}
