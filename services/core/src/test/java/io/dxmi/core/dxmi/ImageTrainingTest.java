package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DxMI on tiny images (1×8×8): the trainer's phases work on (n, C, H, W) tensors with a UNet
 * sampler and convolutional energy/value networks, every loss is finite, and a run stopped and
 * continued from its saved state is bit-identical to one that never stopped.
 */
class ImageTrainingTest {

    private static final SampleShape SHAPE = SampleShape.image(1, 8, 8);

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    /** Bright bars in random rows: pixels in [0, 1]. */
    static float[] bars(int n, Rng rng) {
        float[] x = new float[n * SHAPE.size()];
        for (int i = 0; i < n; i++) {
            int row = rng.nextInt(8);
            for (int c = 0; c < 8; c++) {
                x[i * 64 + row * 8 + c] = 0.9f;
            }
        }
        return x;
    }

    private static DxmiConfig config(ValueSharing sharing) {
        return DxmiConfig.imageBuilder().optSamplerSteps(3).optBatchSize(6).optPolicyBatch(6).optIterations(20)
                .optNetwork(NetworkConfig.of(new ConvEnergyConfig(8, false, 8))).optValueSharing(sharing)
                .optSamplerLearningRate(1e-3f).optSnapshotEvery(1_000_000).optSeed(7).build();
    }

    private static DxmiModel model(DxmiConfig cfg) {
        try (DdpmModel ddpm = TestDdpms.untrainedTinyImages()) {
            return DxmiModel.fromPretrained(cfg, ddpm, new Rng(2));
        }
    }

    @ParameterizedTest
    @EnumSource(ValueSharing.class)
    void iterationsLeaveNoTensorsInTheModelsManager(ValueSharing sharing) {
        // The UNet and the convolutional energy once left views and padded copies of their parameters in the
        // model's manager on every call: memory that grew with every iteration of a long image run.
        try (DxmiModel m = model(config(sharing))) {
            DxmiTrainer t = new DxmiTrainer(m, ImageTrainingTest::bars);
            t.step();
            int before = m.manager().getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                t.step();
            }
            assertEquals(before, m.manager().getManagedArrays().size(), "tensors left in the model's manager");
        }
    }

    @ParameterizedTest
    @EnumSource(ValueSharing.class)
    void twoRunsFromTheSameSeedAreIdentical(ValueSharing sharing) {
        DxmiConfig cfg = config(sharing);
        LinkedHashMap<String, float[]> a;
        try (DxmiModel m = model(cfg)) {
            DxmiTrainer t = new DxmiTrainer(m, ImageTrainingTest::bars);
            for (int i = 0; i < 2; i++) {
                t.step();
            }
            a = m.weights();
        }
        try (DxmiModel m = model(cfg)) {
            DxmiTrainer t = new DxmiTrainer(m, ImageTrainingTest::bars);
            for (int i = 0; i < 2; i++) {
                t.step();
            }
            for (Map.Entry<String, float[]> e : a.entrySet()) {
                assertArrayEquals(e.getValue(), m.weights().get(e.getKey()), e.getKey());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ValueSharing.class)
    void iterationsOnImagesAreFiniteAndResumeExactly(ValueSharing sharing) {
        DxmiConfig cfg = config(sharing);
        LinkedHashMap<String, float[]> straight;
        TrainingState at3;
        try (DxmiModel m = model(cfg)) {
            assertEquals(SHAPE, m.shape());
            DxmiTrainer t = new DxmiTrainer(m, ImageTrainingTest::bars);
            for (int i = 0; i < 3; i++) {
                IterationStats s = t.step();
                assertTrue(Double.isFinite(s.energyLoss()) && Double.isFinite(s.valueLoss())
                        && Double.isFinite(s.policyLoss()), "finite losses at " + i);
            }
            at3 = t.captureState();
            for (int i = 0; i < 3; i++) {
                t.step();
            }
            straight = m.weights();
            float[] samples = m.sample(5, new Rng(3));
            assertEquals(5 * 64, samples.length);
            assertEquals(5, m.energy(bars(5, new Rng(4))).length);
        }
        try (DxmiModel m = model(cfg)) {
            DxmiTrainer t = new DxmiTrainer(m, ImageTrainingTest::bars);
            t.restoreState(at3);
            for (int i = 0; i < 3; i++) {
                t.step();
            }
            for (Map.Entry<String, float[]> e : straight.entrySet()) {
                assertArrayEquals(e.getValue(), m.weights().get(e.getKey()), e.getKey());
            }
        }
    }
}
