package io.dxmi.figures;

import io.dxmi.core.eval.MetricHistory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Metrics against iteration: one panel per {@link Panel}, stacked on a shared iteration axis,
 * each with its own value axis (SW and AUC have different units and directions). Every point
 * has a marker, so that a history of one point still shows.
 */
final class MetricCurvesFigure {

    static final int WIDTH = 900;
    static final int PANEL_HEIGHT = 230;
    static final int TITLE_ROOM = 90;

    /** A curve: a history key, its legend text and colour. */
    record Series(String key, String label, Color colour) {}

    /** A panel: its value axis label and its curves. */
    record Panel(String axisLabel, List<Series> series) {}

    private MetricCurvesFigure() {
    }

    static int height(int panels) {
        return TITLE_ROOM + panels * PANEL_HEIGHT;
    }

    static Charts.Drawing draw(String title, MetricHistory history, List<Panel> panels) {
        List<MetricHistory.Point> points = history.points();
        NumberAxis iteration = Charts.axis("iteration");
        iteration.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        double[] its = points.stream().mapToDouble(MetricHistory.Point::iteration).toArray();
        if (its.length > 0) {
            double[] r = padded(its, 0.02, 1);
            iteration.setRange(r[0], r[1]);
        }
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(iteration);
        combined.setGap(14);
        for (Panel panel : panels) {
            combined.add(subplot(panel, points), 1);
        }
        JFreeChart chart = Charts.chart(null, combined, true);
        chart.setTitle(new TextTitle(title, Charts.TITLE));
        chart.getLegend().setPosition(RectangleEdge.TOP);
        return Charts.single(chart, WIDTH, height(panels.size()));
    }

    private static XYPlot subplot(Panel panel, List<MetricHistory.Point> points) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        List<Double> values = new ArrayList<>();
        for (Series s : panel.series()) {
            XYSeries xy = new XYSeries(s.label(), true, true);
            for (MetricHistory.Point p : points) {
                double v = p.values().getOrDefault(s.key(), Double.NaN);
                if (Double.isFinite(v)) {
                    xy.add(p.iteration(), v);
                    values.add(v);
                }
            }
            int i = data.getSeriesCount();
            data.addSeries(xy);
            renderer.setSeriesPaint(i, s.colour());
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }
        NumberAxis axis = Charts.axis(panel.axisLabel());
        if (!values.isEmpty()) {
            double[] r = padded(values.stream().mapToDouble(Double::doubleValue).toArray(), 0.08, 0.05);
            axis.setRange(r[0], r[1]);
        }
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        plot.setNoDataMessage("no evaluations yet");
        plot.setNoDataMessageFont(Charts.LABEL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Charts.GRID);
        plot.setRangeGridlinePaint(Charts.GRID);
        return plot;
    }

    /**
     * [min, max] of the values widened by a fraction of the span, or, when they are all equal (one
     * evaluation), by {@code ifFlat} or 5 % of the value: a single point sits mid-panel between
     * readable ticks instead of on an axis a millionth wide.
     */
    static double[] padded(double[] values, double fraction, double ifFlat) {
        double lo = Arrays.stream(values).min().orElse(0);
        double hi = Arrays.stream(values).max().orElse(1);
        double span = hi - lo;
        double pad = span > 0 ? span * fraction : Math.max(ifFlat, Math.abs(lo) * 0.05);
        return new double[] {lo - pad, hi + pad};
    }
}
