package io.dxmi.figures;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.eval.MetricHistory;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facade writes the contracted files as valid PNGs of the expected sizes, atomically. */
class FigureFilesTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path tmp;

    private static DxmiModel tinyModel(ValueSharing sharing, int steps, int dimension) {
        DxmiConfig cfg = DxmiConfig.builder().optSamplerSteps(steps).optValueSharing(sharing)
                .optNetwork(new NetworkConfig(16, 2, 16)).build();
        PretrainConfig sampler = new PretrainConfig(1000, 1e-4, 0.02, 1, 16, 1e-3f, false,
                new NetworkConfig(16, 2, 16), 1);
        return DxmiModel.untrained(cfg, sampler, dimension, Normalization.identity(dimension), new Rng(3));
    }

    private static BufferedImage readPng(Path file) throws IOException {
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(8, in.read(head));
        }
        assertArrayEquals(PNG_SIGNATURE, head, file + " is not a PNG");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " does not decode");
        return image;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesTheFourFiguresForAToySetWithTheExpectedSizes() throws Exception {
        MetricHistory history = new MetricHistory().add(10, Map.of("sw", 0.9, "auc", 0.6, "energyLoss", -0.1))
                .add(20, Map.of("sw", 0.5, "auc", 0.7, "energyLoss", -0.3));
        Path dir = tmp.resolve("figures");
        RunFigures figures = RunFigures.builder().setData(ToyDatasets.byName("8gaussians")).optGridSize(40)
                .optSampleCount(300).build();
        try (DxmiModel model = tinyModel(ValueSharing.SHARED, 5, 2)) {
            figures.write(model, history, dir);
            // A rewrite (the next evaluation) replaces the files and leaves no temp file behind.
            RunFigures.Written written = figures.write(model, history.add(30, Map.of("sw", 0.3, "auc", 0.8)), dir);
            assertEquals(4, written.files().size());
            assertTrue(written.files().stream().allMatch(Files::isRegularFile));
        }
        assertEquals(List.of(RunFigures.TRUE_VS_LEARNED, RunFigures.METRIC_CURVES, RunFigures.SAMPLES_ENERGY,
                RunFigures.VALUE_STEPS), names(dir));
        BufferedImage samples = readPng(dir.resolve(RunFigures.SAMPLES_ENERGY));
        assertEquals(SamplesEnergyFigure.WIDTH, samples.getWidth());
        assertEquals(SamplesEnergyFigure.HEIGHT, samples.getHeight());
        BufferedImage values = readPng(dir.resolve(RunFigures.VALUE_STEPS));
        // T = 5: six panels, three columns, two rows, and one colour bar.
        assertEquals(3 * ValueStepsFigure.PANEL + ValueStepsFigure.BAR_WIDTH, values.getWidth());
        assertEquals(ValueStepsFigure.TITLE_ROOM + 2 * ValueStepsFigure.PANEL, values.getHeight());
        BufferedImage truth = readPng(dir.resolve(RunFigures.TRUE_VS_LEARNED));
        assertEquals(TrueVsLearnedFigure.WIDTH, truth.getWidth());
        BufferedImage curves = readPng(dir.resolve(RunFigures.METRIC_CURVES));
        assertEquals(MetricCurvesFigure.height(3), curves.getHeight(), "losses recorded: SW, AUC and loss panels");
    }

    @Test
    void separateVariantAndAMissingValueStillGiveEveryPanel() throws Exception {
        Path dir = tmp.resolve("sep");
        RunFigures figures = RunFigures.builder().setData(ToyDatasets.byName("rings")).optGridSize(30)
                .optSampleCount(100).optValuesUnavailable("not here").build();
        try (DxmiModel model = tinyModel(ValueSharing.SEPARATE, 3, 2)) {
            figures.write(model, new MetricHistory(), dir);
            // The separate value network is evaluated directly as well.
            float[] v0 = ModelFields.value(model, Grid.over(ToyDatasets.byName("rings").evaluationBox(), 5).rows(), 0);
            assertEquals(25, v0.length);
            assertTrue(Float.isFinite(v0[0]));
        }
        assertEquals(4, names(dir).size());
        BufferedImage values = readPng(dir.resolve(RunFigures.VALUE_STEPS));
        assertEquals(ValueStepsFigure.width(4), values.getWidth(), "T = 3: four panels in two columns");
        assertEquals(2 * ValueStepsFigure.PANEL + ValueStepsFigure.BAR_WIDTH, ValueStepsFigure.width(4));
        BufferedImage curves = readPng(dir.resolve(RunFigures.METRIC_CURVES));
        assertEquals(MetricCurvesFigure.height(2), curves.getHeight(), "no losses: the SW and AUC panels");
    }

    @Test
    void csvDataSkipsTheTrueEnergyAndHigherDimensionsDrawOnlyTheCurves() throws Exception {
        Path csv = tmp.resolve("points.csv");
        Files.writeString(csv, "a,b\n0,0\n1,1\n2,0.5\n-1,2\n");
        DataSource planar = CsvDataset.load(csv);
        Path dir = tmp.resolve("csv");
        try (DxmiModel model = tinyModel(ValueSharing.SHARED, 2, 2)) {
            RunFigures.builder().setData(planar).optGridSize(20).optSampleCount(50).build()
                    .write(model, new MetricHistory(), dir);
        }
        assertEquals(List.of(RunFigures.METRIC_CURVES, RunFigures.SAMPLES_ENERGY, RunFigures.VALUE_STEPS), names(dir));

        Path csv3 = tmp.resolve("points3.csv");
        Files.writeString(csv3, "0,0,0\n1,1,1\n2,0.5,3\n");
        Path dir3 = tmp.resolve("csv3");
        try (DxmiModel model = tinyModel(ValueSharing.SHARED, 2, 3)) {
            RunFigures.builder().setData(CsvDataset.load(csv3)).build().write(model, new MetricHistory(), dir3);
        }
        assertEquals(List.of(RunFigures.METRIC_CURVES), names(dir3));
    }

    @Test
    void atomicWriteReplacesTheFileAndLeavesNoTempFile() throws Exception {
        Path target = tmp.resolve("out").resolve("x.png");
        BufferedImage red = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        red.setRGB(0, 0, 0xff0000);
        PngFiles.writeAtomically(red, target);
        BufferedImage blue = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
        blue.setRGB(0, 0, 0x0000ff);
        PngFiles.writeAtomically(blue, target);
        BufferedImage back = readPng(target);
        assertEquals(5, back.getWidth());
        assertEquals(0x0000ff, back.getRGB(0, 0) & 0xffffff);
        assertEquals(List.of("x.png"), names(target.getParent()));
        assertFalse(Arrays.stream(target.getParent().toFile().list()).anyMatch(n -> n.endsWith(".tmp")));
    }
}
