package io.dxmi.figures;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.title.Title;
import org.jfree.chart.ui.RectangleInsets;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The house style of every figure (fonts, white background, light grid) and the composition of
 * several JFreeChart panels into one image: a title, panels at given places, and where each
 * panel's data area ended up (the tests read pixels back through it).
 */
final class Charts {

    static {
        // Figures are drawn in servers and tests: never try to open a display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Color GRID = new Color(0xdddddd);

    private Charts() {
    }

    /** A number axis over [lo, hi] exactly, in the house fonts. */
    static NumberAxis axis(String label, double lo, double hi) {
        NumberAxis a = axis(label);
        a.setAutoRangeIncludesZero(false);
        a.setRange(lo, hi);
        return a;
    }

    /** An auto-ranging number axis in the house fonts. */
    static NumberAxis axis(String label) {
        NumberAxis a = new NumberAxis(label);
        a.setLabelFont(LABEL);
        a.setTickLabelFont(TICK);
        a.setAutoRangeIncludesZero(false);
        return a;
    }

    /** A chart around a plot: title in the panel font, white background, no legend unless asked. */
    static JFreeChart chart(String title, XYPlot plot, boolean legend) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        JFreeChart chart = new JFreeChart(title, PANEL_TITLE, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        if (legend) {
            chart.getLegend().setItemFont(TICK);
        }
        return chart;
    }

    /** One chart as the whole image. */
    static Drawing single(JFreeChart chart, int width, int height) {
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, info);
        return new Drawing(image, List.of(info.getPlotInfo().getDataArea()));
    }

    /** An image being composed from panels; {@link #dataAreas()} lists each drawn panel's data area. */
    static final class Sheet {
        private final BufferedImage image;
        private final Graphics2D g;
        private final List<Rectangle2D> dataAreas = new ArrayList<>();

        Sheet(int width, int height, String title) {
            image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            TextTitle t = new TextTitle(title, TITLE);
            // A title lays its text out in arrange(); draw() alone would draw nothing.
            t.arrange(g, RectangleConstraint.NONE);
            t.draw(g, new Rectangle2D.Double(0, 8, width, 26));
        }

        /** Draws a chart into the rectangle and records its data area. */
        Sheet draw(JFreeChart chart, double x, double y, double w, double h) {
            ChartRenderingInfo info = new ChartRenderingInfo();
            chart.draw(g, new Rectangle2D.Double(x, y, w, h), info);
            dataAreas.add(info.getPlotInfo().getDataArea());
            return this;
        }

        /**
         * Draws a title block (a colour bar) at {@code left}, as tall as the data areas drawn so
         * far: it reads against every panel beside it.
         */
        Sheet drawBeside(Title block, double left, double width) {
            double top = dataAreas.stream().mapToDouble(Rectangle2D::getMinY).min().orElse(0);
            double bottom = dataAreas.stream().mapToDouble(Rectangle2D::getMaxY).max().orElse(image.getHeight());
            block.draw(g, new Rectangle2D.Double(left, top - 4, width, bottom - top + 8));
            return this;
        }

        /** The sheet's graphics, for drawing that is not a chart (images). */
        Graphics2D graphics() {
            return g;
        }

        Drawing done() {
            g.dispose();
            return new Drawing(image, List.copyOf(dataAreas));
        }
    }

    /**
     * A finished figure.
     *
     * @param image the pixels
     * @param dataAreas each panel's data area in the image, in drawing order
     */
    record Drawing(BufferedImage image, List<Rectangle2D> dataAreas) {}
}
