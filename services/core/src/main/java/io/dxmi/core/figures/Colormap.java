package io.dxmi.core.figures;

/**
 * A perceptually uniform colour scale as a lookup table: value 0 → the first colour (low
 * energy), 1 → the last. Built from anchor colours by linear interpolation in sRGB.
 */
public final class Colormap {

    /** matplotlib's viridis sampled at 0, 0.1, …, 1 (dark purple → yellow). */
    public static final Colormap VIRIDIS = new Colormap(new int[] {0x440154, 0x482475, 0x414487, 0x355f8d,
        0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725});

    private static final int SIZE = 256;

    private final int[] table = new int[SIZE];

    private Colormap(int[] anchors) {
        for (int i = 0; i < SIZE; i++) {
            double pos = i / (SIZE - 1.0) * (anchors.length - 1);
            int a = Math.min((int) pos, anchors.length - 2);
            double f = pos - a;
            table[i] = mix(anchors[a], anchors[a + 1], f);
        }
    }

    private static int mix(int c0, int c1, double f) {
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int v0 = (c0 >> shift) & 0xff;
            int v1 = (c1 >> shift) & 0xff;
            rgb |= ((int) Math.round(v0 + (v1 - v0) * f)) << shift;
        }
        return rgb;
    }

    /** RGB (0xRRGGBB) of a position in [0, 1]; outside it is clamped, NaN is the top colour. */
    public int rgb(double position) {
        if (Double.isNaN(position)) {
            return table[SIZE - 1];
        }
        double p = Math.max(0, Math.min(1, position));
        return table[(int) Math.round(p * (SIZE - 1))];
    }

    /** RGB of {@code value} on the scale [lo, hi]. */
    public int rgb(double value, double lo, double hi) {
        return rgb(hi > lo ? (value - lo) / (hi - lo) : 0);
    }
}
