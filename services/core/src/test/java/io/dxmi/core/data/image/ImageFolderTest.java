package io.dxmi.core.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.SampleShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    @TempDir
    Path dir;

    @Test
    void aFlatFolderOfGrayPngsIsUnlabelledAndHoldsOutEveryTenth() throws IOException {
        for (int i = 0; i < 20; i++) {
            ImageFixtures.grayPng(dir.resolve(String.format("img%02d.png", i)), 5, 4, i);
        }
        Files.writeString(dir.resolve("README.txt"), "not an image: ignored");
        ImageDataset d = ImageFolder.load(dir, 0);
        assertEquals(SampleShape.image(1, 4, 5), d.shape());
        assertFalse(d.isLabelled());
        assertEquals(18, d.train().size());
        assertEquals(2, d.test().size());
        // the 10th file (img09) is the first test image: its pixel (0, 0) is 9/255
        assertEquals(9 / 255f, d.test().pixels()[0], 1e-7f);
        // pixel (x = 2, y = 1) of img00 is 10 * 1 + 2
        assertEquals(12 / 255f, d.train().pixels()[1 * 5 + 2], 1e-7f);
    }

    @Test
    void classSubfoldersGiveSortedClassNamesAndLabels() throws IOException {
        for (int i = 0; i < 10; i++) {
            ImageFixtures.grayPng(dir.resolve("cat/" + i + ".png"), 4, 4, i);
            ImageFixtures.grayPng(dir.resolve("ant/" + i + ".png"), 4, 4, 100 + i);
        }
        ImageDataset d = ImageFolder.load(dir, 0);
        assertEquals(List.of("ant", "cat"), d.classNames());
        assertArrayEquals(new int[] {9, 9}, d.train().classCounts(2));
        assertArrayEquals(new int[] {1, 1}, d.test().classCounts(2));
        assertEquals(0, d.train().label(0));
        assertEquals(100 / 255f, d.train().pixels()[0], 1e-7f);
        ImageDataset cats = d.withClasses(List.of("cat"));
        assertEquals(9, cats.train().size());
        assertEquals(1, cats.train().label(0), "labels keep their numbers");
    }

    @Test
    void rgbAndGrayMixIntoThreeChannels() throws IOException {
        ImageFixtures.rgbPng(dir.resolve("a.png"), 3, 2, 200);
        ImageFixtures.grayPng(dir.resolve("b.png"), 3, 2, 50);
        ImageFiles.Images all = ImageFiles.read(dir);
        assertEquals(SampleShape.image(3, 2, 3), all.shape());
        assertEquals(List.of("a.png", "b.png"), all.names());
        float[] p = all.pixels();
        // a.png: red = x, green = y, blue = 200; pixel (x = 2, y = 1)
        assertEquals(2 / 255f, p[0 * 6 + 1 * 3 + 2], 1e-7f);
        assertEquals(1 / 255f, p[1 * 6 + 1 * 3 + 2], 1e-7f);
        assertEquals(200 / 255f, p[2 * 6 + 1 * 3 + 2], 1e-7f);
        // b.png repeated into all three channels
        assertEquals(p[18 + 4], p[18 + 6 + 4]);
        assertEquals(p[18 + 4], p[18 + 12 + 4]);
    }

    @Test
    void jpegFilesAreRead() throws IOException {
        ImageFixtures.grayPng(dir.resolve("x.jpg"), 8, 8, 0);
        ImageFiles.Images one = ImageFiles.read(dir);
        assertEquals(SampleShape.image(1, 8, 8), one.shape());
    }

    @Test
    void mixedSizesWithoutImageSizeNameTwoFiles() throws IOException {
        Path a = ImageFixtures.grayPng(dir.resolve("a.png"), 4, 4, 0);
        ImageFixtures.grayPng(dir.resolve("b.png"), 4, 4, 0);
        Path c = ImageFixtures.grayPng(dir.resolve("c.png"), 6, 5, 0);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolder.load(dir, 0));
        assertEquals("images differ in size: " + a + " is 4x4 but " + c
                + " is 6x5; pass --image-size N to resize them all", e.getMessage());
        ImageDataset resized = ImageFolder.load(dir, 3);
        assertEquals(SampleShape.image(1, 3, 3), resized.shape());
        assertEquals(3, resized.train().size());
    }

    @Test
    void aCorruptImageIsOneLineNamingIt() throws IOException {
        ImageFixtures.grayPng(dir.resolve("good.png"), 4, 4, 0);
        Path bad = Files.write(dir.resolve("bad.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolder.load(dir, 0));
        assertEquals("cannot read image " + bad + ": corrupt or not a PNG/JPEG image", e.getMessage());
    }

    @Test
    void anEmptyFolderIsOneLine() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        assertEquals("no PNG or JPEG images in " + dir.resolve("empty"),
                assertThrows(DataFormatException.class, () -> ImageFolder.load(dir.resolve("empty"), 0)).getMessage());
        assertEquals("image folder not found: " + dir.resolve("nope"),
                assertThrows(DataFormatException.class, () -> ImageFolder.load(dir.resolve("nope"), 0)).getMessage());
    }

    @Test
    void imagesBesideClassFoldersAreRefused() throws IOException {
        ImageFixtures.grayPng(dir.resolve("stray.png"), 4, 4, 0);
        ImageFixtures.grayPng(dir.resolve("dogs/d.png"), 4, 4, 0);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolder.load(dir, 0));
        assertTrue(e.getMessage().contains("mixes images at the top level (stray.png) with class subfolders (dogs/)"),
                e.getMessage());
    }

    @Test
    void trainAndTestSubfoldersAreTheSplits() throws IOException {
        for (int i = 0; i < 3; i++) {
            ImageFixtures.grayPng(dir.resolve("train/a/" + i + ".png"), 4, 4, i);
            ImageFixtures.grayPng(dir.resolve("train/b/" + i + ".png"), 4, 4, i);
        }
        ImageFixtures.grayPng(dir.resolve("test/b/0.png"), 4, 4, 0);
        ImageDataset d = ImageFolder.load(dir, 0);
        assertEquals(List.of("a", "b"), d.classNames());
        assertEquals(6, d.train().size());
        assertEquals(1, d.test().size());
        assertEquals(1, d.test().label(0));
    }

    @Test
    void theHashFollowsTheBytes() throws IOException {
        ImageFixtures.grayPng(dir.resolve("a.png"), 4, 4, 0);
        String h1 = ImageFolder.load(dir, 0).contentHash();
        assertEquals(h1, ImageFolder.load(dir, 0).contentHash());
        ImageFixtures.grayPng(dir.resolve("a.png"), 4, 4, 1);
        assertNotEquals(h1, ImageFolder.load(dir, 0).contentHash());
    }
}
