package io.dxmi.figures;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/** Fields on a {@link Grid} as JFreeChart heat maps ({@link XYBlockRenderer}) and their colour bars. */
final class HeatMaps {

    /** Characters per line of an empty panel's text (a panel is about 220 pixels wide). */
    static final int WRAP = 32;

    private HeatMaps() {
    }

    /** The text's lines ({@code \n} breaks), each wrapped at spaces to at most {@code width} characters. */
    static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        for (String paragraph : text.split("\n")) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.trim().split(" +")) {
                if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                    out.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.length() > 0 ? " " : "").append(word);
            }
            out.add(line.toString());
        }
        return out;
    }

    /** A heat-map plot of the field over the grid's box, coloured by {@code scale}. */
    static XYPlot plot(Grid grid, float[] values, Viridis scale) {
        int n = grid.size();
        double[][] xyz = new double[3][n];
        for (int j = 0; j < grid.ny(); j++) {
            for (int i = 0; i < grid.nx(); i++) {
                int k = j * grid.nx() + i;
                xyz[0][k] = grid.x(i);
                xyz[1][k] = grid.y(j);
                xyz[2][k] = values[k];
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("field", xyz);
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setBlockWidth((grid.x1() - grid.x0()) / grid.nx());
        renderer.setBlockHeight((grid.y1() - grid.y0()) / grid.ny());
        renderer.setPaintScale(scale);
        renderer.setDefaultSeriesVisibleInLegend(false);
        XYPlot plot = new XYPlot(data, boxAxis("x\u2081", grid.x0(), grid.x1()), boxAxis("x\u2082", grid.y0(), grid.y1()),
                renderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        return plot;
    }

    /** A panel in place of a field that is not available here, saying why (one line per {@code \n}). */
    static XYPlot empty(Grid grid, String why) {
        XYPlot plot = new XYPlot(null, boxAxis("x\u2081", grid.x0(), grid.x1()), boxAxis("x\u2082", grid.y0(), grid.y1()),
                null);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        List<String> lines = wrap(why, WRAP);
        double step = (grid.y1() - grid.y0()) / 12;
        double top = (grid.y0() + grid.y1()) / 2 + step * (lines.size() - 1) / 2;
        for (int i = 0; i < lines.size(); i++) {
            XYTextAnnotation a = new XYTextAnnotation(lines.get(i), (grid.x0() + grid.x1()) / 2, top - i * step);
            a.setFont(Charts.TICK);
            a.setPaint(Color.DARK_GRAY);
            plot.addAnnotation(a);
        }
        return plot;
    }

    /** The chart of a heat-map plot: grey where no data is drawn, no legend. */
    static JFreeChart chart(String caption, XYPlot plot) {
        JFreeChart chart = Charts.chart(caption, plot, false);
        plot.setBackgroundPaint(new Color(0xeeeeee));
        return chart;
    }

    /** A vertical colour bar for {@code scale}, labelled. */
    static PaintScaleLegend colourBar(Viridis scale, String label) {
        NumberAxis axis = Charts.axis(label);
        axis.setRange(scale.getLowerBound(), scale.getUpperBound());
        PaintScaleLegend bar = new PaintScaleLegend(scale, axis);
        bar.setPosition(RectangleEdge.RIGHT);
        bar.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
        bar.setStripWidth(14);
        bar.setSubdivisionCount(256);
        bar.setMargin(new RectangleInsets(4, 10, 4, 4));
        bar.setBackgroundPaint(Color.WHITE);
        return bar;
    }

    private static NumberAxis boxAxis(String label, double lo, double hi) {
        NumberAxis a = Charts.axis(label, lo, hi);
        a.setLowerMargin(0);
        a.setUpperMargin(0);
        return a;
    }
}
