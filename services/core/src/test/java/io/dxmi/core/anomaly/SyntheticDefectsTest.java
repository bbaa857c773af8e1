package io.dxmi.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.random.Rng;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The defect generator's masks and the pixel AUROC, on constructed cases with known answers. */
class SyntheticDefectsTest {

    private static final SampleShape SHAPE = SampleShape.image(1, 28, 28);

    /** A bright "garment" (rows 4-23, columns 8-19, intensity 0.8) on a black background, like Fashion-MNIST. */
    static float[] garment() {
        float[] x = new float[SHAPE.size()];
        for (int y = 4; y < 24; y++) {
            for (int c = 8; c < 20; c++) {
                x[y * 28 + c] = 0.8f;
            }
        }
        return x;
    }

    @Test
    void pixelAurocCountsOrderedPairsByHand() {
        // Positives {0.9, 0.5}; negatives {0.1, 0.4, 0.2, 0.3, 0.6, 0.0}: 0.9 beats all 6, 0.5 beats 5 → 11/12.
        List<boolean[]> masks = List.of(new boolean[] {true, false, false, false},
                new boolean[] {false, true, false, false});
        List<float[]> maps = List.of(new float[] {0.9f, 0.1f, 0.4f, 0.2f}, new float[] {0.3f, 0.5f, 0.6f, 0.0f});
        assertEquals(11.0 / 12.0, DefectEvaluation.pixelAuroc(masks, maps), 1e-12);
        // A tie between a positive and a negative counts one half: positive 0.5 vs negatives {0.5, 0.1} → 1.5/2.
        assertEquals(0.75, DefectEvaluation.pixelAuroc(List.of(new boolean[] {true, false, false}),
                List.of(new float[] {0.5f, 0.5f, 0.1f})), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> DefectEvaluation.pixelAuroc(
                List.of(new boolean[] {true, false}), List.of(new float[] {1f, 2f, 3f})));
    }

    @ParameterizedTest
    @EnumSource(SyntheticDefects.Kind.class)
    void theMaskIsExactlyWhatChangedAndNothingElseMoved(SyntheticDefects.Kind kind) {
        SyntheticDefects gen = new SyntheticDefects(SHAPE);
        float[] clean = garment();
        Rng rng = new Rng(11);
        for (int trial = 0; trial < 20; trial++) {
            SyntheticDefects.Defect d = gen.paste(kind, clean, 0, rng);
            assertNotNull(d, kind + " always fits on the garment");
            assertTrue(d.area() >= gen.minArea(), "visible: " + d.area());
            for (int p = 0; p < SHAPE.size(); p++) {
                float change = Math.abs(d.image()[p] - clean[p]);
                assertTrue(d.image()[p] >= 0 && d.image()[p] <= 1);
                if (d.mask()[p]) {
                    assertTrue(change >= SyntheticDefects.MIN_CHANGE, "a masked pixel changed visibly");
                } else {
                    assertTrue(change < SyntheticDefects.MIN_CHANGE, "an unmasked pixel at most moved a little");
                }
            }
            if (kind == SyntheticDefects.Kind.MISSING) {
                for (int p = 0; p < SHAPE.size(); p++) {
                    if (d.mask()[p]) {
                        assertEquals(0.8f, clean[p], "only the object goes missing");
                        assertEquals(0f, d.image()[p], "painted with the background");
                    }
                }
            }
        }
        assertArrayEquals(clean, garment(), "the source image is not touched");
    }

    @ParameterizedTest
    @EnumSource(SyntheticDefects.Kind.class)
    void theOracleMapLocalisesPerfectlyAndNoiseDoesNot(SyntheticDefects.Kind kind) {
        SyntheticDefects gen = new SyntheticDefects(SHAPE);
        Rng rng = new Rng(3);
        List<boolean[]> masks = new ArrayList<>();
        List<float[]> oracle = new ArrayList<>();
        List<float[]> noise = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            float[] clean = garment();
            SyntheticDefects.Defect d = gen.paste(kind, clean, 0, rng);
            float[] diff = new float[SHAPE.size()];
            for (int p = 0; p < diff.length; p++) {
                diff[p] = Math.abs(d.image()[p] - clean[p]);
            }
            masks.add(d.mask());
            oracle.add(diff);
            noise.add(rng.uniforms(SHAPE.size(), 0, 1));
        }
        assertEquals(1.0, DefectEvaluation.pixelAuroc(masks, oracle), 1e-12);
        assertEquals(0.5, DefectEvaluation.pixelAuroc(masks, noise), 0.05);
    }

    @Test
    void aFixedSeedGivesTheSameDefects() {
        SyntheticDefects gen = new SyntheticDefects(SHAPE);
        for (SyntheticDefects.Kind kind : SyntheticDefects.Kind.values()) {
            SyntheticDefects.Defect a = gen.paste(kind, garment(), 0, new Rng(5));
            SyntheticDefects.Defect b = gen.paste(kind, garment(), 0, new Rng(5));
            assertArrayEquals(a.image(), b.image());
            assertArrayEquals(a.mask(), b.mask());
        }
    }

    @Test
    void anImageWithNothingToCutTakesNoMissingRegion() {
        SyntheticDefects gen = new SyntheticDefects(SHAPE);
        float[] black = new float[SHAPE.size()];
        assertNull(gen.paste(SyntheticDefects.Kind.MISSING, black, 0, new Rng(1)));
        assertNotNull(gen.paste(SyntheticDefects.Kind.SCRATCH, black, 0, new Rng(1)), "a scratch shows on black");
        assertThrows(IllegalArgumentException.class, () -> new SyntheticDefects(SampleShape.vector(784)));
    }
}
