package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

/** Shape negatives: each transformation against a hand-written image, and what a batch of them keeps. */
class ShapeNegativesTest {

    // 1 channel, 2 × 3 and 3 × 3 test images:  a b c / d e f (/ g h i)
    private static final float[] WIDE = {1, 2, 3, 4, 5, 6};
    private static final float[] SQUARE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static float[] apply(SampleShape shape, float[] image, int kind) {
        float[] out = new float[image.length];
        new ShapeNegatives(shape).transform(image, 0, out, 0, kind);
        return out;
    }

    @Test
    void eachTransformationMovesThePixelsWhereItSays() {
        SampleShape wide = SampleShape.image(1, 2, 3);
        // roll by half the height (1) and half the width (1): row y takes row (y + 1) % 2, column x takes (x + 1) % 3
        assertArrayEquals(new float[] {5, 6, 4, 2, 3, 1}, apply(wide, WIDE, 0));
        assertArrayEquals(new float[] {4, 5, 6, 1, 2, 3}, apply(wide, WIDE, 1), "upside down");
        assertArrayEquals(new float[] {6, 5, 4, 3, 2, 1}, apply(wide, WIDE, 2), "rotated by 180°");
        SampleShape square = SampleShape.image(1, 3, 3);
        // 90° anticlockwise: the right column becomes the top row
        assertArrayEquals(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, apply(square, SQUARE, 3));
        // 270° anticlockwise (90° clockwise): the left column, read upwards, becomes the top row
        assertArrayEquals(new float[] {7, 4, 1, 8, 5, 2, 9, 6, 3}, apply(square, SQUARE, 4));
    }

    @Test
    void channelsMoveTogether() {
        SampleShape rgb = SampleShape.image(2, 2, 3);
        float[] image = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};
        assertArrayEquals(new float[] {6, 5, 4, 3, 2, 1, 60, 50, 40, 30, 20, 10}, apply(rgb, image, 2));
    }

    /** n copies of the image, the first pixel of copy i raised by i × step (0: identical copies). */
    private static float[] copies(float[] image, int n, float step) {
        float[] batch = new float[n * image.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(image, 0, batch, i * image.length, image.length);
            batch[i * image.length] += i * step;
        }
        return batch;
    }

    @Test
    void aBatchKeepsEveryImagesPixelsAndUsesEveryTransformation() {
        SampleShape square = SampleShape.image(1, 3, 3);
        int n = 200;
        float[] batch = copies(SQUARE, n, 100); // the first pixel tells the images apart
        float[] out = new ShapeNegatives(square).from(batch, n, new Rng(3));
        boolean[] seen = new boolean[5];
        for (int i = 0; i < n; i++) {
            float[] in = Arrays.copyOfRange(batch, i * 9, i * 9 + 9);
            float[] got = Arrays.copyOfRange(out, i * 9, i * 9 + 9);
            float[] sortedIn = in.clone();
            float[] sortedGot = got.clone();
            Arrays.sort(sortedIn);
            Arrays.sort(sortedGot);
            assertArrayEquals(sortedIn, sortedGot, "image " + i + " keeps its own pixels");
            for (int kind = 0; kind < 5; kind++) {
                if (Arrays.equals(got, apply(square, in, kind))) {
                    seen[kind] = true;
                }
            }
        }
        for (int kind = 0; kind < 5; kind++) {
            assertEquals(true, seen[kind], "transformation " + kind + " drawn");
        }
    }

    @Test
    void rectangularImagesAreNeverRotatedByAQuarterTurn() {
        SampleShape wide = SampleShape.image(1, 2, 3);
        int n = 300;
        float[] batch = copies(WIDE, n, 0);
        float[] out = new ShapeNegatives(wide).from(batch, n, new Rng(5));
        for (int i = 0; i < n; i++) {
            float[] got = Arrays.copyOfRange(out, i * 6, i * 6 + 6);
            boolean known = false;
            for (int kind = 0; kind < 3; kind++) {
                known |= Arrays.equals(got, apply(wide, WIDE, kind));
            }
            assertEquals(true, known, "image " + i + " is rolled, flipped or turned by 180°");
        }
    }

    @Test
    void vectorsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShapeNegatives(SampleShape.vector(4)));
        assertEquals(true, e.getMessage().contains("images"));
    }
}
