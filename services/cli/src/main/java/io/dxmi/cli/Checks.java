package io.dxmi.cli;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.ShapeTransform;

import java.util.List;

/**
 * Checks of flag values before any work starts; each failure is a {@link UsageError} naming the flag.
 */
final class Checks {

    /** The most elements a Java array holds (a little under 2^31, as the JDK allocates). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Checks() {}

    static void atLeast(String flag, Integer value, long min) {
        if (value != null && value < min) {
            throw new UsageError(flag + " must be at least " + min + ", got " + value);
        }
    }

    static void atLeast(String flag, long value, long min) {
        if (value < min) {
            throw new UsageError(flag + " must be at least " + min + ", got " + value);
        }
    }

    static void finiteAtLeast(String flag, Float value, double min) {
        if (value != null && !(Float.isFinite(value) && value >= min)) {
            throw new UsageError(flag + " must be a number >= " + ConfigDefaults.number((float) min) + ", got " + value);
        }
    }

    /** A decay or fraction in [0, 1). */
    static void belowOne(String flag, float value) {
        if (!(value >= 0 && value < 1)) {
            throw new UsageError(flag + " must be in [0, 1), got " + value);
        }
    }

    /**
     * {@link #shapeTransforms(String, String)} for images of {@code shape}: refused when every named
     * transformation needs square images and these are not (training would otherwise fail only after pretraining).
     */
    static List<ShapeTransform> shapeTransforms(String flag, String value, SampleShape shape) {
        List<ShapeTransform> transforms = shapeTransforms(flag, value);
        if (transforms != null && shape.isImage() && shape.height() != shape.width()
                && transforms.stream().allMatch(ShapeTransform::squareOnly)) {
            throw new UsageError(flag + ": " + value + " turn images by 90 degrees, which needs square ones; these are "
                    + shape.height() + " x " + shape.width() + " (add roll, flip or rot180)");
        }
        return transforms;
    }

    /** A comma-separated list of shape transformations, or null for null. */
    static List<ShapeTransform> shapeTransforms(String flag, String value) {
        try {
            return value == null ? null : ShapeTransform.parseList(value);
        } catch (IllegalArgumentException e) {
            throw new UsageError(flag + ": " + e.getMessage(), e);
        }
    }

    static void port(String flag, int port) {
        if (port < 0 || port > 65535) {
            throw new UsageError(flag + " must be 0-65535, got " + port);
        }
    }

    /**
     * A batch of {@code batch} rows of {@code floatsPerRow} numbers must fit in a Java array and, copied a few
     * times on its way (rollout, message, tensors), well within the heap.
     */
    static void batchFits(String flag, long batch, long floatsPerRow) {
        long floats = batch * Math.max(1, floatsPerRow);
        if (floats > MAX_ARRAY || floats < 0) {
            throw new UsageError(flag + " " + batch + " is too large: one batch holds " + batch + " x "
                    + floatsPerRow + " numbers, more than a Java array can hold (2^31 - 1)");
        }
        long neededMiB = floats * 4L * 4 >> 20;
        long heapMiB = Runtime.getRuntime().maxMemory() >> 20;
        if (neededMiB > heapMiB) {
            throw new UsageError(flag + " " + batch + " is too large for this process: a batch needs about "
                    + neededMiB + " MiB of Java heap and the heap is " + heapMiB
                    + " MiB (lower " + flag + ", or raise DXMI_HEAP)");
        }
    }
}
