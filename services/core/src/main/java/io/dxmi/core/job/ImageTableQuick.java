package io.dxmi.core.job;

import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;

/**
 * What {@code image-table --quick} runs: small images, a small DDPM, short DxMI rows, and the settings
 * that made those rows show the paper's pattern on both data sets (each with why).
 */
public final class ImageTableQuick {

    /** From this T on, --quick's DxMI rows gate the policy (see {@link #quickConfig(int)}). */
    public static final int QUICK_GATED_STEPS = 10;
    /** --quick's running-cost weight τ₂ of the gated rows. */
    public static final float QUICK_GATED_TAU_VELOCITY = 0.3f;
    /** --quick's energy and value learning rate (one shared network): 5e-4, five times the image default. */
    public static final float QUICK_VALUE_LEARNING_RATE = 5e-4f;
    /** --quick's image size: 8 × 8 (area-averaged), so that every row trains and samples within minutes. */
    public static final int QUICK_IMAGE_SIZE = 8;

    private ImageTableQuick() {}

    /**
     * --quick's DDPM: a two-level UNet of base width 16 (about 0.1 M parameters), 1,500 steps of batch 64 with Adam
     * 1e-3, and a shorter weight average (0.995) than the full run's, which would still remember the first
     * steps after so few.
     */
    public static PretrainConfig quickPretrain() {
        return new PretrainConfig(1000, 1e-4, 0.02, 1500, 64, 1e-3f, true,
                NetworkConfig.of(new UNetConfig(16, new int[] {1, 2}, 1, true, 4)), 0L, 0.995f);
    }

    /**
     * --quick's DxMI: the image settings (τ₁ = 0.1, τ₂ = 0.01, sigmoid time cost, last σ fixed, shared energy and
     * value, sampler rate 1e-6) with an energy of width 16, batch 32, 400 iterations and the energy (and value)
     * five times faster than the image default, {@link #QUICK_VALUE_LEARNING_RATE}. A sampler rate of 1e-5
     * collapsed the sampler onto few modes within 400 iterations (FD up 1.5-12x, recall 0.65 to 0.15-0.19). With
     * the default energy rate 1e-4 the energy fell behind the sampler on 8 × 8 MNIST, which drifted towards the
     * images that stale energy scored low (precision up, recall down) and ended worse than it started at both T;
     * at 5e-4 both T end below the start on MNIST and Fashion-MNIST alike (README, the image table).
     */
    public static DxmiConfig quickConfig() {
        return DxmiConfig.imageBuilder().optBatchSize(32).optPolicyBatch(32).optIterations(400)
                .optValueLearningRate(QUICK_VALUE_LEARNING_RATE).optEnergyLearningRate(QUICK_VALUE_LEARNING_RATE)
                .optNetwork(NetworkConfig.of(new ConvEnergyConfig(16, false, ConvEnergyConfig.defaults().embeddingDim())))
                .build();
    }

    /**
     * --quick's DxMI at T steps: {@link #quickConfig()}, and from {@link #QUICK_GATED_STEPS} steps on the policy gate
     * (margin 0) with the running cost's weight τ₂ = 0.3. At 8 × 8 the derived 10-step sampler is already within
     * about 1.5× of the 1000-step DDPM, and with the plain settings the sampler drifts away from it towards
     * images the energy scores below the data (FD 1.4× the start's); the gate and τ₂ = 0.3 ended below the start
     * on both seeds tried. At T = 4, where the sampler must move far, the same pair held it back (FD 2× worse), so
     * the short rows keep the plain settings.
     */
    public static DxmiConfig quickConfig(int steps) {
        return withQuickGate(quickConfig().toBuilder().optSamplerSteps(steps).build());
    }

    /** {@code c}, gated as --quick's rows of {@link #QUICK_GATED_STEPS} steps or more are (see {@link #quickConfig(int)}). */
    static DxmiConfig withQuickGate(DxmiConfig c) {
        return c.samplerSteps() < QUICK_GATED_STEPS ? c
                : c.toBuilder().optPolicyGate(0f).optTaus(c.tauEntropy(), QUICK_GATED_TAU_VELOCITY).build();
    }
}
