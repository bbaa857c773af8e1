package io.dxmi.core.figures;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** A field on a {@link Grid} drawn as colours, and the colour bar that reads it. */
final class HeatMap {

    private HeatMap() {
    }

    /** Fills the area with the field's colours on [lo, hi] (bilinear between cell centres). */
    static void draw(Canvas c, PlotArea area, Grid grid, float[] values, ValueRange range, Colormap map) {
        BufferedImage cells = new BufferedImage(grid.nx(), grid.ny(), BufferedImage.TYPE_INT_RGB);
        for (int j = 0; j < grid.ny(); j++) {
            for (int i = 0; i < grid.nx(); i++) {
                // Image rows run downwards, grid rows upwards.
                cells.setRGB(i, grid.ny() - 1 - j, map.rgb(values[j * grid.nx() + i], range.lo(), range.hi()));
            }
        }
        Graphics2D g = c.graphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(cells, area.left(), area.top(), area.width(), area.height(), null);
    }

    /** Horizontal room a panel needs right of its plot for the colour bar, its ticks and its label. */
    static final int BAR_ROOM = 95;

    /**
     * One heat-map panel: the field over the grid with x/y axes, a caption above and a colour
     * bar on the right. Returns the plot area, for drawing points on top.
     */
    static PlotArea panel(Canvas c, int left, int top, int size, Grid grid, float[] values, ValueRange range,
            Colormap map, String caption, String barLabel) {
        PlotArea area = grid.area(left, top, size, size);
        draw(c, area, grid, values, range, map);
        area.drawAxes(c, "x₁", "x₂", 6);
        area.caption(c, caption);
        colorBar(c, area.right() + 12, top, 14, size, range, map, barLabel);
        return area;
    }

    /** A panel in place of a field that is not available here, saying why. */
    static void emptyPanel(Canvas c, int left, int top, int size, Grid grid, String caption, String why) {
        PlotArea area = grid.area(left, top, size, size);
        Graphics2D g = c.graphics();
        g.setColor(new Color(0xeeeeee));
        g.fillRect(left, top, size, size);
        area.drawAxes(c, "x₁", "x₂", 6);
        area.caption(c, caption);
        g.setColor(Color.DARK_GRAY);
        int y = top + size / 2 - 8;
        for (String line : why.split("\n")) {
            c.text(line, left + size / 2.0, y, Canvas.TICK, Canvas.Align.CENTER);
            y += 16;
        }
    }

    /** A vertical colour bar at (left, top) with ticks and a label on its right. */
    static void colorBar(Canvas c, int left, int top, int width, int height, ValueRange range, Colormap map,
            String label) {
        Graphics2D g = c.graphics();
        for (int y = 0; y < height; y++) {
            g.setColor(new Color(map.rgb(1 - y / (height - 1.0))));
            g.drawLine(left, top + y, left + width - 1, top + y);
        }
        PlotArea scale = new PlotArea(left, top, width, height, 0, 1, range.lo(), range.hi());
        g.setColor(Color.BLACK);
        g.drawRect(left, top, width, height);
        double step = Ticks.step(range.lo(), range.hi(), 5);
        int widest = 0;
        for (double v : Ticks.of(range.lo(), range.hi(), 5)) {
            int y = (int) Math.round(scale.py(v));
            g.drawLine(left + width, y, left + width + 3, y);
            String s = Ticks.label(v, step);
            widest = Math.max(widest, c.textWidth(s, Canvas.TICK));
            c.textMiddle(s, left + width + 5, y, Canvas.TICK, Canvas.Align.LEFT);
        }
        if (label != null) {
            c.verticalText(label, left + width + 14 + widest + c.ascent(Canvas.LABEL) / 2.0, top + height / 2.0,
                    Canvas.LABEL);
        }
    }
}
