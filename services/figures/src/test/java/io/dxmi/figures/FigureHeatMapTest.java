package io.dxmi.figures;

import org.junit.jupiter.api.Test;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A heat map puts each value's colour where the value is (read back from the pixels). */
class FigureHeatMapTest {

    /** Sum of squared channel differences. */
    static int distance(int rgb, int target) {
        int d = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int a = (rgb >> shift) & 0xff;
            int b = (target >> shift) & 0xff;
            d += (a - b) * (a - b);
        }
        return d;
    }

    /** The image pixel of the data point (x, y) in a panel showing the grid's box. */
    static int pixel(BufferedImage image, Rectangle2D area, Grid grid, double x, double y) {
        int px = (int) (area.getMinX() + (x - grid.x0()) / (grid.x1() - grid.x0()) * area.getWidth());
        int py = (int) (area.getMaxY() - (y - grid.y0()) / (grid.y1() - grid.y0()) * area.getHeight());
        return image.getRGB(px, py) & 0xffffff;
    }

    /**
     * The data point (x, y) at the centre of the pixels in the area whose colour is closest to
     * {@code target} (a colour table has few entries, so near an extremum several pixels tie).
     */
    static double[] closestPixel(BufferedImage image, Rectangle2D area, Grid grid, int target) {
        int best = Integer.MAX_VALUE;
        double sx = 0;
        double sy = 0;
        int n = 0;
        for (int py = (int) area.getMinY() + 2; py < area.getMaxY() - 2; py++) {
            for (int px = (int) area.getMinX() + 2; px < area.getMaxX() - 2; px++) {
                int d = distance(image.getRGB(px, py), target);
                if (d < best) {
                    best = d;
                    sx = 0;
                    sy = 0;
                    n = 0;
                }
                if (d == best) {
                    sx += px + 0.5;
                    sy += py + 0.5;
                    n++;
                }
            }
        }
        return new double[] {grid.x0() + (sx / n - area.getMinX()) / area.getWidth() * (grid.x1() - grid.x0()),
            grid.y1() - (sy / n - area.getMinY()) / area.getHeight() * (grid.y1() - grid.y0())};
    }

    private static float[] bowl(Grid grid, double cx, double cy, double offset) {
        float[] rows = grid.rows();
        float[] f = new float[grid.size()];
        for (int k = 0; k < f.length; k++) {
            double dx = rows[2 * k] - cx;
            double dy = rows[2 * k + 1] - cy;
            f[k] = (float) (offset + dx * dx + 0.5 * dy * dy);
        }
        return f;
    }

    @Test
    void theColourOfTheMinimumIsWhereTheMinimumIs() {
        Grid grid = new Grid(-4, 4, -4, 4, 80, 80);
        float[] f = bowl(grid, 1.5, -2.0, 0);
        Viridis scale = new Viridis(ValueRange.clipped(f, 1.0));
        Charts.Drawing d = Charts.single(HeatMaps.chart("test", HeatMaps.plot(grid, f, scale)), 500, 500);
        Rectangle2D area = d.dataAreas().get(0);
        double[] min = closestPixel(d.image(), area, grid, Viridis.at(0).getRGB());
        assertEquals(1.5, min[0], 0.15, "x of the darkest pixel");
        assertEquals(-2.0, min[1], 0.15, "y of the darkest pixel");
        // The maximum of f on the box is the corner farthest from (1.5, -2): (-4, 4), top left.
        double[] max = closestPixel(d.image(), area, grid, Viridis.at(1).getRGB());
        assertTrue(max[0] < -3.5 && max[1] > 3.5, "brightest pixel at " + max[0] + ", " + max[1]);
    }

    @Test
    void valuePanelsShareOneColourScale() {
        // The same bowl, the second panel raised by a third of its range: on one scale its minimum is
        // brighter than the first panel's; with a scale per panel both minima would be equally dark.
        Grid grid = new Grid(-4, 4, -4, 4, 40, 40);
        float[] low = bowl(grid, 0, 0, 0);
        float[] high = bowl(grid, 0, 0, 8);
        Charts.Drawing d = ValueStepsFigure.draw("t", grid, List.of(low, high), "unused");
        int lowMin = pixel(d.image(), d.dataAreas().get(0), grid, 0, 0);
        int highMin = pixel(d.image(), d.dataAreas().get(1), grid, 0, 0);
        assertTrue(distance(lowMin, Viridis.at(0).getRGB() & 0xffffff) < 300, Integer.toHexString(lowMin));
        assertTrue(distance(highMin, Viridis.at(0).getRGB() & 0xffffff) > 5000, Integer.toHexString(highMin));
        // The same value in both panels has the same colour: the cells centred at x = 3.9 of the low bowl
        // (15.21) and at x = 2.7 of the high one (15.29), on the row y = 0.1 (0.005 more in both).
        int a = pixel(d.image(), d.dataAreas().get(0), grid, 3.9, 0.1);
        int b = pixel(d.image(), d.dataAreas().get(1), grid, 2.7, 0.1);
        assertTrue(distance(a, b) < 400, Integer.toHexString(a) + " vs " + Integer.toHexString(b));
    }

    @Test
    void viridisRunsFromDarkPurpleToYellowAndClamps() {
        assertEquals(0x440154, Viridis.at(0).getRGB() & 0xffffff);
        assertEquals(0xfde725, Viridis.at(1).getRGB() & 0xffffff);
        Viridis scale = new Viridis(new ValueRange(0, 1));
        assertEquals(Viridis.at(0), scale.getPaint(-3));
        assertEquals(Viridis.at(1), scale.getPaint(7));
        assertEquals(Viridis.at(1), scale.getPaint(Double.NaN));
        // Perceptually ordered: luminance grows along the map.
        double previous = -1;
        for (int i = 0; i <= 10; i++) {
            int rgb = Viridis.at(i / 10.0).getRGB();
            double lum = 0.2126 * (rgb >> 16 & 0xff) + 0.7152 * (rgb >> 8 & 0xff) + 0.0722 * (rgb & 0xff);
            assertTrue(lum > previous, "luminance at " + i / 10.0);
            previous = lum;
        }
    }

    @Test
    void anEmptyPanelsTextIsWrappedToThePanel() {
        assertEquals(List.of("no value snapshot yet:", "the value-learner publishes one", "every evaluation"),
                HeatMaps.wrap("no value snapshot yet:\nthe value-learner publishes one every evaluation", 32));
        assertEquals(List.of("short"), HeatMaps.wrap("short", 32));
    }
}
