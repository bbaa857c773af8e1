package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.DdpmPretrainer;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.metrics.FrechetDistance;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

/**
 * DxMI repairs a few-step image sampler: on 8×8 images of one bright bar, a DDPM briefly pretrained
 * and cut to T = 3 steps draws blurred images; after DxMI fine-tuning its samples are much closer
 * to the data, by the Fréchet distance on the pixels. Fixed seeds.
 */
class ImageLearningTest {

    private static final SampleShape SHAPE = SampleShape.image(1, 8, 8);

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    private static double pixelFd(float[] samples, Rng rng) {
        return FrechetDistance.between(samples, ImageTrainingTest.bars(samples.length / SHAPE.size(), rng),
                SHAPE.size());
    }

    @Test
    void dxmiBringsAThreeStepSamplerCloserToTheData() throws IOException {
        PretrainConfig pre = new PretrainConfig(1000, 1e-4, 0.02, 600, 64, 2e-3f, true,
                NetworkConfig.of(new UNetConfig(16, new int[] {1, 2}, 1, true, 4)), 0L);
        // The image defaults at this scale: a shared time-independent energy, the sigmoid time cost, quadratic
        // steps; a sampler rate of 1e-5 (1e-4 overshoots on this tiny problem), 1,000 iterations (150 were too few:
        // the FD then rose on two seeds of three).
        DxmiConfig cfg = DxmiConfig.imageBuilder().optSamplerSteps(3).optBatchSize(32).optPolicyBatch(32)
                .optIterations(1000).optNetwork(NetworkConfig.of(new ConvEnergyConfig(8, false, 8)))
                .optSamplerLearningRate(1e-5f).optValueLearningRate(1e-3f).optEnergyLearningRate(1e-3f)
                .optSigmaLearningRate(1e-3f).optSeed(5).build();
        try (DdpmModel ddpm = new DdpmPretrainer(pre, (a, b, c, d) -> { }, null, 0).train(SHAPE,
                Normalization.pixels(SHAPE.size()), ImageTrainingTest::bars, null);
                DxmiModel model = DxmiModel.fromPretrained(cfg, ddpm, new Rng(6))) {
            double before = pixelFd(model.sample(2000, new Rng(7)), new Rng(8));
            DxmiTrainer trainer = new DxmiTrainer(model, ImageTrainingTest::bars);
            for (int i = 0; i < cfg.iterations(); i++) {
                trainer.step();
            }
            double after = pixelFd(model.sample(2000, new Rng(7)), new Rng(8));
            System.out.printf("pixel FD of the 3-step sampler: derived %.4f, after DxMI %.4f%n", before, after);
            // Measured with seeds 0, 1, 2 of this setting: 1.63 -> 1.03, 2.08 -> 1.76, 4.39 -> 1.38.
            assertTrue(after < 0.8 * before, "DxMI should bring the FD well below the derived sampler's: "
                    + before + " -> " + after);
        }
    }
}
