package io.dxmi.core.figures;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

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

    /**
     * The data point (x, y) at the centre of the pixels in the area whose colour is closest to
     * {@code target} (a colour table has few entries, so near an extremum several pixels tie).
     */
    static double[] closestPixel(BufferedImage image, PlotArea area, Grid grid, int target) {
        int best = Integer.MAX_VALUE;
        double sx = 0;
        double sy = 0;
        int n = 0;
        for (int py = area.top() + 1; py < area.bottom(); py++) {
            for (int px = area.left() + 1; px < area.right(); px++) {
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
        return new double[] {grid.x0() + (sx / n - area.left()) / area.width() * (grid.x1() - grid.x0()),
            grid.y1() - (sy / n - area.top()) / area.height() * (grid.y1() - grid.y0())};
    }

    @Test
    void theColourOfTheMinimumIsWhereTheMinimumIs() {
        Grid grid = new Grid(-4, 4, -4, 4, 80, 80);
        float[] rows = grid.rows();
        float[] f = new float[grid.size()];
        for (int k = 0; k < f.length; k++) {
            double dx = rows[2 * k] - 1.5;
            double dy = rows[2 * k + 1] + 2.0;
            f[k] = (float) (dx * dx + 0.5 * dy * dy);
        }
        ValueRange range = ValueRange.clipped(f, 1.0);
        try (Canvas c = new Canvas(500, 500)) {
            PlotArea area = HeatMap.panel(c, 60, 40, 320, grid, f, range, Colormap.VIRIDIS, "test", "f");
            BufferedImage image = c.image();
            double[] min = closestPixel(image, area, grid, Colormap.VIRIDIS.rgb(0));
            assertEquals(1.5, min[0], 0.15, "x of the darkest pixel");
            assertEquals(-2.0, min[1], 0.15, "y of the darkest pixel");
            // The maximum of f on the box is the corner farthest from (1.5, -2): (-4, 4), top left.
            double[] max = closestPixel(image, area, grid, Colormap.VIRIDIS.rgb(1));
            assertTrue(max[0] < -3.5 && max[1] > 3.5, "brightest pixel at " + max[0] + ", " + max[1]);
        }
    }

    @Test
    void colormapRunsFromDarkPurpleToYellowAndClamps() {
        assertEquals(0x440154, Colormap.VIRIDIS.rgb(0));
        assertEquals(0xfde725, Colormap.VIRIDIS.rgb(1));
        assertEquals(Colormap.VIRIDIS.rgb(0), Colormap.VIRIDIS.rgb(-3, 0, 1));
        assertEquals(Colormap.VIRIDIS.rgb(1), Colormap.VIRIDIS.rgb(7, 0, 1));
        // Perceptually ordered: luminance grows along the map.
        double previous = -1;
        for (int i = 0; i <= 10; i++) {
            int rgb = Colormap.VIRIDIS.rgb(i / 10.0);
            double lum = 0.2126 * (rgb >> 16 & 0xff) + 0.7152 * (rgb >> 8 & 0xff) + 0.0722 * (rgb & 0xff);
            assertTrue(lum > previous, "luminance at " + i / 10.0);
            previous = lum;
        }
    }

    @Test
    void ticksAreRoundNumbersInsideTheRange() {
        double[] t = Ticks.of(-4, 4, 6);
        assertEquals(-4, t[0], 1e-12);
        assertEquals(4, t[t.length - 1], 1e-12);
        assertEquals("0.05", Ticks.label(0.05, Ticks.step(0, 0.3, 6)));
        assertEquals("2000", Ticks.label(2000, Ticks.step(0, 4000, 6)));
        assertEquals(1, Ticks.of(3, 3, 5).length);
    }
}
