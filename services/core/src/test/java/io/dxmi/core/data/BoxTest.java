package io.dxmi.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

class BoxTest {

    @Test
    void widenedMovesEachSideByFractionOfWidth() {
        Box b = new Box(new double[] {0, -1}, new double[] {10, 1}).widened(0.1);
        assertArrayEquals(new double[] {-1, -1.2}, b.lo(), 1e-12);
        assertArrayEquals(new double[] {11, 1.2}, b.hi(), 1e-12);
    }

    @Test
    void describeCubeAndMixedBox() {
        assertEquals("[-4, 4]^2", Box.cube(2, -4, 4).describe());
        assertEquals("[0, 1.5] x [-2, 3]", new Box(new double[] {0, -2}, new double[] {1.5, 3}).describe());
    }

    @Test
    void sampleUniformStaysInsideAndCoversTheBox() {
        Box box = new Box(new double[] {-1, 2, 10}, new double[] {1, 3, 10.5});
        float[] pts = box.sampleUniform(5000, new Rng(1));
        assertEquals(15_000, pts.length);
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < 5000; i++) {
            assertTrue(box.contains(pts, i), "point " + i);
            for (int j = 0; j < 3; j++) {
                min[j] = Math.min(min[j], pts[3 * i + j]);
                max[j] = Math.max(max[j], pts[3 * i + j]);
            }
        }
        // Covers nearly the whole box, not a corner of it.
        assertEquals(-1, min[0], 0.01);
        assertEquals(1, max[0], 0.01);
        assertEquals(10.5, max[2], 0.01);
        assertArrayEquals(pts, box.sampleUniform(5000, new Rng(1)));
    }

    @Test
    void boundingBoxOfRows() {
        Box b = Box.boundingBox(new float[] {1, 5, -2, 7, 0, 6}, 2);
        assertArrayEquals(new double[] {-2, 5}, b.lo());
        assertArrayEquals(new double[] {1, 7}, b.hi());
    }

    @Test
    void rejectsInvalidBounds() {
        assertThrows(IllegalArgumentException.class, () -> new Box(new double[] {0}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> new Box(new double[] {1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> new Box(new double[] {0}, new double[] {Double.POSITIVE_INFINITY}));
    }
}
