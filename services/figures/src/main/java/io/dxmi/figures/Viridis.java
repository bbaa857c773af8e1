package io.dxmi.figures;

import org.jfree.chart.renderer.PaintScale;

import java.awt.Color;
import java.awt.Paint;
import java.io.Serializable;

/**
 * matplotlib's viridis as a JFreeChart paint scale over [lower, upper]: dark purple (low energy)
 * to yellow, perceptually uniform and readable with common colour-vision deficiencies. Values
 * outside the range take the end colours (a range clipped at a quantile shows the rest as the
 * top colour); NaN is the top colour. JFreeChart ships grey and lookup scales but no viridis.
 */
final class Viridis implements PaintScale, Serializable {

    private static final long serialVersionUID = 1L;

    /** viridis sampled at 0, 0.1, …, 1. */
    private static final int[] ANCHORS = {0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884,
        0x44bf70, 0x7ad151, 0xbddf26, 0xfde725};
    private static final Color[] TABLE = new Color[256];

    static {
        for (int i = 0; i < TABLE.length; i++) {
            double pos = i / (TABLE.length - 1.0) * (ANCHORS.length - 1);
            int a = Math.min((int) pos, ANCHORS.length - 2);
            TABLE[i] = new Color(mix(ANCHORS[a], ANCHORS[a + 1], pos - a));
        }
    }

    private final double lower;
    private final double upper;

    Viridis(ValueRange range) {
        this.lower = range.lo();
        this.upper = range.hi();
    }

    /** The colour at a position in [0, 1] (clamped). */
    static Color at(double position) {
        if (Double.isNaN(position)) {
            return TABLE[TABLE.length - 1];
        }
        double p = Math.max(0, Math.min(1, position));
        return TABLE[(int) Math.round(p * (TABLE.length - 1))];
    }

    @Override
    public double getLowerBound() {
        return lower;
    }

    @Override
    public double getUpperBound() {
        return upper;
    }

    @Override
    public Paint getPaint(double value) {
        return at(upper > lower ? (value - lower) / (upper - lower) : 0);
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
}
