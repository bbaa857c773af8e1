package io.dxmi.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.random.Rng;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The combined map against values computed by hand, and the scales measured on a tiny model. */
class MapScalesTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    @Test
    void eachMapCountsInUnitsOfItsMeanAndTheRestorationMapThrice() {
        MapScales scales = new MapScales(2.0, 0.5);
        float[][] gradient = {{0f, 2f, 4f}, {1f, 1f, 1f}};
        float[][] restoration = {{0.5f, 0f, 1f}, {0.25f, 0f, 0f}};
        float[][] combined = scales.combine(gradient, restoration);
        // gradient / 2 + 3 × restoration / 0.5
        assertArrayEquals(new float[] {3f, 1f, 8f}, combined[0], 1e-6f);
        assertArrayEquals(new float[] {2f, 0.5f, 0.5f}, combined[1], 1e-6f);
        assertEquals(3f, MapScales.RESTORATION_WEIGHT);
    }

    @Test
    void mapsThatDoNotMatchAreRefused() {
        MapScales scales = new MapScales(1, 1);
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> scales.combine(new float[2][3], new float[1][3]));
        assertTrue(count.getMessage().contains("2 gradient maps but 1 restoration maps"), count.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> scales.combine(new float[][] {new float[3]}, new float[][] {new float[4]}));
        assertTrue(size.getMessage().contains("map 0"), size.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MapScales(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new MapScales(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new MapScales(Double.POSITIVE_INFINITY, 1));
    }

    @Test
    void theScalesAreTheMapsMeansOverTheFirstNormalImages() {
        float[] normal = DefectEvaluationTest.squares(MapScales.IMAGES + 16, new Rng(2));
        int size = DefectEvaluationTest.SHAPE.size();
        try (DxmiModel model = DefectEvaluationTest.tinyModel()) {
            MapScales scales = MapScales.of(model, normal, DefectEvaluationTest.SHAPE);
            float[] first = Arrays.copyOf(normal, MapScales.IMAGES * size);
            float[][] g = EnergyMaps.score(model, first, DefectEvaluationTest.SHAPE, 12, 12).maps();
            float[][] r = EnergyMaps.restorationMaps(model, first, DefectEvaluationTest.SHAPE,
                    EnergyMaps.RESTORATION_STEPS, EnergyMaps.RESTORATION_STEP_SIZE, 12, 12).maps();
            assertEquals(mean(g), scales.gradientMean(), 1e-6 * scales.gradientMean());
            assertEquals(mean(r), scales.restorationMean(), 1e-6 * scales.restorationMean());
            // The images past the first IMAGES are not read: other ones there change nothing.
            float[] other = normal.clone();
            Arrays.fill(other, MapScales.IMAGES * size, other.length, 1f);
            assertEquals(scales, MapScales.of(model, other, DefectEvaluationTest.SHAPE));
            assertThrows(IllegalArgumentException.class, () -> MapScales.of(model, new float[0],
                    DefectEvaluationTest.SHAPE));
        }
    }

    private static double mean(float[][] maps) {
        double s = 0;
        int n = 0;
        for (float[] m : maps) {
            for (float v : m) {
                s += v;
            }
            n += m.length;
        }
        return s / n;
    }
}
