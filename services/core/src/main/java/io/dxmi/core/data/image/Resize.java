package io.dxmi.core.data.image;

import io.dxmi.core.data.SampleShape;

/**
 * Resizing of images, separably (rows, then columns), each axis on its own:
 * <ul>
 *   <li>shrinking an axis averages areas: output pixel i covers the input interval
 *       [i·s, (i+1)·s) with s = in/out, and each input pixel counts by its overlap with it
 *       (28 → 14 averages 2×2 blocks exactly; 28 → 16 weighs partial pixels);</li>
 *   <li>enlarging an axis interpolates bilinearly between pixel centres (half-pixel offsets,
 *       edges clamped: PyTorch's {@code align_corners=False});</li>
 *   <li>an axis of the same size is copied.</li>
 * </ul>
 * Both keep values inside the input's range, so pixels stay in [0, 1].
 */
public final class Resize {

    private Resize() {
    }

    /**
     * Resizes n images.
     *
     * @param pixels n × C × H × W values
     * @return n × C × outH × outW values
     */
    public static float[] images(float[] pixels, SampleShape from, int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("an image size must be positive, got " + outH + "x" + outW);
        }
        int c = from.channels();
        int h = from.height();
        int w = from.width();
        int n = pixels.length / from.size();
        double[][] rowWeights = weights(h, outH);
        double[][] colWeights = weights(w, outW);
        float[] out = new float[n * c * outH * outW];
        double[] tmp = new double[h * outW];
        for (int plane = 0; plane < n * c; plane++) {
            int inBase = plane * h * w;
            for (int y = 0; y < h; y++) {
                for (int ox = 0; ox < outW; ox++) {
                    double s = 0;
                    double[] wx = colWeights[ox];
                    for (int x = 0; x < w; x++) {
                        if (wx[x] != 0) {
                            s += wx[x] * pixels[inBase + y * w + x];
                        }
                    }
                    tmp[y * outW + ox] = s;
                }
            }
            int outBase = plane * outH * outW;
            for (int oy = 0; oy < outH; oy++) {
                double[] wy = rowWeights[oy];
                for (int ox = 0; ox < outW; ox++) {
                    double s = 0;
                    for (int y = 0; y < h; y++) {
                        if (wy[y] != 0) {
                            s += wy[y] * tmp[y * outW + ox];
                        }
                    }
                    out[outBase + oy * outW + ox] = (float) s;
                }
            }
        }
        return out;
    }

    /** weights[o][i]: how much input pixel i contributes to output pixel o; each row sums to 1. */
    static double[][] weights(int in, int out) {
        double[][] m = new double[out][in];
        if (in == out) {
            for (int i = 0; i < in; i++) {
                m[i][i] = 1;
            }
        } else if (out < in) {
            double scale = (double) in / out;
            for (int o = 0; o < out; o++) {
                double lo = o * scale;
                double hi = (o + 1) * scale;
                for (int i = (int) Math.floor(lo); i < Math.min(in, (int) Math.ceil(hi)); i++) {
                    double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                    if (overlap > 0) {
                        m[o][i] = overlap / scale;
                    }
                }
            }
        } else {
            double scale = (double) in / out;
            for (int o = 0; o < out; o++) {
                double src = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), in - 1);
                int i0 = (int) Math.floor(src);
                int i1 = Math.min(i0 + 1, in - 1);
                double f = src - i0;
                m[o][i0] += 1 - f;
                m[o][i1] += f;
            }
        }
        return m;
    }
}
