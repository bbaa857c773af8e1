package io.dxmi.core.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;

/**
 * A rectangle of the canvas (pixels) that shows the data range [x0, x1] × [y0, y1], y up:
 * maps data to pixels and draws the frame, ticks, tick labels and axis labels.
 */
final class PlotArea {

    private final int left;
    private final int top;
    private final int width;
    private final int height;
    private final double x0;
    private final double x1;
    private final double y0;
    private final double y1;

    PlotArea(int left, int top, int width, int height, double x0, double x1, double y0, double y1) {
        this.left = left;
        this.top = top;
        this.width = width;
        this.height = height;
        this.x0 = x0;
        this.x1 = x1 > x0 ? x1 : x0 + 1;
        this.y0 = y0;
        this.y1 = y1 > y0 ? y1 : y0 + 1;
    }

    int left() {
        return left;
    }

    int top() {
        return top;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    int right() {
        return left + width;
    }

    int bottom() {
        return top + height;
    }

    /** Pixel column of data x. */
    double px(double x) {
        return left + (x - x0) / (x1 - x0) * width;
    }

    /** Pixel row of data y (y grows upwards). */
    double py(double y) {
        return top + (y1 - y) / (y1 - y0) * height;
    }

    /** Restricts drawing to the area; returns the previous clip for {@link Graphics2D#setClip(Shape)}. */
    Shape clip(Graphics2D g) {
        Shape old = g.getClip();
        g.clipRect(left, top, width, height);
        return old;
    }

    /** Frame, ticks with labels on the left and bottom, and the axis labels (either may be null). */
    void drawAxes(Canvas c, String xLabel, String yLabel, int tickTarget) {
        Graphics2D g = c.graphics();
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, width, height);
        double xStep = Ticks.step(x0, x1, tickTarget);
        int tickLen = 4;
        for (double v : Ticks.of(x0, x1, tickTarget)) {
            int x = (int) Math.round(px(v));
            g.drawLine(x, bottom(), x, bottom() + tickLen);
            c.text(Ticks.label(v, xStep), x, bottom() + tickLen + 2 + c.ascent(Canvas.TICK), Canvas.TICK,
                    Canvas.Align.CENTER);
        }
        double yStep = Ticks.step(y0, y1, tickTarget);
        int widest = 0;
        for (double v : Ticks.of(y0, y1, tickTarget)) {
            int y = (int) Math.round(py(v));
            g.drawLine(left - tickLen, y, left, y);
            String label = Ticks.label(v, yStep);
            widest = Math.max(widest, c.textWidth(label, Canvas.TICK));
            c.textMiddle(label, left - tickLen - 3, y, Canvas.TICK, Canvas.Align.RIGHT);
        }
        if (xLabel != null) {
            c.text(xLabel, left + width / 2.0, bottom() + tickLen + 6 + c.ascent(Canvas.TICK) + c.ascent(Canvas.LABEL),
                    Canvas.LABEL, Canvas.Align.CENTER);
        }
        if (yLabel != null) {
            c.verticalText(yLabel, left - tickLen - 8 - widest - c.ascent(Canvas.LABEL) / 2.0, top + height / 2.0,
                    Canvas.LABEL);
        }
    }

    /** A caption centred above the area (panel titles). */
    void caption(Canvas c, String text) {
        c.graphics().setColor(Color.BLACK);
        c.text(text, left + width / 2.0, top - 7, Canvas.LABEL, Canvas.Align.CENTER);
    }
}
