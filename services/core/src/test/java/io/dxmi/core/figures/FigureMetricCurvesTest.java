package io.dxmi.core.figures;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metric curves cope with short histories and draw the series they are given. */
class FigureMetricCurvesTest {

    private static final List<MetricCurvesFigure.Panel> PANELS = List.of(new MetricCurvesFigure.Panel("q", "m",
            List.of(new MetricCurvesFigure.Series("sw", "SW"), new MetricCurvesFigure.Series("auc", "AUC"))));
    private static final int SW_BLUE = 0x1f77b4;

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

    @Test
    void emptyAndOnePointHistoriesDoNotCrash() {
        BufferedImage empty = MetricCurvesFigure.draw("t", new MetricHistory(), PANELS);
        assertEquals(MetricCurvesFigure.PANEL_WIDTH, empty.getWidth());
        assertEquals(0, count(empty, SW_BLUE));
        BufferedImage one = MetricCurvesFigure.draw("t", new MetricHistory().add(5, Map.of("sw", 0.4)), PANELS);
        assertTrue(count(one, SW_BLUE) > 0, "a single point still shows");
        BufferedImage nan = MetricCurvesFigure.draw("t",
                new MetricHistory().add(5, Map.of("sw", Double.NaN, "auc", Double.POSITIVE_INFINITY)), PANELS);
        assertEquals(0, count(nan, SW_BLUE));
    }

    @Test
    void aRisingCurveEndsHigherThanItStarts() {
        MetricHistory h = new MetricHistory().add(0, Map.of("sw", 0.1)).add(100, Map.of("sw", 0.9))
                .add(200, Map.of("sw", 0.95));
        BufferedImage image = MetricCurvesFigure.draw("t", h, PANELS);
        int leftX = -1;
        int leftY = -1;
        int rightX = -1;
        int rightY = -1;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xffffff) == SW_BLUE) {
                    if (leftX < 0) {
                        leftX = x;
                        leftY = y;
                    }
                    rightX = x;
                    rightY = y;
                }
            }
        }
        assertTrue(leftX >= 0 && rightX > leftX + 100, "a long line was drawn");
        // Pixel rows grow downwards: the end (0.95) sits well above the start (0.1).
        assertTrue(rightY < leftY - 100, "start y " + leftY + ", end y " + rightY);
        assertFalse(new MetricHistory().has("sw"));
    }
}
