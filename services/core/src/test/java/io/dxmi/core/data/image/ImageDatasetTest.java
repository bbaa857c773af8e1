package io.dxmi.core.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dxmi.core.data.SampleShape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageDatasetTest {

    /** 3 classes; train image i has label i % 3 and every pixel i / 100. */
    private static ImageDataset small() {
        SampleShape s = SampleShape.image(1, 4, 4);
        int n = 12;
        float[] p = new float[n * 16];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = i % 3;
            for (int j = 0; j < 16; j++) {
                p[i * 16 + j] = i / 100f;
            }
        }
        ImageSplit train = new ImageSplit(s, p, l);
        ImageSplit test = new ImageSplit(s, p.clone(), l.clone()).select(new int[] {0, 1, 2});
        return ImageDataset.of("toy", List.of("zero", "one", "two"), train, test, "test split", "abc");
    }

    @Test
    void classesByNumberOrNameKeepTheirLabels() {
        ImageDataset d = small().withClasses(List.of("2", "ZERO"));
        assertArrayEquals(new int[] {0, 2}, d.classes());
        assertEquals(8, d.train().size());
        assertArrayEquals(new int[] {0, 2, 0, 2, 0, 2, 0, 2}, d.train().labels());
        assertEquals(2, d.test().size());
        assertEquals("toy classes 0,2", d.name());
        assertEquals(12, d.allClasses().train().size());
        assertEquals(small().contentHash(), d.allClasses().contentHash());
        assertNotEquals(small().contentHash(), d.contentHash());
    }

    @Test
    void anUnknownClassNamesTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small().withClasses(List.of("0", "7")));
        assertEquals("unknown class '7' for toy; valid classes: 0 (zero), 1 (one), 2 (two)", e.getMessage());
    }

    @Test
    void unlabelledImagesCannotBeFiltered() {
        ImageSplit s = new ImageSplit(SampleShape.image(1, 2, 2), new float[8], null);
        ImageDataset d = ImageDataset.of("pics", List.of(), s, s, "", "h");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.withClasses(List.of("0")));
        assertEquals("--classes needs labelled images, but pics has no labels (a folder needs one subfolder per "
                + "class; an idx file a labels file beside it)", e.getMessage());
    }

    @Test
    void resizingAppliesToBothSplitsAndKeepsTheFilter() {
        ImageDataset d = small().withClasses(List.of("1")).resized(2);
        assertEquals(SampleShape.image(1, 2, 2), d.shape());
        assertEquals(4, d.train().size());
        assertEquals(SampleShape.image(1, 2, 2), d.test().shape());
        assertEquals(4 / 100f, d.train().pixels()[4], 1e-7f);
        assertSame(d, d.resized(2));
        assertNotEquals(small().contentHash(), small().resized(2).contentHash());
    }

    @Test
    void everyTenthOfEachClassIsHeldOut() {
        int n = 40;
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = i < 30 ? 0 : 1;
        }
        ImageSplit[] s = new ImageSplit(SampleShape.image(1, 1, 1), new float[n], l).holdOutEveryTenth();
        assertArrayEquals(new int[] {27, 9}, s[0].classCounts(2));
        assertArrayEquals(new int[] {3, 1}, s[1].classCounts(2));
    }
}
