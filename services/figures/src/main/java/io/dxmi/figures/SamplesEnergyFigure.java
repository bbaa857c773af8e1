package io.dxmi.figures;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;

/**
 * Paper Fig. 2: generated samples (white dots) over the learned energy E(x) on the evaluation box,
 * data points faintly (orange) for reference. The colour range ends at E's 98th percentile so
 * that a few huge values far from the data do not wash out the structure where the data is.
 */
final class SamplesEnergyFigure {

    static final int WIDTH = 640;
    static final int HEIGHT = 600;
    static final double CLIP_QUANTILE = 0.98;

    private SamplesEnergyFigure() {
    }

    /**
     * @param energy E on the grid
     * @param samples generated rows (x, y)
     * @param dataPoints data rows drawn faintly for reference (may be empty)
     */
    static Charts.Drawing draw(String title, Grid grid, float[] energy, float[] samples, float[] dataPoints) {
        Viridis scale = new Viridis(ValueRange.clipped(energy, CLIP_QUANTILE));
        XYPlot plot = HeatMaps.plot(grid, energy, scale);
        XYSeriesCollection points = new XYSeriesCollection();
        points.addSeries(series("generated samples (" + samples.length / 2 + ")", samples));
        XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
        dots.setSeriesShape(0, new Ellipse2D.Double(-2, -2, 4, 4));
        dots.setUseFillPaint(true);
        dots.setUseOutlinePaint(true);
        dots.setDrawOutlines(true);
        dots.setSeriesFillPaint(0, new Color(255, 255, 255, 220));
        dots.setSeriesOutlinePaint(0, new Color(0, 0, 0, 120));
        dots.setSeriesOutlineStroke(0, new BasicStroke(0.6f));
        dots.setSeriesPaint(0, Color.WHITE);
        if (dataPoints.length > 0) {
            points.addSeries(series("data (" + dataPoints.length / 2 + ")", dataPoints));
            dots.setSeriesShape(1, new Ellipse2D.Double(-1.4, -1.4, 2.8, 2.8));
            dots.setSeriesFillPaint(1, new Color(255, 140, 40, 150));
            dots.setSeriesOutlinePaint(1, new Color(255, 140, 40, 150));
            dots.setSeriesPaint(1, new Color(255, 140, 40));
        }
        // The plot draws series last to first by default: the samples (series 0) end on top.
        plot.setDataset(1, points);
        plot.setRenderer(1, dots);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        JFreeChart chart = HeatMaps.chart(null, plot);
        chart.setTitle(new TextTitle(title, Charts.TITLE));
        chart.addSubtitle(new TextTitle("learned energy E(x) (colour, clipped at its 98th percentile) and samples",
                Charts.PANEL_TITLE));
        LegendTitle legend = new LegendTitle(dots);
        legend.setItemFont(Charts.TICK);
        legend.setPosition(RectangleEdge.BOTTOM);
        chart.addSubtitle(legend);
        chart.addSubtitle(HeatMaps.colourBar(scale, "E(x)"));
        return Charts.single(chart, WIDTH, HEIGHT);
    }

    private static XYSeries series(String name, float[] rows) {
        XYSeries s = new XYSeries(name, false, true);
        for (int k = 0; k < rows.length / 2; k++) {
            s.add(rows[2 * k], rows[2 * k + 1], false);
        }
        return s;
    }
}
