package io.dxmi.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.random.Rng;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToyDatasetsTest {

    @Test
    void namesInFixedOrder() {
        assertEquals(List.of("8gaussians", "25gaussians", "2spirals", "checkerboard", "rings"), ToyDatasets.names());
    }

    @Test
    void everySetIsDeterministicForASeed() {
        for (String name : ToyDatasets.names()) {
            DataSource d = ToyDatasets.byName(name);
            assertEquals(name, d.name());
            assertEquals(2, d.dimension());
            float[] a = d.sample(1000, new Rng(7));
            assertEquals(2000, a.length);
            assertArrayEquals(a, d.sample(1000, new Rng(7)), name);
            assertFalse(Arrays.equals(a, d.sample(1000, new Rng(8))), name);
        }
    }

    @Test
    void everySetLiesMostlyInsideTheEvaluationBox() {
        for (String name : ToyDatasets.names()) {
            DataSource d = ToyDatasets.byName(name);
            assertEquals(Box.cube(2, -4, 4), d.evaluationBox());
            int n = 20_000;
            float[] pts = d.sample(n, new Rng(3));
            int inside = 0;
            for (int i = 0; i < n; i++) {
                inside += d.evaluationBox().contains(pts, i) ? 1 : 0;
            }
            assertTrue(inside >= 0.99 * n, name + ": " + inside + " of " + n + " inside");
        }
    }

    @Test
    void eightGaussiansRadiusAndBalancedModes() {
        int n = 80_000;
        float[] pts = ToyDatasets.byName("8gaussians").sample(n, new Rng(11));
        double radiusSum = 0;
        int[] perMode = new int[8];
        for (int i = 0; i < n; i++) {
            double x = pts[2 * i];
            double y = pts[2 * i + 1];
            radiusSum += Math.hypot(x, y);
            // Nearest centre: modes sit at angles k*pi/4.
            int k = (int) Math.floorMod(Math.round(Math.atan2(y, x) / (Math.PI / 4)), 8L);
            perMode[k]++;
        }
        assertEquals(4 / 1.414, radiusSum / n, 0.05);
        for (int k = 0; k < 8; k++) {
            assertEquals(n / 8.0, perMode[k], 0.05 * n / 8.0, "mode " + k + ": " + Arrays.toString(perMode));
        }
    }

    @Test
    void checkerboardOccupiesOnlyAlternateSquares() {
        float[] pts = ToyDatasets.byName("checkerboard").sample(10_000, new Rng(5));
        for (int i = 0; i < 10_000; i++) {
            // Squares of side 2 on [-4, 4]^2; occupied ones have an even sum of indices.
            int cx = (int) Math.floor(pts[2 * i] / 2);
            int cy = (int) Math.floor(pts[2 * i + 1] / 2);
            assertEquals(0, Math.floorMod(cx + cy, 2), "point " + pts[2 * i] + ", " + pts[2 * i + 1]);
        }
    }

    @Test
    void describesBoxesAndHashesDiffer() {
        assertEquals("[-4, 4]^2 as in the paper", ToyDatasets.byName("8gaussians").evaluationBoxDescription());
        assertEquals("[-4, 4]^2", ToyDatasets.byName("rings").evaluationBoxDescription());
        assertEquals(ToyDatasets.byName("rings").contentHash(), ToyDatasets.byName("rings").contentHash());
        assertFalse(ToyDatasets.byName("rings").contentHash().equals(ToyDatasets.byName("2spirals").contentHash()));
        assertEquals(64, ToyDatasets.byName("rings").contentHash().length());
    }

    @Test
    void unknownNameListsTheBuiltIns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToyDatasets.byName("moons"));
        assertEquals("unknown data set 'moons'; built-in data sets: 8gaussians, 25gaussians, 2spirals, "
                + "checkerboard, rings (or give a path to a .csv file)", e.getMessage());
    }
}
