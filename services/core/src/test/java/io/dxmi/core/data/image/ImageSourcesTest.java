package io.dxmi.core.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.Box;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.random.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSourcesTest {

    @TempDir
    Path dir;

    @Test
    void fashionMnistIsTheOfficialSplitOfTheDebianPackage() {
        // scripts/test installs dataset-fashion-mnist with apt-get
        ImageDataset d = ImageSources.fashionMnist(ImageSources.fashionMnistFolder());
        assertEquals(60_000, d.train().size());
        assertEquals(10_000, d.test().size());
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000},
                d.train().classCounts(10));
        assertEquals("Ankle boot", d.classNames().get(9));
        assertEquals(SampleShape.image(1, 28, 28), d.shape());
    }

    @Test
    void anIdxFileWithItsLabelsIsASourceWithClassesAndSize() throws IOException {
        int n = 50;
        float[] px = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 5;
            px[i * 64] = labels[i] / 4f;
        }
        Path images = dir.resolve("toy-images-idx3-ubyte.gz");
        IdxFiles.writeImages(images, px, SampleShape.image(1, 8, 8));
        IdxFiles.writeLabels(dir.resolve("toy-labels-idx1-ubyte.gz"), labels);
        DataSource source = DataSources.resolve(images + "?classes=1,4&image-size=4");
        assertTrue(source instanceof ImageDataSource, source.getClass().getName());
        assertEquals(SampleShape.image(1, 4, 4), source.shape());
        assertEquals(16, source.dimension());
        ImageDataset d = ((ImageDataSource) source).dataset();
        assertEquals(18, d.train().size(), "two classes of 10, every tenth held out");
        float[] drawn = source.sample(200, new Rng(1));
        assertEquals(200 * 16, drawn.length);
        for (int i = 0; i < 200; i++) {
            // the top-left 2x2 area average of an image whose pixel (0, 0) is 64/255 (class 1,
            // 0.25 stored as a byte) or 1 (class 4), the rest 0
            float corner = drawn[i * 16];
            assertTrue(Math.abs(corner - 64f / 255 / 4) < 1e-6 || Math.abs(corner - 1f / 4) < 1e-6, "corner " + corner);
        }
        assertEquals(Box.cube(16, 0, 1), source.evaluationBox());
        assertTrue(source.evaluationBoxDescription().startsWith("only the pixel range [0, 1]^16"));
    }

    @Test
    void anIdxFileOpenedTwiceIsReadOnceUntilItIsRewritten() throws IOException {
        Path images = dir.resolve("shared-images-idx3-ubyte.gz");
        IdxFiles.writeImages(images, new float[20 * 64], SampleShape.image(1, 8, 8));
        ImageDataset first = ImageSources.open(images.toString(), 0);
        // The services of an embedded run each open the run's data: one copy in the JVM, not one each.
        assertSame(first, ImageSources.open(images.toString(), 0));
        assertNotSame(first, ImageSources.open(images.toString(), 4), "another size is another data set");
        float[] changed = new float[30 * 64];
        changed[0] = 1;
        IdxFiles.writeImages(images, changed, SampleShape.image(1, 8, 8));
        Files.setLastModifiedTime(images, FileTime.fromMillis(Files.getLastModifiedTime(images).toMillis() + 2000));
        ImageDataset reread = ImageSources.open(images.toString(), 0);
        assertNotSame(first, reread, "a rewritten file is read again");
        assertEquals(first.train().size() + first.test().size() + 10, reread.train().size() + reread.test().size());
    }
}
