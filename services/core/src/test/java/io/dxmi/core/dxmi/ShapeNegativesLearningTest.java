package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.metrics.RocAuc;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What shape negatives teach: trained on corners open to the right, the energy must score their mirror images (the
 * same ink, another layout, never among the negatives: no rotation or roll makes one) above the data, and much more
 * clearly than with the sampler's samples as the only negatives, which differ from the data in texture first.
 */
class ShapeNegativesLearningTest {

    private static final SampleShape SHAPE = SampleShape.image(1, 8, 8);

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    /**
     * Corners at a random offset of up to 2 pixels: a 5-pixel bar along the top and a shorter one below its left end
     * (the data), or below its right end (the mirror image, the anomaly): the same ink, another layout, and one that
     * no rotation, flip or roll of the data makes.
     */
    private static float[] corners(int n, Rng rng, boolean mirrored) {
        float[] x = new float[n * SHAPE.size()];
        for (int i = 0; i < n; i++) {
            int top = rng.nextInt(3);
            int left = rng.nextInt(3);
            for (int k = 0; k < 5; k++) {
                x[i * 64 + top * 8 + left + k] = 0.9f;
            }
            for (int k = 1; k < 4; k++) {
                x[i * 64 + (top + k) * 8 + left + (mirrored ? 4 : 0)] = 0.9f;
            }
        }
        return x;
    }

    /** AUROC of vertical bars (anomalous) against horizontal ones (normal) after training on horizontal bars. */
    private static double verticalAgainstHorizontal(Float shapeWeight) {
        DxmiConfig cfg = DxmiConfig.imageBuilder().optSamplerSteps(3).optBatchSize(16).optPolicyBatch(16)
                .optIterations(80).optEnergyLearningRate(1e-3f)
                .optNetwork(NetworkConfig.of(new ConvEnergyConfig(8, false, 8))).optValueSharing(ValueSharing.SEPARATE)
                .optShapeNegativeWeight(shapeWeight).optSnapshotEvery(1_000_000).optSeed(7).build();
        try (DdpmModel ddpm = TestDdpms.untrainedTinyImages();
                DxmiModel m = DxmiModel.fromPretrained(cfg, ddpm, new Rng(2))) {
            DxmiTrainer t = new DxmiTrainer(m, (n, rng) -> corners(n, rng, false));
            for (int i = 0; i < cfg.iterations(); i++) {
                IterationStats s = t.step();
            }
            float[] normal = m.energy(corners(200, new Rng(11), false));
            float[] anomalous = m.energy(corners(200, new Rng(12), true));
            return RocAuc.auc(anomalous, normal);
        }
    }

    @Test
    void theEnergyScoresAnUnseenLayoutOfTheSameInkAboveTheData() {
        double without = verticalAgainstHorizontal(null);
        double with = verticalAgainstHorizontal(1f);
        // Measured: 0.86 with them, 0.71 without.
        assertTrue(with > 0.8, "with shape negatives: AUROC " + with + " (without: " + without + ")");
        assertTrue(with > without + 0.1, "with " + with + " against without " + without);
    }
}
