package io.dxmi.figures;

/**
 * The true energy −log p(x) beside the learned energy E(x), on one colour scale. Energies are
 * known only up to an additive constant, and the learned one also up to a scale (its
 * temperature), so each is shifted to a minimum of 0 and divided by its own 90th percentile:
 * the shapes, not the offsets or units, are compared, and one colour means the same relative
 * height in both panels.
 */
final class TrueVsLearnedFigure {

    static final int PANEL = 440;
    static final int BAR_WIDTH = 120;
    static final int TITLE_ROOM = 40;
    static final int WIDTH = 2 * PANEL + BAR_WIDTH;
    static final int HEIGHT = TITLE_ROOM + PANEL;
    /** Both panels are scaled to 1 at this quantile of their own values. */
    static final double CLIP_QUANTILE = 0.9;

    private TrueVsLearnedFigure() {
    }

    static Charts.Drawing draw(String title, Grid grid, float[] trueEnergy, String trueMethod, float[] learned) {
        Viridis scale = new Viridis(new ValueRange(0, 1));
        Charts.Sheet sheet = new Charts.Sheet(WIDTH, HEIGHT, title);
        sheet.draw(HeatMaps.chart("true energy \u2212log p(x) (" + trueMethod + ")",
                HeatMaps.plot(grid, ValueRange.normalised(trueEnergy, CLIP_QUANTILE), scale)), 0, TITLE_ROOM, PANEL,
                PANEL);
        sheet.draw(HeatMaps.chart("learned energy E(x)",
                HeatMaps.plot(grid, ValueRange.normalised(learned, CLIP_QUANTILE), scale)), PANEL, TITLE_ROOM, PANEL,
                PANEL);
        return sheet.drawBeside(HeatMaps.colourBar(scale, "(energy \u2212 min) / its 90th percentile"), 2 * PANEL,
                BAR_WIDTH).done();
    }
}
