package io.dxmi.core.anomaly;

import io.dxmi.core.data.SampleShape;

import java.util.Arrays;

/**
 * Images with a class label each: {@code pixels} holds n images of {@code shape} row-major, in
 * data space (intensities in [0, 1]), {@code labels} their classes.
 */
public record LabelledImages(SampleShape shape, float[] pixels, int[] labels) {

    public LabelledImages {
        if (!shape.isImage()) {
            throw new IllegalArgumentException("labelled images need an image shape, not " + shape);
        }
        if (pixels.length != labels.length * shape.size()) {
            throw new IllegalArgumentException(labels.length + " labels for " + pixels.length / shape.size()
                    + " images");
        }
    }

    public int count() {
        return labels.length;
    }

    /** The images of class {@code k}, row-major. */
    public float[] ofClass(int k) {
        int size = shape.size();
        float[] out = new float[countOf(k) * size];
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == k) {
                System.arraycopy(pixels, i * size, out, n++ * size, size);
            }
        }
        return out;
    }

    /** How many images have class {@code k}. */
    public int countOf(int k) {
        return (int) Arrays.stream(labels).filter(l -> l == k).count();
    }
}
