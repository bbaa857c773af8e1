package io.dxmi.core.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.SampleShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {

    @TempDir
    Path dir;

    @Test
    void grayImagesRoundTripThroughGzippedIdx3() throws IOException {
        SampleShape shape = SampleShape.image(1, 3, 2);
        float[] px = {0f, 1f, 0.5f, 0.25f, 1f / 255, 254f / 255, 1, 0, 0, 0, 0, 1};
        Path f = dir.resolve("x-images-idx3-ubyte.gz");
        IdxFiles.writeImages(f, px, shape);
        byte[] raw = Files.readAllBytes(f);
        assertEquals(0x1f, raw[0] & 0xFF, "gzip-compressed because the name ends in .gz");
        ImageSplit back = IdxFiles.readImages(f);
        assertEquals(shape, back.shape());
        assertEquals(2, back.size());
        float[] got = back.pixels();
        for (int i = 0; i < px.length; i++) {
            assertEquals(Math.round(px[i] * 255) / 255f, got[i], 1e-7f, "pixel " + i);
        }
        assertNull(back.labels());
    }

    @Test
    void rgbImagesRoundTripThroughPlainIdx4ChannelsFirst() throws IOException {
        SampleShape shape = SampleShape.image(3, 2, 2);
        float[] px = new float[2 * 12];
        for (int i = 0; i < px.length; i++) {
            px[i] = i / 23f;
        }
        Path f = dir.resolve("rgb.idx");
        IdxFiles.writeImages(f, px, shape);
        byte[] raw = Files.readAllBytes(f);
        assertEquals(4, raw[3], "idx4: four dimensions");
        assertEquals(4 + 4 * 4 + px.length, raw.length);
        ImageSplit back = IdxFiles.readImages(f);
        assertEquals(shape, back.shape());
        assertEquals(Math.round(px[13] * 255) / 255f, back.pixels()[13], 1e-7f);
    }

    @Test
    void pixelsAreRoundedHalfUpAndClamped() {
        assertEquals(0, IdxFiles.toByte(-0.3f, 0));
        assertEquals(255, IdxFiles.toByte(1.7f, 0));
        assertEquals(128, IdxFiles.toByte(127.5f / 255, 0));
        assertEquals(127, IdxFiles.toByte(127.49f / 255, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdxFiles.toByte(Float.NaN, 7));
        assertTrue(e.getMessage().contains("image 7"), e.getMessage());
    }

    @Test
    void labelledPairsAndSiblingLabelsAreFound() throws IOException {
        SampleShape shape = SampleShape.image(1, 2, 2);
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        IdxFiles.writeImages(images, new float[12], shape);
        assertNull(IdxFiles.siblingLabels(images));
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        IdxFiles.writeLabels(labels, new int[] {3, 1, 2});
        assertEquals(labels, IdxFiles.siblingLabels(images));
        ImageSplit s = IdxFiles.readLabelled(images, labels);
        assertArrayEquals(new int[] {3, 1, 2}, s.labels());
    }

    @Test
    void aLabelCountThatDiffersIsOneLineNamingBothFiles() throws IOException {
        Path images = dir.resolve("a-images.idx");
        Path labels = dir.resolve("a-labels.idx");
        IdxFiles.writeImages(images, new float[12], SampleShape.image(1, 2, 2));
        IdxFiles.writeLabels(labels, new int[] {1, 2});
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxFiles.readLabelled(images, labels));
        assertEquals(labels + " has 2 labels but " + images + " has 3 images", e.getMessage());
    }

    @Test
    void badFilesAreOneLineNamingTheFile() throws IOException {
        Path notIdx = Files.writeString(dir.resolve("notes.idx"), "hello world, not idx");
        assertEquals(notIdx + " is not an idx file (bad magic number)",
                assertThrows(DataFormatException.class, () -> IdxFiles.readImages(notIdx)).getMessage());

        Path good = dir.resolve("good.idx");
        IdxFiles.writeImages(good, new float[2 * 16], SampleShape.image(1, 4, 4));
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.idx"), Arrays.copyOf(bytes, bytes.length - 5));
        assertEquals(truncated + " is truncated (fewer values than its header says)",
                assertThrows(DataFormatException.class, () -> IdxFiles.readImages(truncated)).getMessage());

        byte[] floats = bytes.clone();
        floats[2] = 0x0D;
        Path floatType = Files.write(dir.resolve("floats.idx"), floats);
        assertTrue(assertThrows(DataFormatException.class, () -> IdxFiles.readImages(floatType)).getMessage()
                .startsWith(floatType + ": only unsigned-byte idx files are supported"));

        Path labels = dir.resolve("l.idx");
        IdxFiles.writeLabels(labels, new int[] {1});
        assertTrue(assertThrows(DataFormatException.class, () -> IdxFiles.readImages(labels)).getMessage()
                .contains("looks like a labels file"));

        Path missing = dir.resolve("missing.idx.gz");
        assertEquals("idx file not found: " + missing,
                assertThrows(DataFormatException.class, () -> IdxFiles.readImages(missing)).getMessage());
    }
}
