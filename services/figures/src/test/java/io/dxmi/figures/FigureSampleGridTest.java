package io.dxmi.figures;

import io.dxmi.core.data.SampleShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Image samples in a grid: each pixel's intensity where it belongs, grey or colour, broken values visible. */
class FigureSampleGridTest {

    @TempDir
    Path tmp;

    /** The sheet pixel at the centre of image pixel (x, y) of sample k. */
    private static int at(BufferedImage sheet, SampleShape shape, int columns, int k, int x, int y) {
        int s = SampleGridFigure.scale(shape);
        int cellW = shape.width() * s;
        int cellH = shape.height() * s;
        int left = (sheet.getWidth() - (columns * (cellW + SampleGridFigure.GAP) + SampleGridFigure.GAP)) / 2;
        int px = left + SampleGridFigure.GAP + (k % columns) * (cellW + SampleGridFigure.GAP) + x * s + s / 2;
        int py = SampleGridFigure.TITLE_ROOM + SampleGridFigure.GAP + (k / columns) * (cellH + SampleGridFigure.GAP)
                + y * s + s / 2;
        return sheet.getRGB(px, py) & 0xffffff;
    }

    @Test
    void greyImagesLandInRowMajorCellsWithTheirIntensities() throws Exception {
        SampleShape shape = SampleShape.image(1, 4, 4);
        int n = 10;
        float[] samples = new float[n * shape.size()];
        for (int k = 0; k < n; k++) {
            // Sample k is dark except one bright pixel at (k % 4, k / 4 % 4), brightness growing with k.
            samples[k * 16 + (k / 4 % 4) * 4 + k % 4] = (k + 1) / 10f;
        }
        samples[9 * 16 + 15] = Float.NaN;
        samples[8 * 16 + 15] = 3f; // clamped to white
        Path file = RunFigures.writeSampleGrid(samples, shape, "t", tmp);
        BufferedImage sheet = ImageIO.read(file.toFile());
        int columns = RunFigures.GRID_COLUMNS;
        assertEquals(SampleGridFigure.TITLE_ROOM + 2 * (4 * SampleGridFigure.scale(shape) + 2) + 2, sheet.getHeight());
        for (int k = 0; k < n; k++) {
            int v = Math.round((k + 1) / 10f * 255);
            assertEquals(v << 16 | v << 8 | v, at(sheet, shape, columns, k, k % 4, k / 4 % 4), "sample " + k);
            assertEquals(0, at(sheet, shape, columns, k, (k + 1) % 4, k / 4 % 4), "sample " + k + " elsewhere");
        }
        assertEquals(0xffffff, at(sheet, shape, columns, 8, 3, 3));
        assertEquals(0xff00ff, at(sheet, shape, columns, 9, 3, 3), "NaN shows as magenta");
    }

    @Test
    void colourImagesKeepTheirChannelsAndOtherShapesAreRefused() {
        SampleShape shape = SampleShape.image(3, 2, 2);
        float[] one = new float[12];
        one[0] = 1f; // red at (0, 0)
        one[4 + 1] = 1f; // green at (1, 0)
        one[8 + 2] = 1f; // blue at (0, 1)
        BufferedImage sheet = SampleGridFigure.draw("t", one, shape, 8).image();
        assertEquals(0xff0000, at(sheet, shape, 8, 0, 0, 0));
        assertEquals(0x00ff00, at(sheet, shape, 8, 0, 1, 0));
        assertEquals(0x0000ff, at(sheet, shape, 8, 0, 0, 1));
        assertEquals(0x000000, at(sheet, shape, 8, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SampleGridFigure.draw("t", new float[8], SampleShape.of(8), 8));
        assertThrows(IllegalArgumentException.class,
                () -> SampleGridFigure.draw("t", new float[8], SampleShape.image(2, 2, 2), 8));
        IllegalArgumentException partial = assertThrows(IllegalArgumentException.class,
                () -> SampleGridFigure.draw("t", new float[13], shape, 8));
        assertTrue(partial.getMessage().contains("3x2x2"), partial.getMessage());
    }
}
