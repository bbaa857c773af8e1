package io.dxmi.core.figures;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;

/** Paper Fig. 2: generated samples as dots over the heat map of the learned energy E(x). */
final class SamplesEnergyFigure {

    static final int WIDTH = 720;
    static final int HEIGHT = 660;
    private static final int PLOT = 520;
    private static final Color DATA = new Color(255, 140, 40, 150);
    private static final Color SAMPLE = new Color(255, 255, 255, 220);
    private static final Color SAMPLE_EDGE = new Color(0, 0, 0, 120);

    private SamplesEnergyFigure() {
    }

    /**
     * @param energy E on the grid
     * @param samples generated rows (x, y)
     * @param dataPoints data rows drawn faintly for reference (may be empty)
     */
    static BufferedImage draw(String title, Grid grid, float[] energy, float[] samples, float[] dataPoints) {
        try (Canvas c = new Canvas(WIDTH, HEIGHT)) {
            c.title(title);
            ValueRange range = ValueRange.clipped(energy, 0.98);
            PlotArea area = HeatMap.panel(c, 75, 70, PLOT, grid, energy, range, Colormap.VIRIDIS,
                    "learned energy E(x) (colour, clipped at its 98th percentile) and samples", "E(x)");
            Graphics2D g = c.graphics();
            Shape old = area.clip(g);
            dots(g, area, dataPoints, 1.4, DATA, null);
            dots(g, area, samples, 1.8, SAMPLE, SAMPLE_EDGE);
            g.setClip(old);
            legend(c, area, samples.length / 2, dataPoints.length / 2);
            return c.image();
        }
    }

    private static void dots(Graphics2D g, PlotArea area, float[] rows, double radius, Color fill, Color edge) {
        for (int k = 0; k < rows.length / 2; k++) {
            double x = area.px(rows[2 * k]);
            double y = area.py(rows[2 * k + 1]);
            Ellipse2D dot = new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius);
            g.setColor(fill);
            g.fill(dot);
            if (edge != null) {
                g.setColor(edge);
                g.draw(dot);
            }
        }
    }

    private static void legend(Canvas c, PlotArea area, int samples, int data) {
        Graphics2D g = c.graphics();
        int x = area.left() + 8;
        int y = area.top() + 8;
        String samplesText = "generated samples (" + samples + ")";
        int w = 34 + Math.max(c.textWidth(samplesText, Canvas.TICK), c.textWidth("data (" + data + ")", Canvas.TICK));
        g.setColor(new Color(255, 255, 255, 200));
        g.fillRect(x, y, w, data > 0 ? 42 : 24);
        g.setColor(Color.BLACK);
        g.drawRect(x, y, w, data > 0 ? 42 : 24);
        g.setColor(Color.WHITE);
        g.fillOval(x + 8, y + 8, 8, 8);
        g.setColor(Color.BLACK);
        g.drawOval(x + 8, y + 8, 8, 8);
        c.textMiddle(samplesText, x + 24, y + 12, Canvas.TICK, Canvas.Align.LEFT);
        if (data > 0) {
            g.setColor(new Color(255, 140, 40));
            g.fillOval(x + 8, y + 26, 8, 8);
            g.setColor(Color.BLACK);
            c.textMiddle("data (" + data + ")", x + 24, y + 30, Canvas.TICK, Canvas.Align.LEFT);
        }
    }
}
