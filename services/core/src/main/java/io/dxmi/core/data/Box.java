package io.dxmi.core.data;

import io.dxmi.core.random.Rng;
import java.util.Arrays;
import java.util.Locale;

/** An axis-aligned box in d dimensions, with lo[i] < hi[i] on every axis. Immutable. */
public final class Box {

    private final double[] lo;
    private final double[] hi;

    public Box(double[] lo, double[] hi) {
        if (lo == null || hi == null) {
            throw new IllegalArgumentException("box bounds must not be null");
        }
        if (lo.length != hi.length) {
            throw new IllegalArgumentException(
                    "box bounds differ in length: lo has " + lo.length + ", hi has " + hi.length);
        }
        if (lo.length == 0) {
            throw new IllegalArgumentException("a box needs at least one dimension");
        }
        for (int i = 0; i < lo.length; i++) {
            if (!Double.isFinite(lo[i]) || !Double.isFinite(hi[i])) {
                throw new IllegalArgumentException(
                        "box bounds must be finite; dimension " + i + " is [" + lo[i] + ", " + hi[i] + "]");
            }
            if (!(lo[i] < hi[i])) {
                throw new IllegalArgumentException(
                        "box needs lo < hi; dimension " + i + " is [" + lo[i] + ", " + hi[i] + "]");
            }
        }
        this.lo = lo.clone();
        this.hi = hi.clone();
    }

    /** The cube [lo, hi]^dim. */
    public static Box cube(int dim, double lo, double hi) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dimension must be positive: " + dim);
        }
        double[] l = new double[dim];
        double[] h = new double[dim];
        Arrays.fill(l, lo);
        Arrays.fill(h, hi);
        return new Box(l, h);
    }

    /**
     * The smallest box holding all rows. An axis on which every value is equal is given a width
     * of 1 around that value, since a box must have lo < hi.
     */
    public static Box boundingBox(float[] rows, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dimension must be positive: " + dim);
        }
        if (rows.length == 0 || rows.length % dim != 0) {
            throw new IllegalArgumentException(
                    "need a non-empty row-major array with a multiple of " + dim + " values, got " + rows.length);
        }
        double[] l = new double[dim];
        double[] h = new double[dim];
        Arrays.fill(l, Double.POSITIVE_INFINITY);
        Arrays.fill(h, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < rows.length; i++) {
            int j = i % dim;
            double v = rows[i];
            if (v < l[j]) {
                l[j] = v;
            }
            if (v > h[j]) {
                h[j] = v;
            }
        }
        for (int j = 0; j < dim; j++) {
            if (!(l[j] < h[j])) {
                l[j] -= 0.5;
                h[j] += 0.5;
            }
        }
        return new Box(l, h);
    }

    public int dimension() {
        return lo.length;
    }

    /** Lower corner (a copy). */
    public double[] lo() {
        return lo.clone();
    }

    /** Upper corner (a copy). */
    public double[] hi() {
        return hi.clone();
    }

    /** This box with each side moved outwards by {@code fractionPerSide} times its width. */
    public Box widened(double fractionPerSide) {
        if (!Double.isFinite(fractionPerSide) || fractionPerSide < 0) {
            throw new IllegalArgumentException("widening fraction must be finite and >= 0: " + fractionPerSide);
        }
        double[] l = new double[lo.length];
        double[] h = new double[lo.length];
        for (int i = 0; i < lo.length; i++) {
            double margin = fractionPerSide * (hi[i] - lo[i]);
            l[i] = lo[i] - margin;
            h[i] = hi[i] + margin;
        }
        return new Box(l, h);
    }

    /** Whether the point lies inside the closed box. */
    public boolean contains(float[] rows, int row) {
        int base = row * lo.length;
        for (int j = 0; j < lo.length; j++) {
            float v = rows[base + j];
            if (v < lo[j] || v > hi[j]) {
                return false;
            }
        }
        return true;
    }

    /** n points drawn uniformly from the box, row-major. */
    public float[] sampleUniform(int n, Rng rng) {
        if (n < 0) {
            throw new IllegalArgumentException("sample count must be >= 0: " + n);
        }
        int d = lo.length;
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                float v = (float) (lo[j] + (hi[j] - lo[j]) * rng.nextDouble());
                // Rounding to float can land exactly on hi or just past it; keep points inside.
                out[i * d + j] = Math.min(v, (float) hi[j]);
            }
        }
        return out;
    }

    /** "[-4, 4]^2" when all axes agree, else "[lo1, hi1] x [lo2, hi2] x ...". */
    public String describe() {
        boolean allEqual = true;
        for (int i = 1; i < lo.length; i++) {
            if (lo[i] != lo[0] || hi[i] != hi[0]) {
                allEqual = false;
                break;
            }
        }
        if (allEqual) {
            return interval(0) + "^" + lo.length;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lo.length; i++) {
            if (i > 0) {
                sb.append(" x ");
            }
            sb.append(interval(i));
        }
        return sb.toString();
    }

    private String interval(int i) {
        return "[" + number(lo[i]) + ", " + number(hi[i]) + "]";
    }

    /** Integers without ".0"; others with up to 4 decimals, trailing zeros dropped. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.equals("-0") ? "0" : s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Box b && Arrays.equals(lo, b.lo) && Arrays.equals(hi, b.hi);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lo) + Arrays.hashCode(hi);
    }

    @Override
    public String toString() {
        return describe();
    }
}
