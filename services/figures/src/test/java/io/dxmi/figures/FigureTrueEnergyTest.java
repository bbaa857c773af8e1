package io.dxmi.figures;

import io.dxmi.core.data.GaussianMixture;
import io.dxmi.core.data.ToyDatasets;
import org.junit.jupiter.api.Test;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The true-energy panel has its low-energy spots where the data's modes are. */
class FigureTrueEnergyTest {

    @Test
    void eightGaussiansHaveExactlyEightLocalMinimaAtTheModes() {
        // Odd size: the axis modes sit on a cell centre rather than between two tied cells.
        Grid grid = new Grid(-4, 4, -4, 4, 101, 101);
        TrueEnergy.Field field = TrueEnergy.on(ToyDatasets.byName("8gaussians"), grid, 1).orElseThrow();
        assertEquals("analytic", field.method());
        GaussianMixture mix = ToyDatasets.mixture("8gaussians").orElseThrow();
        List<double[]> minima = new ArrayList<>();
        float[] e = field.values();
        for (int j = 1; j < grid.ny() - 1; j++) {
            for (int i = 1; i < grid.nx() - 1; i++) {
                float v = e[j * grid.nx() + i];
                if (v < e[j * grid.nx() + i - 1] && v < e[j * grid.nx() + i + 1] && v < e[(j - 1) * grid.nx() + i]
                        && v < e[(j + 1) * grid.nx() + i]) {
                    minima.add(new double[] {grid.x(i), grid.y(j)});
                }
            }
        }
        assertEquals(8, minima.size());
        for (int k = 0; k < 8; k++) {
            double mx = mix.mean(k, 0);
            double my = mix.mean(k, 1);
            assertTrue(minima.stream().anyMatch(m -> Math.hypot(m[0] - mx, m[1] - my) < 0.1),
                    "a minimum at mode " + k + " (" + mx + ", " + my + ")");
        }
    }

    @Test
    void theRenderedTruePanelIsDarkAtTheModesAndBrightBetweenThem() {
        Grid grid = new Grid(-4, 4, -4, 4, 100, 100);
        float[] e = TrueEnergy.on(ToyDatasets.byName("8gaussians"), grid, 1).orElseThrow().values();
        Charts.Drawing d = TrueVsLearnedFigure.draw("t", grid, e, "analytic", e);
        BufferedImage image = d.image();
        Rectangle2D area = d.dataAreas().get(0);
        GaussianMixture mix = ToyDatasets.mixture("8gaussians").orElseThrow();
        int dark = Viridis.at(0.05).getRGB() & 0xffffff;
        int bright = Viridis.at(1).getRGB() & 0xffffff;
        for (int k = 0; k < 8; k++) {
            int rgb = FigureHeatMapTest.pixel(image, area, grid, mix.mean(k, 0), mix.mean(k, 1));
            assertTrue(FigureHeatMapTest.distance(rgb, dark) < 1500,
                    "mode " + k + " is dark: " + Integer.toHexString(rgb));
        }
        // The same field in the second panel: the same colours at the same places (one scale for both).
        for (int k = 0; k < 8; k++) {
            int left = FigureHeatMapTest.pixel(image, area, grid, mix.mean(k, 0), mix.mean(k, 1));
            int right = FigureHeatMapTest.pixel(image, d.dataAreas().get(1), grid, mix.mean(k, 0), mix.mean(k, 1));
            assertTrue(FigureHeatMapTest.distance(left, right) < 100, "mode " + k + " in both panels");
        }
        // The centre lies 8 standard deviations from every mode: clipped at the top of the scale.
        int centre = FigureHeatMapTest.pixel(image, area, grid, 0, 0);
        assertTrue(FigureHeatMapTest.distance(centre, bright) < 300, Integer.toHexString(centre));
    }

    @Test
    void kdeOfTheCheckerboardIsLowOnFilledSquaresAndHighOnEmptyOnes() {
        Grid grid = new Grid(-4, 4, -4, 4, 80, 80);
        TrueEnergy.Field field = TrueEnergy.on(ToyDatasets.byName("checkerboard"), grid, 2).orElseThrow();
        assertTrue(field.method().contains("KDE"));
        // FFJORD's board: (x, y) in [0, 2) × [0, 2) is filled; [2, 4) × [0, 2) is empty.
        float filled = field.values()[50 * 80 + 50];
        float empty = field.values()[50 * 80 + 70];
        assertTrue(filled + 3 < empty, "filled " + filled + " vs empty " + empty);
    }
}
