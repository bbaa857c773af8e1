package io.dxmi.core.figures;

import java.awt.image.BufferedImage;

/**
 * The true energy −log p(x) beside the learned energy E(x). Energies are known only up to an
 * additive constant, so both are shifted to a minimum of 0 and clipped at the same quantile of
 * their own values: the shapes, not the offsets, are compared.
 */
final class TrueVsLearnedFigure {

    static final int PLOT = 400;
    static final int WIDTH = 2 * (80 + PLOT + HeatMap.BAR_ROOM) + 10;
    static final int HEIGHT = 70 + PLOT + 60;
    /** Both panels' colour ranges end at this quantile. */
    static final double CLIP_QUANTILE = 0.9;

    private TrueVsLearnedFigure() {
    }

    static BufferedImage draw(String title, Grid grid, float[] trueEnergy, String trueMethod, float[] learned) {
        try (Canvas c = new Canvas(WIDTH, HEIGHT)) {
            c.title(title);
            panel(c, 80, grid, trueEnergy, "true energy \u2212log p(x) (" + trueMethod + ")", "\u2212log p \u2212 min");
            panel(c, 80 + PLOT + HeatMap.BAR_ROOM + 90, grid, learned, "learned energy E(x)", "E \u2212 min");
            return c.image();
        }
    }

    private static void panel(Canvas c, int left, Grid grid, float[] energy, String caption, String barLabel) {
        float[] shifted = ValueRange.shiftedToZero(energy);
        HeatMap.panel(c, left, 70, PLOT, grid, shifted, ValueRange.clipped(shifted, CLIP_QUANTILE), Colormap.VIRIDIS,
                caption, barLabel);
    }
}
