package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Shape negatives: each transformation against a hand-written image, and what a batch of them keeps. */
class ShapeNegativesTest {

    // 1 channel, 2 × 3 and 3 × 3 test images:  a b c / d e f (/ g h i)
    private static final float[] WIDE = {1, 2, 3, 4, 5, 6};
    private static final float[] SQUARE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static float[] apply(SampleShape shape, float[] image, ShapeTransform kind) {
        float[] out = new float[image.length];
        new ShapeNegatives(shape).transform(image, 0, out, 0, kind);
        return out;
    }

    private static float[] apply(SampleShape shape, float[] image, int kind) {
        return apply(shape, image, ShapeTransform.values()[kind]);
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
    void aChosenSetIsAllThatIsDrawnAndEachOfItIs() {
        SampleShape square = SampleShape.image(1, 3, 3);
        List<ShapeTransform> chosen = ShapeTransform.parseList("roll, rot270,rot90");
        ShapeNegatives negatives = new ShapeNegatives(square, chosen);
        assertEquals(List.of(ShapeTransform.ROLL, ShapeTransform.ROTATE_270, ShapeTransform.ROTATE_90), negatives.transforms());
        int n = 300;
        float[] out = negatives.from(copies(SQUARE, n, 0), n, new Rng(11));
        Map<ShapeTransform, Integer> drawn = new EnumMap<>(ShapeTransform.class);
        for (int i = 0; i < n; i++) {
            float[] got = Arrays.copyOfRange(out, i * 9, i * 9 + 9);
            ShapeTransform which = null;
            for (ShapeTransform t : ShapeTransform.values()) {
                if (Arrays.equals(got, apply(square, SQUARE, t))) {
                    which = t;
                }
            }
            assertEquals(true, chosen.contains(which), "image " + i + " made by " + which);
            drawn.merge(which, 1, Integer::sum);
        }
        // uniform over the three: about 100 each
        chosen.forEach(t -> assertEquals(true, drawn.getOrDefault(t, 0) > 70, t + " drawn " + drawn.get(t) + " times"));
    }

    @Test
    void theDefaultSetIsEveryTransformationAndDrawsAsBefore() {
        // The default must draw the very sequence it drew before the set became a setting (old runs reproduce).
        SampleShape square = SampleShape.image(1, 3, 3);
        float[] batch = copies(SQUARE, 50, 100);
        assertArrayEquals(new ShapeNegatives(square).from(batch, 50, new Rng(9)),
                new ShapeNegatives(square, ShapeTransform.all()).from(batch, 50, new Rng(9)));
        Rng rng = new Rng(9);
        float[] out = new ShapeNegatives(square).from(batch, 50, new Rng(9));
        for (int i = 0; i < 50; i++) {
            float[] expected = apply(square, Arrays.copyOfRange(batch, i * 9, i * 9 + 9), rng.nextInt(5));
            assertArrayEquals(expected, Arrays.copyOfRange(out, i * 9, i * 9 + 9), "image " + i);
        }
    }

    @Test
    void quarterTurnsAloneDoNotFitRectangularImagesAndUnknownNamesAreNamed() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new ShapeNegatives(SampleShape.image(1, 2, 3), ShapeTransform.parseList("rot90,rot270")));
        assertEquals(true, none.getMessage().contains("square"), none.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ShapeTransform.parseList("roll,rot45"));
        assertEquals(true, unknown.getMessage().contains("rot45") && unknown.getMessage().contains("rot180"),
                unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShapeTransform.parseList(" , "));
    }

    /** The default writes no key (older manifests and hashes over them unchanged); a chosen set reads back. */
    @Test
    void theSetTravelsInTheConfigurationAndItsAbsenceMeansAll() throws Exception {
        ObjectMapper json = ModelDirectory.json();
        DxmiConfig plain = DxmiConfig.imageBuilder().optShapeNegativeWeight(1f).build();
        ObjectNode node = json.valueToTree(plain);
        assertFalse(node.has("shapeTransforms"), node.toString());
        assertEquals(ShapeTransform.all(), json.treeToValue(node, DxmiConfig.class).shapeTransformsOrAll());
        DxmiConfig chosen = DxmiConfig.imageBuilder().optShapeNegativeWeight(1f)
                .optShapeTransforms(List.of(ShapeTransform.ROLL, ShapeTransform.ROTATE_90)).build();
        DxmiConfig read = json.readValue(json.writeValueAsString(chosen), DxmiConfig.class);
        assertEquals(chosen, read);
        assertEquals(List.of(ShapeTransform.ROLL, ShapeTransform.ROTATE_90), read.shapeTransformsOrAll());
        assertThrows(IllegalArgumentException.class, () -> DxmiConfig.imageBuilder().optShapeTransforms(List.of()).build());
    }

    @Test
    void vectorsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShapeNegatives(SampleShape.vector(4)));
        assertEquals(true, e.getMessage().contains("images"));
    }

    /** The transformation of a tensor batch against the arrays' (which the tests above check by hand). */
    private static void tensorAgreesWithArrays(SampleShape shape, int n, ShapeTransform kind) {
        Rng rng = new Rng(11);
        float[] images = new float[n * shape.size()];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) rng.nextGaussian();
        }
        float[] byArrays = new float[images.length];
        ShapeNegatives negatives = new ShapeNegatives(shape, List.of(kind));
        for (int i = 0; i < n; i++) {
            negatives.transform(images, i * shape.size(), byArrays, i * shape.size(), kind);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(images, new Shape(shape.batch(n)));
            NDArray out = kind.apply(x);
            assertEquals(new Shape(shape.batch(n)), out.getShape(), kind.label());
            assertArrayEquals(byArrays, out.toFloatArray(), 0f, kind.label() + " on " + shape);
        }
    }

    @Test
    void theTensorFormOfEachTransformationMovesPixelsAsTheArraysDo() {
        DjlRuntime.configure(1);
        for (ShapeTransform kind : ShapeTransform.values()) {
            tensorAgreesWithArrays(SampleShape.image(2, 5, 5), 3, kind); // odd sides: the roll's halves differ
            tensorAgreesWithArrays(SampleShape.image(1, 4, 4), 2, kind);
            if (!kind.squareOnly()) {
                tensorAgreesWithArrays(SampleShape.image(3, 4, 7), 2, kind);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray wide = m.zeros(new Shape(1, 1, 2, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ShapeTransform.ROTATE_90.apply(wide));
            assertTrue(e.getMessage().contains("square"), e.getMessage());
        }
    }

    @Test
    void densityViewsParseNoneAndNamesAndRefuseUnknownOnes() {
        assertEquals(List.of(), ShapeTransform.parseViews("none"));
        assertEquals(List.of(ShapeTransform.ROTATE_90, ShapeTransform.FLIP), ShapeTransform.parseViews("rot90, flip"));
        assertEquals("rot90,flip", ShapeTransform.viewsLabel(List.of(ShapeTransform.ROTATE_90, ShapeTransform.FLIP)));
        assertEquals("none", ShapeTransform.viewsLabel(List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShapeTransform.parseViews("rot45"));
        assertTrue(e.getMessage().contains("rot45"), e.getMessage());
    }
}
