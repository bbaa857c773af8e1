package io.dxmi.core.data.image;

import io.dxmi.core.data.SampleShape;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One split of an image data set: {@link #size()} images of one {@link SampleShape} [C, H, W],
 * pixels in [0, 1], channels first, row-major, and one integer label per image (or none).
 * Immutable: the accessors copy, except {@link #pixelsView()} for hot loops that promise not to
 * write.
 */
public final class ImageSplit {

    private final SampleShape shape;
    private final float[] pixels;
    private final int[] labels;

    /**
     * @param labels one label per image, or null for an unlabelled split
     */
    public ImageSplit(SampleShape shape, float[] pixels, int[] labels) {
        if (!shape.isImage()) {
            throw new IllegalArgumentException("an image split needs a [C, H, W] shape, got " + shape);
        }
        if (pixels.length % shape.size() != 0) {
            throw new IllegalArgumentException(pixels.length + " pixel values are not a whole number of "
                    + shape + " images");
        }
        int n = pixels.length / shape.size();
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(n + " images but " + labels.length + " labels");
        }
        this.shape = shape;
        this.pixels = pixels;
        this.labels = labels;
    }

    public SampleShape shape() {
        return shape;
    }

    /** Number of images. */
    public int size() {
        return pixels.length / shape.size();
    }

    public boolean isLabelled() {
        return labels != null;
    }

    /** All pixels, n × C × H × W (a copy). */
    public float[] pixels() {
        return pixels.clone();
    }

    /** The pixel array itself, for read-only hot loops (sampling, batching); never write to it. */
    float[] pixelsView() {
        return pixels;
    }

    /** The labels (a copy), or null when unlabelled. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** The label of image {@code i}; the split must be labelled. */
    public int label(int i) {
        if (labels == null) {
            throw new IllegalStateException("this split has no labels");
        }
        return labels[i];
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive), row-major. */
    public float[] rows(int from, int to) {
        int d = shape.size();
        return Arrays.copyOfRange(pixels, from * d, to * d);
    }

    /** The images at the given indices, in that order, with their labels. */
    public ImageSplit select(int[] indices) {
        int d = shape.size();
        float[] p = new float[indices.length * d];
        int[] l = labels == null ? null : new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * d, p, i * d, d);
            if (l != null) {
                l[i] = labels[indices[i]];
            }
        }
        return new ImageSplit(shape, p, l);
    }

    /** Copies image {@code index} into {@code out} at image position {@code at}. */
    public void copyImage(int index, float[] out, int at) {
        int d = shape.size();
        System.arraycopy(pixels, index * d, out, at * d, d);
    }

    /** This split with every image resized to {@code size × size} (see {@link Resize}). */
    public ImageSplit resized(int size) {
        if (shape.height() == size && shape.width() == size) {
            return this;
        }
        SampleShape to = SampleShape.image(shape.channels(), size, size);
        return new ImageSplit(to, Resize.images(pixels, shape, size, size), labels);
    }

    /** How {@link #holdOutEveryTenth()} splits, for reports. */
    public static final String EVERY_TENTH =
            "every tenth image of each class (in file order) is a test image, the rest train";

    /**
     * A deterministic train/test split: per label (or over all images when unlabelled), in this
     * split's order, the 10th, 20th, … image is a test image and the rest train.
     *
     * @return {train, test}
     */
    public ImageSplit[] holdOutEveryTenth() {
        int n = size();
        int[] train = new int[n];
        int[] test = new int[n];
        int nTrain = 0;
        int nTest = 0;
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int k = seen.merge(labels == null ? 0 : labels[i], 1, Integer::sum);
            if (k % 10 == 0) {
                test[nTest++] = i;
            } else {
                train[nTrain++] = i;
            }
        }
        return new ImageSplit[] {select(Arrays.copyOf(train, nTrain)), select(Arrays.copyOf(test, nTest))};
    }

    /** Number of images of each label 0 … classes−1. */
    public int[] classCounts(int classes) {
        int[] counts = new int[classes];
        if (labels != null) {
            for (int l : labels) {
                counts[l]++;
            }
        }
        return counts;
    }
}
