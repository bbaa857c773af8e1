package io.dxmi.core.data;

import java.util.Arrays;

/**
 * The shape of one sample: {@code [D]} for a vector, {@code [C, H, W]} for an image. Samples
 * travel as row-major float arrays of {@link #size()} values each; networks see them as
 * tensors of shape {@code (n, dims…)}.
 */
public final class SampleShape {

    private final int[] dims;

    private SampleShape(int[] dims) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("a sample shape needs at least one dimension");
        }
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("sample dimensions must be positive, got " + Arrays.toString(dims));
            }
        }
        this.dims = dims.clone();
    }

    /** A shape from its dimensions ({@code of(2)}, {@code of(1, 28, 28)}). */
    public static SampleShape of(int... dims) {
        return new SampleShape(dims);
    }

    /** A vector of {@code d} values. */
    public static SampleShape vector(int d) {
        return new SampleShape(new int[] {d});
    }

    /** An image of {@code channels × height × width}. */
    public static SampleShape image(int channels, int height, int width) {
        return new SampleShape(new int[] {channels, height, width});
    }

    /** Parses {@link #toString()}'s form, "2" or "1x28x28". */
    public static SampleShape parse(String text) {
        String[] parts = text.trim().split("x");
        int[] d = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                d[i] = Integer.parseInt(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a sample shape: '" + text + "' (expected like 2 or 1x28x28)");
        }
        return new SampleShape(d);
    }

    /** The dimensions (a copy). */
    public int[] dims() {
        return dims.clone();
    }

    /** The dimensions as longs, for tensor shapes. */
    public long[] longDims() {
        long[] l = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            l[i] = dims[i];
        }
        return l;
    }

    /** The tensor shape of {@code n} samples: {@code (n, dims…)}. */
    public long[] batch(long n) {
        long[] l = new long[dims.length + 1];
        l[0] = n;
        for (int i = 0; i < dims.length; i++) {
            l[i + 1] = dims[i];
        }
        return l;
    }

    /** The tensor shape of one number per sample, broadcast over the sample's shape: {@code (n, 1, …, 1)}. */
    public long[] column(long n) {
        long[] l = new long[dims.length + 1];
        Arrays.fill(l, 1);
        l[0] = n;
        return l;
    }

    public int rank() {
        return dims.length;
    }

    /** Values per sample. */
    public int size() {
        int s = 1;
        for (int d : dims) {
            s *= d;
        }
        return s;
    }

    /** True for {@code [C, H, W]}. */
    public boolean isImage() {
        return dims.length == 3;
    }

    public int channels() {
        requireImage();
        return dims[0];
    }

    public int height() {
        requireImage();
        return dims[1];
    }

    public int width() {
        requireImage();
        return dims[2];
    }

    private void requireImage() {
        if (!isImage()) {
            throw new IllegalStateException("not an image shape: " + this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleShape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** "2" or "1x28x28". */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append('x');
            }
            b.append(dims[i]);
        }
        return b.toString();
    }
}
