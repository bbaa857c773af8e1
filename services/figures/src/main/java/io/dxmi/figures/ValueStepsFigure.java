package io.dxmi.figures;

import org.jfree.chart.plot.XYPlot;

import java.util.ArrayList;
import java.util.List;

/**
 * Paper Fig. 3: the value V(x, t) at every step t = 0…T, one heat-map panel per step; the t = T
 * panel is the energy. All panels share one colour scale (one colour bar), so that the values of
 * different steps can be compared; it ends at the 98th percentile of all panels' values.
 */
final class ValueStepsFigure {

    static final int PANEL = 280;
    static final int BAR_WIDTH = 110;
    static final int TITLE_ROOM = 40;
    static final double CLIP_QUANTILE = 0.98;

    private ValueStepsFigure() {
    }

    /** Columns of the panel grid for n panels: about square. */
    static int columns(int panels) {
        return (int) Math.ceil(Math.sqrt(panels));
    }

    static int width(int panels) {
        return columns(panels) * PANEL + BAR_WIDTH;
    }

    static int height(int panels) {
        int cols = columns(panels);
        return TITLE_ROOM + (panels + cols - 1) / cols * PANEL;
    }

    /**
     * @param values V(·, t) on the grid for t = 0…T; an entry is null where this process does
     *     not hold that value (drawn as an empty panel saying so)
     * @param missingReason the text of such empty panels
     */
    static Charts.Drawing draw(String title, Grid grid, List<float[]> values, String missingReason) {
        int n = values.size();
        int cols = columns(n);
        List<float[]> present = new ArrayList<>();
        values.forEach(v -> {
            if (v != null) {
                present.add(v);
            }
        });
        Viridis scale = new Viridis(ValueRange.clipped(present, CLIP_QUANTILE));
        Charts.Sheet sheet = new Charts.Sheet(width(n), height(n), title);
        int last = n - 1;
        for (int t = 0; t < n; t++) {
            String caption = t == last ? "t = " + t + " (= T): energy E(x)" : "t = " + t + ": V(x, " + t + ")";
            float[] v = values.get(t);
            XYPlot plot = v == null ? HeatMaps.empty(grid, missingReason) : HeatMaps.plot(grid, v, scale);
            sheet.draw(HeatMaps.chart(caption, plot), (t % cols) * PANEL, TITLE_ROOM + (t / cols) * PANEL, PANEL,
                    PANEL);
        }
        return sheet.drawBeside(HeatMaps.colourBar(scale, "V(x, t)"), cols * PANEL, BAR_WIDTH).done();
    }
}
