package io.dxmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.image.IdxFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --data with images, --classes and --image-size: each mistake is one line and the usage exit code. */
class ImageDataOptionsTest {

    @TempDir
    Path tmp;

    private static void assertOneLineError(CommandLineTest.Run r, String... fragments) {
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line expected, got: " + err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "expected '" + f + "' in: " + err);
        }
    }

    private CommandLineTest.Run pretrain(String... dataArgs) {
        String[] args = new String[dataArgs.length + 5];
        args[0] = "pretrain";
        System.arraycopy(dataArgs, 0, args, 1, dataArgs.length);
        args[dataArgs.length + 1] = "--out";
        args[dataArgs.length + 2] = tmp.resolve("out").toString();
        args[dataArgs.length + 3] = "--iterations";
        args[dataArgs.length + 4] = "1";
        return CommandLineTest.dxmi(args);
    }

    private static void png(Path file, int w, int h) throws Exception {
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY), "png", file.toFile());
    }

    @Test
    void anUnknownClassNamesTheValidOnes() throws Exception {
        Path images = tmp.resolve("tiny-images.idx");
        IdxFiles.writeImages(images, new float[30 * 4], SampleShape.image(1, 2, 2));
        int[] labels = new int[30];
        for (int i = 0; i < 30; i++) {
            labels[i] = i % 3;
        }
        IdxFiles.writeLabels(tmp.resolve("tiny-labels.idx"), labels);
        assertOneLineError(pretrain("--data", images.toString(), "--classes", "1,7"),
                "unknown class '7' for tiny-images.idx; valid classes: 0, 1, 2");
    }

    @Test
    void folderProblemsAreOneLineEach() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertOneLineError(pretrain("--data", empty.toString()), "no PNG or JPEG images in " + empty);

        Path mixed = tmp.resolve("mixed");
        png(mixed.resolve("a.png"), 4, 4);
        png(mixed.resolve("b.png"), 5, 4);
        assertOneLineError(pretrain("--data", mixed.toString()), "images differ in size", "a.png", "b.png",
                "--image-size");

        Path corrupt = tmp.resolve("corrupt");
        png(corrupt.resolve("a.png"), 4, 4);
        Files.writeString(corrupt.resolve("z.png"), "not a png");
        assertOneLineError(pretrain("--data", corrupt.toString()), "cannot read image", "z.png");
    }

    @Test
    void imageOptionsOnVectorDataOrBadSizesAreRefused() {
        assertOneLineError(pretrain("--data", "8gaussians", "--image-size", "16"),
                "--image-size 16 applies to image data only");
        assertOneLineError(pretrain("--data", "8gaussians", "--image-size", "0"), "--image-size must be at least 1");
        assertOneLineError(pretrain("--data", "8gaussians", "--classes", "1,,2"), "--classes has an empty item");
    }

    @Test
    void quarterTurnsAloneOnNonSquareImagesAreRefusedBeforeAnyWork() throws Exception {
        Path images = tmp.resolve("wide-images.idx");
        IdxFiles.writeImages(images, new float[20 * 6], SampleShape.image(1, 2, 3));
        int[] labels = new int[20];
        for (int i = 0; i < 20; i++) {
            labels[i] = i % 2;
        }
        IdxFiles.writeLabels(tmp.resolve("wide-labels.idx"), labels);
        assertOneLineError(CommandLineTest.dxmi("train", "--data", images.toString(), "--steps", "2", "--tau", "0.1",
                "--shape-negatives", "1", "--shape-transforms", "rot90,rot270", "--out", tmp.resolve("t").toString()),
                "--shape-transforms", "needs square ones", "2 x 3");
        assertOneLineError(CommandLineTest.dxmi("oneclass", "--data", images.toString(), "--shape-transforms", "rot90",
                "--out", tmp.resolve("oc").toString()), "--shape-transforms", "needs square ones");
        assertFalse(Files.exists(tmp.resolve("t")), "nothing trained or written");
        assertFalse(Files.exists(tmp.resolve("oc").resolve("oneclass.json")), "no benchmark started");
    }
}
