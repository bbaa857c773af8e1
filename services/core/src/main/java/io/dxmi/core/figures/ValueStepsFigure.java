package io.dxmi.core.figures;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Paper Fig. 3: the value V(x, t) at every step t = 0…T, one heat-map panel per step with its
 * own colour range (the values' scales differ between steps); the t = T panel is the energy.
 */
final class ValueStepsFigure {

    static final int PLOT = 220;
    static final int CELL_WIDTH = 75 + PLOT + HeatMap.BAR_ROOM;
    static final int CELL_HEIGHT = 40 + PLOT + 50;

    private ValueStepsFigure() {
    }

    /** Columns of the panel grid for n panels: about square. */
    static int columns(int panels) {
        return (int) Math.ceil(Math.sqrt(panels));
    }

    /**
     * @param values V(·, t) on the grid for t = 0…T; an entry is null where this process does
     *     not hold that value (drawn as an empty panel saying so)
     * @param missingReason the text of such empty panels
     */
    static BufferedImage draw(String title, Grid grid, List<float[]> values, String missingReason) {
        int n = values.size();
        int cols = columns(n);
        int rows = (n + cols - 1) / cols;
        try (Canvas c = new Canvas(cols * CELL_WIDTH + 10, 45 + rows * CELL_HEIGHT)) {
            c.title(title);
            int last = n - 1;
            for (int t = 0; t < n; t++) {
                int left = 75 + (t % cols) * CELL_WIDTH;
                int top = 45 + 40 + (t / cols) * CELL_HEIGHT;
                String caption = t == last ? "t = " + t + " (= T): energy E(x)" : "t = " + t + ": V(x, " + t + ")";
                float[] v = values.get(t);
                if (v == null) {
                    HeatMap.emptyPanel(c, left, top, PLOT, grid, caption, missingReason);
                } else {
                    HeatMap.panel(c, left, top, PLOT, grid, v, ValueRange.clipped(v, 0.98), Colormap.VIRIDIS,
                            caption, t == last ? "E" : "V");
                }
            }
            return c.image();
        }
    }
}
