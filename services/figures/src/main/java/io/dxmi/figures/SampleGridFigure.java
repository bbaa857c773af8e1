package io.dxmi.figures;

import io.dxmi.core.data.SampleShape;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * Generated images in a grid: n samples of shape [C, H, W] (C = 1 grey or 3 RGB) with pixel
 * intensities in [0, 1], each enlarged by a whole factor (nearest neighbour, so pixels stay
 * sharp) to about {@link #TARGET_CELL} pixels, on a white sheet with one pixel line between them.
 * Values outside [0, 1] are clamped; NaN shows as magenta, so a broken sample is seen, not hidden.
 */
final class SampleGridFigure {

    /** About this many pixels per sample side. */
    static final int TARGET_CELL = 84;
    static final int GAP = 2;
    static final int TITLE_ROOM = 40;
    private static final int NAN_RGB = 0xff00ff;

    private SampleGridFigure() {
    }

    /** The enlargement of one image pixel. */
    static int scale(SampleShape shape) {
        return Math.max(1, Math.round((float) TARGET_CELL / Math.max(shape.height(), shape.width())));
    }

    /**
     * @param samples n × shape.size() values, row-major, channels first
     * @param columns images per row
     */
    static Charts.Drawing draw(String title, float[] samples, SampleShape shape, int columns) {
        if (!shape.isImage() || (shape.channels() != 1 && shape.channels() != 3)) {
            throw new IllegalArgumentException("a sample grid needs [1 or 3, H, W] images, got " + shape);
        }
        if (columns < 1 || samples.length % shape.size() != 0) {
            throw new IllegalArgumentException(samples.length + " values are not whole samples of " + shape);
        }
        int n = samples.length / shape.size();
        int rows = Math.max(1, (n + columns - 1) / columns);
        int s = scale(shape);
        int cellW = shape.width() * s;
        int cellH = shape.height() * s;
        int width = Math.max(320, columns * (cellW + GAP) + GAP);
        int height = TITLE_ROOM + rows * (cellH + GAP) + GAP;
        Charts.Sheet sheet = new Charts.Sheet(width, height, title);
        Graphics2D g = sheet.graphics();
        int left = (width - (columns * (cellW + GAP) + GAP)) / 2;
        g.setColor(new Color(0xdddddd));
        g.fillRect(left, TITLE_ROOM, columns * (cellW + GAP) + GAP, rows * (cellH + GAP) + GAP);
        for (int k = 0; k < n; k++) {
            BufferedImage one = image(samples, k, shape);
            int x = left + GAP + (k % columns) * (cellW + GAP);
            int y = TITLE_ROOM + GAP + (k / columns) * (cellH + GAP);
            g.drawImage(one, x, y, cellW, cellH, null);
        }
        return sheet.done();
    }

    /** Sample k as an RGB image at its own resolution. */
    static BufferedImage image(float[] samples, int k, SampleShape shape) {
        int c = shape.channels();
        int h = shape.height();
        int w = shape.width();
        int plane = h * w;
        int base = k * shape.size();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int rgb = 0;
                for (int ch = 0; ch < 3; ch++) {
                    float v = samples[base + (c == 1 ? 0 : ch) * plane + p];
                    if (Float.isNaN(v)) {
                        rgb = NAN_RGB;
                        break;
                    }
                    rgb = rgb << 8 | Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
                }
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }
}
