package io.dxmi.figures;

import java.util.Arrays;
import java.util.List;

/**
 * The colour range of a field: from its minimum to a quantile, so that a few huge values far
 * from the data do not wash out the structure where the data is.
 *
 * @param lo the smallest finite value
 * @param hi the clip value (the quantile), above lo
 */
record ValueRange(double lo, double hi) {

    /** [min, quantile q] of the finite values; [0, 1] when there are none. */
    static ValueRange clipped(float[] values, double q) {
        double[] finite = finiteSorted(values);
        if (finite.length == 0) {
            return new ValueRange(0, 1);
        }
        double lo = finite[0];
        double hi = quantileOfSorted(finite, q);
        if (!(hi > lo)) {
            hi = lo + 1e-6 + Math.abs(lo) * 1e-6;
        }
        return new ValueRange(lo, hi);
    }

    /** [min, quantile q] of several fields' finite values together: one scale for all of them. */
    static ValueRange clipped(List<float[]> fields, double q) {
        int n = fields.stream().mapToInt(f -> f.length).sum();
        float[] all = new float[n];
        int at = 0;
        for (float[] f : fields) {
            System.arraycopy(f, 0, all, at, f.length);
            at += f.length;
        }
        return clipped(all, q);
    }

    /**
     * The values shifted to a minimum of 0 and divided by their own quantile q (after the
     * shift): energies known only up to an additive constant and a scale (the learned energy's
     * temperature) become comparable on one colour scale, 0 at the minimum and 1 at the quantile.
     */
    static float[] normalised(float[] values, double q) {
        float[] shifted = shiftedToZero(values);
        double top = clipped(shifted, q).hi();
        float[] out = new float[shifted.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (shifted[i] / top);
        }
        return out;
    }

    /** The values shifted so that the minimum is 0 (comparing energies known up to a constant). */
    static float[] shiftedToZero(float[] values) {
        double[] finite = finiteSorted(values);
        float min = finite.length == 0 ? 0f : (float) finite[0];
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] - min;
        }
        return out;
    }

    private static double[] finiteSorted(float[] values) {
        return Arrays.stream(toDoubles(values)).filter(Double::isFinite).sorted().toArray();
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double quantileOfSorted(double[] sorted, double q) {
        double pos = Math.max(0, Math.min(1, q)) * (sorted.length - 1);
        int a = (int) Math.floor(pos);
        int b = Math.min(a + 1, sorted.length - 1);
        return sorted[a] + (sorted[b] - sorted[a]) * (pos - a);
    }
}
