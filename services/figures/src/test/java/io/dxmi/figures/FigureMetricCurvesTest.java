package io.dxmi.figures;

import io.dxmi.core.eval.MetricHistory;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metric curves cope with short histories, draw the series they are given, each panel on its own axis. */
class FigureMetricCurvesTest {

    private static final int SW_BLUE = 0x1f77b4;
    private static final int AUC_ORANGE = 0xff7f0e;
    private static final List<MetricCurvesFigure.Panel> PANELS = List.of(
            new MetricCurvesFigure.Panel("SW", List.of(new MetricCurvesFigure.Series("sw", "SW", new Color(SW_BLUE)))),
            new MetricCurvesFigure.Panel("AUC",
                    List.of(new MetricCurvesFigure.Series("auc", "AUC", new Color(AUC_ORANGE)))));

    private static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The topmost and bottommost rows where the colour occurs, excluding the legend strip at the top. */
    private static int[] rows(BufferedImage image, int rgb, int fromY) {
        int top = -1;
        int bottom = -1;
        for (int y = fromY; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    top = top < 0 ? y : top;
                    bottom = y;
                }
            }
        }
        return new int[] {top, bottom};
    }

    @Test
    void emptyAndOnePointHistoriesDoNotCrash() {
        BufferedImage empty = MetricCurvesFigure.draw("t", new MetricHistory(), PANELS).image();
        assertEquals(MetricCurvesFigure.height(2), empty.getHeight());
        int legendOnly = count(empty, SW_BLUE);
        BufferedImage one = MetricCurvesFigure.draw("t", new MetricHistory().add(5, Map.of("sw", 0.4)), PANELS).image();
        assertTrue(count(one, SW_BLUE) > legendOnly + 10, "a single point still shows");
        BufferedImage nan = MetricCurvesFigure.draw("t",
                new MetricHistory().add(5, Map.of("sw", Double.NaN, "auc", Double.POSITIVE_INFINITY)), PANELS).image();
        assertEquals(legendOnly, count(nan, SW_BLUE), "non-finite values draw nothing");
    }

    @Test
    void swAndAucEachFillTheirOwnPanel() {
        // SW around 0.05, AUC around 0.9: on one shared axis SW would be a flat line at the bottom. On their own
        // axes, each curve spans most of its own panel's height, and the SW panel lies above the AUC panel.
        MetricHistory h = new MetricHistory().add(0, Map.of("sw", 0.09, "auc", 0.80))
                .add(100, Map.of("sw", 0.05, "auc", 0.88)).add(200, Map.of("sw", 0.03, "auc", 0.90));
        Charts.Drawing d = MetricCurvesFigure.draw("t", h, PANELS);
        int below = (int) d.dataAreas().get(0).getMinY();
        int[] sw = rows(d.image(), SW_BLUE, below);
        int[] auc = rows(d.image(), AUC_ORANGE, below);
        int panel = MetricCurvesFigure.PANEL_HEIGHT;
        assertTrue(sw[1] - sw[0] > panel / 2, "SW spans " + (sw[1] - sw[0]) + " px of a " + panel + " px panel");
        assertTrue(auc[1] - auc[0] > panel / 2, "AUC spans " + (auc[1] - auc[0]) + " px");
        assertTrue(sw[1] < auc[0], "the SW panel is above the AUC panel");
        assertFalse(new MetricHistory().has("sw"));
    }

    @Test
    void oneEvaluationSitsBetweenReadableTicks() {
        assertArrayEquals(new double[] {0.05, 0.15}, MetricCurvesFigure.padded(new double[] {0.1}, 0.08, 0.05), 1e-12);
        assertArrayEquals(new double[] {285, 315}, MetricCurvesFigure.padded(new double[] {300}, 0.02, 1), 1e-9);
        assertArrayEquals(new double[] {-0.8, 10.8}, MetricCurvesFigure.padded(new double[] {0, 10, 4}, 0.08, 1), 1e-12);
    }
}
