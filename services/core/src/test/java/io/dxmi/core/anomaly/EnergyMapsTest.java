package io.dxmi.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.FeatureDensity;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.random.Rng;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gradient map against finite differences, the restoration map's first step against the gradient, and the
 * combined map against values computed by hand and against the two maps it combines.
 */
class EnergyMapsTest {

    private static final SampleShape SHAPE = DefectEvaluationTest.SHAPE;

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    /** Squares lifted into (0.3, 0.7), where small steps never reach the [0, 1] bounds. */
    private static float[] interior(int n) {
        float[] x = DefectEvaluationTest.squares(n, new Rng(4));
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.3f + 0.5f * x[i];
        }
        return x;
    }

    @Test
    void theGradientMapIsTheEnergysSlopeAtEachPixel() {
        float[] x = interior(1);
        try (DxmiModel model = DefectEvaluationTest.tinyModel()) {
            float[] map = EnergyMaps.score(model, x, SHAPE, 12, 12).maps()[0];
            float h = 1e-2f;
            for (int p : new int[] {0, 30, 77, 143}) {
                float[] up = x.clone();
                float[] down = x.clone();
                up[p] += h;
                down[p] -= h;
                double slope = (model.energy(up)[0] - (double) model.energy(down)[0]) / (2 * h);
                assertEquals(Math.abs(slope), map[p], 0.05 * map[p] + 1e-4, "pixel " + p);
            }
        }
    }

    @Test
    void theFirstRestorationStepMovesEachPixelByItsShareOfTheGradient() {
        float[] x = interior(3);
        float step = 0.01f;
        try (DxmiModel model = DefectEvaluationTest.tinyModel()) {
            float[][] gradient = EnergyMaps.score(model, x, SHAPE, 12, 12).maps();
            EnergyMaps.Result first = EnergyMaps.restorationMaps(model, x, SHAPE, 1, step, 12, 12);
            float[][] moved = first.maps();
            float[][] further = EnergyMaps.restorationMaps(model, x, SHAPE, 5, step, 12, 12).maps();
            // The energies are the images' own, before any step.
            assertArrayEquals(model.energy(x), first.energies(), 1e-5f);
            assertArrayEquals(first.energies(), EnergyMaps.restorationMaps(model, x, SHAPE, 5, step, 12, 12)
                    .energies(), 0f);
            for (int i = 0; i < 3; i++) {
                double squares = 0;
                for (float g : gradient[i]) {
                    squares += g * g;
                }
                double rms = Math.sqrt(squares / SHAPE.size());
                double total = 0;
                double totalFurther = 0;
                for (int p = 0; p < SHAPE.size(); p++) {
                    assertEquals(step * gradient[i][p] / rms, moved[i][p], 1e-5, "image " + i + " pixel " + p);
                    total += moved[i][p];
                    totalFurther += further[i][p];
                }
                assertTrue(totalFurther > 2 * total, "five steps " + totalFurther + " against one " + total);
            }
            assertThrows(IllegalArgumentException.class, () -> EnergyMaps.restorationMaps(model, x, SHAPE, 0, step,
                    12, 12));
            assertThrows(IllegalArgumentException.class, () -> EnergyMaps.restorationMaps(model, x, SHAPE, 1, 0f,
                    12, 12));
            assertThrows(IllegalArgumentException.class, () -> EnergyMaps.restorationMaps(model, x,
                    SampleShape.image(1, 10, 10), 1, step, 12, 12));
        }
    }

    @Test
    void theCombinedMapAddsEachMapInUnitsOfItsOwnMean() {
        // Means: gradient 2 and 1, restoration 0.5 and 0 (a map that is zero everywhere adds nothing).
        float[][] gradient = {{0f, 2f, 4f}, {1f, 1f, 1f}};
        float[][] restoration = {{0.5f, 0f, 1f}, {0f, 0f, 0f}};
        float[][] combined = EnergyMaps.combine(gradient, restoration);
        assertArrayEquals(new float[] {1f, 1f, 4f}, combined[0], 1e-6f);
        assertArrayEquals(new float[] {1f, 1f, 1f}, combined[1], 1e-6f);
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> EnergyMaps.combine(new float[2][3], new float[1][3]));
        assertTrue(count.getMessage().contains("2 gradient maps but 1 restoration maps"), count.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> EnergyMaps.combine(new float[][] {new float[3]}, new float[][] {new float[4]}));
        assertTrue(size.getMessage().contains("map 0"), size.getMessage());
    }

    @Test
    void aThirdMapIsAddedInUnitsOfItsOwnMeanToo() {
        float[][] gradient = {{0f, 2f, 4f}};
        float[][] restoration = {{0.5f, 0f, 1f}};
        float[][] reference = {{3f, 0f, 0f}}; // mean 1
        assertArrayEquals(new float[] {4f, 1f, 4f}, EnergyMaps.combine(gradient, restoration, reference)[0], 1e-6f);
        assertArrayEquals(EnergyMaps.combine(gradient, restoration)[0],
                EnergyMaps.combine(gradient, restoration, null)[0], 0f);
        assertArrayEquals(EnergyMaps.combine(gradient, restoration)[0],
                EnergyMaps.combine(gradient, restoration, new float[][] {{0f, 0f, 0f}})[0], 0f);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> EnergyMaps.combine(gradient, restoration, new float[][] {new float[2]}));
        assertTrue(size.getMessage().contains("reference 2"), size.getMessage());
    }

    @Test
    void theGradientAndMeanMapAddsTheTwoInUnitsOfTheirOwnMeans() {
        float[][] gradient = {{0f, 2f, 4f}, {1f, 1f, 1f}};
        float[][] reference = {{3f, 0f, 0f}, {0f, 0f, 0f}}; // means 1 and 0 (a zero map adds nothing)
        float[][] both = EnergyMaps.gradientAndMean(gradient, reference);
        assertArrayEquals(new float[] {3f, 1f, 2f}, both[0], 1e-6f);
        assertArrayEquals(new float[] {1f, 1f, 1f}, both[1], 1e-6f);
        assertSame(gradient, EnergyMaps.gradientAndMean(gradient, null), "no mean image: the gradient maps as they are");
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> EnergyMaps.gradientAndMean(gradient, new float[1][3]));
        assertTrue(count.getMessage().contains("2 gradient maps but 1 reference maps"), count.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> EnergyMaps.gradientAndMean(gradient, new float[][] {new float[3], new float[2]}));
        assertTrue(size.getMessage().contains("map 1: gradient 3 values, reference 2"), size.getMessage());
    }

    @Test
    void theGradientAndMeanMapIsTheGradientMapUntilTheDensityHoldsAMeanImage() {
        float[] normal = DefectEvaluationTest.squares(6, new Rng(8));
        float[] x = interior(2);
        try (DxmiModel model = DefectEvaluationTest.tinyModel()) {
            EnergyMaps.Result gradient = EnergyMaps.score(model, x, SHAPE, 6, 6);
            EnergyMaps.Result without = EnergyMaps.gradientAndMeanMaps(model, x, SHAPE, 6, 6);
            assertArrayEquals(gradient.energies(), without.energies(), 0f);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(gradient.maps()[i], without.maps()[i], 0f, "no density: the gradient map, image " + i);
            }
            model.useFeatureDensity(FeatureDensity.fit(model, normal, 0.01, List.of()), "d");
            EnergyMaps.Result with = EnergyMaps.gradientAndMeanMaps(model, x, SHAPE, 6, 6);
            EnergyMaps.Restoration r = EnergyMaps.restoration(model, x, SHAPE, 1, 0.05f, 6, 6);
            assertArrayEquals(r.energies(), with.energies(), 1e-6f);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(EnergyMaps.gradientAndMean(r.gradient(), r.reference())[i], with.maps()[i], 1e-5f,
                        "image " + i);
                assertArrayEquals(r.gradientAndMean()[i], with.maps()[i], 1e-5f, "image " + i);
                double mean = 0;
                for (float v : with.maps()[i]) {
                    mean += v / 36.0;
                }
                assertEquals(2.0, mean, 1e-4, "two maps, each of mean 1, image " + i);
            }
            assertThrows(IllegalArgumentException.class, () -> EnergyMaps.gradientAndMeanMaps(model, x,
                    SampleShape.image(1, 10, 10), 6, 6));
        }
    }

    @Test
    void withADensityThatHoldsTheMeanNormalImageTheCombinedMapAddsTheImagesDifferenceFromIt() {
        float[] normal = DefectEvaluationTest.squares(6, new Rng(8));
        float[] x = interior(2);
        try (DxmiModel model = DefectEvaluationTest.tinyModel()) {
            EnergyMaps.Restoration without = EnergyMaps.restoration(model, x, SHAPE, 3, 0.05f, 6, 6);
            assertEquals(null, without.reference());
            FeatureDensity density = FeatureDensity.fit(model, normal, 0.01, List.of());
            model.useFeatureDensity(density, "d");
            float[] mean = density.meanImage();
            int d = SHAPE.size();
            for (int p = 0; p < d; p++) {
                double m = 0;
                for (int i = 0; i < 6; i++) {
                    m += normal[i * d + p] / 6.0;
                }
                assertEquals(m, mean[p], 1e-6, "the mean image at " + p);
            }
            EnergyMaps.Restoration with = EnergyMaps.restoration(model, x, SHAPE, 3, 0.05f, 6, 6);
            for (int i = 0; i < 2; i++) {
                // |x − mean| area-averaged onto 6 × 6 (2 × 2 blocks of the 12 × 12 image).
                float[] expected = new float[36];
                for (int p = 0; p < d; p++) {
                    expected[(p / 12 / 2) * 6 + (p % 12) / 2] += Math.abs(x[i * d + p] - mean[p]) / 4f;
                }
                assertArrayEquals(expected, with.reference()[i], 1e-5f, "reference, image " + i);
                float[] combined = EnergyMaps.combinedMaps(model, x, SHAPE, 3, 0.05f, 6, 6).maps()[i];
                assertArrayEquals(EnergyMaps.combine(with.gradient(), with.restoration(), with.reference())[i],
                        combined, 1e-5f, "combined, image " + i);
                double sum = 0;
                for (float v : combined) {
                    sum += v / 36.0;
                }
                assertEquals(3.0, sum, 1e-4, "three maps, each of mean 1, image " + i);
            }
        }
    }

    @Test
    void theCombinedMapIsTheGradientAndRestorationMapsOfTheSameImages() {
        float[] x = interior(3);
        try (DxmiModel model = DefectEvaluationTest.tinyModel()) {
            EnergyMaps.Result combined = EnergyMaps.combinedMaps(model, x, SHAPE, 4, 0.05f, 6, 6);
            float[][] expected = EnergyMaps.combine(EnergyMaps.score(model, x, SHAPE, 6, 6).maps(),
                    EnergyMaps.restorationMaps(model, x, SHAPE, 4, 0.05f, 6, 6).maps());
            assertArrayEquals(model.energy(x), combined.energies(), 1e-5f);
            for (int i = 0; i < 3; i++) {
                assertEquals(36, combined.maps()[i].length);
                assertArrayEquals(expected[i], combined.maps()[i], 1e-4f, "image " + i);
                double mean = 0;
                for (float v : combined.maps()[i]) {
                    mean += v / 36.0;
                }
                // Each map's mean counts 1 (the tiny energy moves every image, so neither map is all zero).
                assertEquals(2.0, mean, 1e-4, "image " + i);
            }
        }
    }

    @Test
    void oneRestorationGivesTheGradientRestorationAndCombinedMapsOfTheSeparateCalls() {
        float[] x = interior(2);
        try (DxmiModel model = DefectEvaluationTest.tinyModel()) {
            EnergyMaps.Restoration all = EnergyMaps.restoration(model, x, SHAPE, 3, 0.05f, 6, 6);
            EnergyMaps.Result gradient = EnergyMaps.score(model, x, SHAPE, 6, 6);
            float[][] restoration = EnergyMaps.restorationMaps(model, x, SHAPE, 3, 0.05f, 6, 6).maps();
            float[][] combined = EnergyMaps.combinedMaps(model, x, SHAPE, 3, 0.05f, 6, 6).maps();
            assertArrayEquals(gradient.energies(), all.energies(), 1e-6f);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(gradient.maps()[i], all.gradient()[i], 1e-6f, "gradient, image " + i);
                assertArrayEquals(restoration[i], all.restoration()[i], 1e-6f, "restoration, image " + i);
                assertArrayEquals(combined[i], all.combined()[i], 1e-6f, "combined, image " + i);
            }
        }
    }
}
