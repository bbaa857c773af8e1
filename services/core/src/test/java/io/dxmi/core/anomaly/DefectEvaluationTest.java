package io.dxmi.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;
import io.dxmi.core.random.Rng;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The defect evaluation's plumbing on a tiny image model: every kind, the asked count, reproducible. */
class DefectEvaluationTest {

    static final SampleShape SHAPE = SampleShape.image(1, 12, 12);

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    static DxmiModel tinyModel() {
        DxmiConfig cfg = DxmiConfig.imageBuilder().optSamplerSteps(2)
                .optNetwork(NetworkConfig.of(new ConvEnergyConfig(4, false, 8))).build();
        PretrainConfig sampler = new PretrainConfig(100, 1e-4, 0.02, 0, 8, 1e-3f, true,
                NetworkConfig.of(new UNetConfig(8, new int[] {1}, 1, false, 4)), 0L);
        return DxmiModel.untrained(cfg, sampler, SHAPE, Normalization.pixels(SHAPE.size()), new Rng(1));
    }

    /** Bright squares of random size and place on black. */
    static float[] squares(int n, Rng rng) {
        float[] x = new float[n * SHAPE.size()];
        for (int i = 0; i < n; i++) {
            int s = 4 + rng.nextInt(5);
            int y0 = rng.nextInt(12 - s + 1);
            int x0 = rng.nextInt(12 - s + 1);
            for (int y = y0; y < y0 + s; y++) {
                for (int c = x0; c < x0 + s; c++) {
                    x[i * SHAPE.size() + y * 12 + c] = 0.7f;
                }
            }
        }
        return x;
    }

    @Test
    void everyKindIsScoredReproducibly() {
        float[] normal = squares(40, new Rng(2));
        try (DxmiModel model = tinyModel()) {
            List<DefectEvaluation.KindResult> a = DefectEvaluation.evaluate(model, normal, 20, 9, null);
            List<DefectEvaluation.KindResult> b = DefectEvaluation.evaluate(model, normal, 20, 9, null);
            assertEquals(SyntheticDefects.Kind.values().length, a.size());
            for (int i = 0; i < a.size(); i++) {
                DefectEvaluation.KindResult r = a.get(i);
                assertEquals(SyntheticDefects.Kind.values()[i], r.kind());
                assertEquals(20, r.images());
                assertTrue(r.meanArea() >= new SyntheticDefects(SHAPE).minArea(), "mean area " + r.meanArea());
                assertTrue(r.pixelAuroc() >= 0 && r.pixelAuroc() <= 1, "pixel AUROC " + r.pixelAuroc());
                assertTrue(r.imageAuroc() >= 0 && r.imageAuroc() <= 1, "image AUROC " + r.imageAuroc());
                assertNull(r.referencePixelAuroc(), "no training images, no reference");
                assertTrue(r.combinedPixelAuroc() >= 0 && r.combinedPixelAuroc() <= 1,
                        "combined pixel AUROC " + r.combinedPixelAuroc());
                assertTrue(r.restorationPixelAuroc() >= 0 && r.restorationPixelAuroc() <= 1,
                        "restoration pixel AUROC " + r.restorationPixelAuroc());
                assertEquals(r.pixelAuroc(), r.gradientMeanPixelAuroc(), 0.0,
                        "no feature density, no mean image: the gradient map alone");
                assertEquals(r, b.get(i), "same seed, same result");
            }
        }
    }

    @Test
    void theMeanImageReferenceIsScoredOnTheSameDefects() {
        float[] normal = squares(40, new Rng(2));
        float[] train = squares(400, new Rng(3));
        try (DxmiModel model = tinyModel()) {
            List<DefectEvaluation.KindResult> without = DefectEvaluation.evaluate(model, normal, 20, 9, null);
            List<DefectEvaluation.KindResult> with = DefectEvaluation.evaluate(model, normal, 20, 9, train);
            for (int i = 0; i < with.size(); i++) {
                DefectEvaluation.KindResult r = with.get(i);
                // The reference does not change what the model is measured on.
                assertEquals(without.get(i).pixelAuroc(), r.pixelAuroc(), 0.0);
                assertTrue(r.referencePixelAuroc() > 0.5, r.kind() + ": reference " + r.referencePixelAuroc());
                assertEquals(without.get(i).restorationPixelAuroc(), r.restorationPixelAuroc(), 0.0);
                assertEquals(without.get(i).combinedPixelAuroc(), r.combinedPixelAuroc(), 0.0);
            }
        }
    }
}
