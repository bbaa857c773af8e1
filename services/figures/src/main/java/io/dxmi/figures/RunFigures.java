package io.dxmi.figures;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.eval.MetricHistory;
import io.dxmi.core.job.EvaluationListener;
import io.dxmi.core.random.Rng;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a run's figures into a directory (usually {@code RUN/figures}), each atomically:
 * {@value #SAMPLES_ENERGY}, {@value #VALUE_STEPS}, {@value #TRUE_VS_LEARNED} (built-in 2D sets
 * only) and {@value #METRIC_CURVES}; for image data {@value #SAMPLE_GRID}. The heat-map figures
 * need 2D data; for other vectors only the metric curves are written. One instance serves a whole
 * run: the true energy and the grid are computed once. Call from the thread that owns the model
 * (inference only, no gradients). As an {@link EvaluationListener} it is what the training jobs
 * call at each evaluation.
 */
public final class RunFigures implements EvaluationListener {

    /** The run directory's sub-directory for figures. */
    public static final String DIRECTORY = "figures";
    public static final String SAMPLES_ENERGY = "samples-energy.png";
    public static final String VALUE_STEPS = "value-steps.png";
    public static final String TRUE_VS_LEARNED = "energy-true-vs-learned.png";
    public static final String METRIC_CURVES = "metric-curves.png";
    public static final String SAMPLE_GRID = "sample-grid.png";
    /** Every figure a run may have, in the order a page shows them. */
    public static final List<String> NAMES = List.of(SAMPLES_ENERGY, VALUE_STEPS, TRUE_VS_LEARNED, METRIC_CURVES,
            SAMPLE_GRID);
    /** Each figure's title where a page shows it. */
    public static final Map<String, String> TITLES = Map.of(SAMPLES_ENERGY, "Samples over the learned energy",
            VALUE_STEPS, "Value function per step", TRUE_VS_LEARNED, "True vs learned energy", METRIC_CURVES,
            "Metric curves", SAMPLE_GRID, "Generated samples");
    /** The figures a run of 2D data draws. */
    public static final List<String> PLANAR = List.of(SAMPLES_ENERGY, VALUE_STEPS, TRUE_VS_LEARNED, METRIC_CURVES);
    /** The figures a run of other data draws (the sample grid for images only). */
    public static final List<String> NOT_PLANAR = List.of(METRIC_CURVES, SAMPLE_GRID);

    /** Tableau 10's first colours: distinguishable, also for common colour-vision deficiencies. */
    private static final Color BLUE = new Color(0x1f77b4);
    private static final Color ORANGE = new Color(0xff7f0e);
    private static final Color GREEN = new Color(0x2ca02c);
    private static final Color RED = new Color(0xd62728);
    private static final Color PURPLE = new Color(0x9467bd);
    private static final List<MetricCurvesFigure.Panel> QUALITY = List.of(
            new MetricCurvesFigure.Panel("SW (lower is better)", List.of(
                    new MetricCurvesFigure.Series(MetricHistory.SW, "sliced Wasserstein (SW)", BLUE))),
            new MetricCurvesFigure.Panel("AUC (higher is better)", List.of(
                    new MetricCurvesFigure.Series(MetricHistory.AUC, "energy AUC", ORANGE))));
    private static final MetricCurvesFigure.Panel LOSSES = new MetricCurvesFigure.Panel("loss at the evaluations",
            List.of(new MetricCurvesFigure.Series(MetricHistory.ENERGY_LOSS, "energy loss", GREEN),
                    new MetricCurvesFigure.Series(MetricHistory.VALUE_LOSS, "value (TD) loss", RED),
                    new MetricCurvesFigure.Series(MetricHistory.POLICY_LOSS, "policy loss", PURPLE)));
    /** Images in a sample grid, and its columns. */
    static final int GRID_SAMPLES = 64;
    static final int GRID_COLUMNS = 8;

    private final DataSource data;
    private final int gridSize;
    private final int sampleCount;
    private final int dataPointCount;
    private final long seed;
    private final String missingValueReason;
    private final Grid grid;
    private final float[] gridRows;
    private final float[] dataPoints;
    private Optional<TrueEnergy.Field> trueEnergy;

    private RunFigures(Builder b) {
        this.data = b.data;
        this.gridSize = b.gridSize;
        this.sampleCount = b.sampleCount;
        this.dataPointCount = b.dataPointCount;
        this.seed = b.seed;
        this.missingValueReason = b.missingValueReason;
        boolean planar = data.dimension() == 2;
        this.grid = planar ? Grid.over(data.evaluationBox(), gridSize) : null;
        this.gridRows = planar ? grid.rows() : null;
        this.dataPoints = planar ? data.sample(dataPointCount, new Rng(seed + 1)) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code run}/{@value #DIRECTORY}. */
    public static Path directoryOf(Path run) {
        return run.resolve(DIRECTORY);
    }

    /**
     * What one {@link #write} produced.
     *
     * @param files the files written, in a fixed order
     * @param millis how long it took (evaluation, drawing and writing)
     */
    public record Written(List<Path> files, long millis) {}

    /** Writes every figure into {@code runDir}/{@value #DIRECTORY}. */
    @Override
    public void evaluated(Path runDir, DxmiModel model, MetricHistory history) throws IOException {
        write(model, history, directoryOf(runDir));
    }

    /** Draws and writes every figure for the model's current weights and the history so far. */
    public Written write(DxmiModel model, MetricHistory history, Path dir) throws IOException {
        return write(model, history, dir, missingValueReason);
    }

    /**
     * As {@link #write(DxmiModel, MetricHistory, Path)}, saying for this call whether the model's
     * value network is meaningful: {@code valuesUnavailable} non-null greys the V(x, t) panels
     * t &lt; T out with that reason.
     */
    public Written write(DxmiModel model, MetricHistory history, Path dir, String valuesUnavailable)
            throws IOException {
        long t0 = System.nanoTime();
        List<Path> files = new ArrayList<>();
        String when = history.lastIteration() >= 0 ? ", iteration " + history.lastIteration() : "";
        SampleShape shape = data.shape();
        if (shape.isImage() && sampleCount > 0) {
            files.add(writeSampleGrid(model.sample(Math.min(GRID_SAMPLES, sampleCount), new Rng(seed)), shape,
                    "Generated samples \u2014 " + data.name() + when, dir));
        }
        if (grid != null && model.dimension() == 2) {
            float[] energy = ModelFields.energy(model, gridRows);
            float[] samples = sampleCount > 0 ? model.sample(sampleCount, new Rng(seed)) : new float[0];
            files.add(write(SamplesEnergyFigure.draw("Samples over the learned energy \u2014 " + data.name()
                    + when, grid, energy, samples, dataPoints).image(), dir, SAMPLES_ENERGY));
            files.add(write(ValueStepsFigure.draw("Value V(x, t) at each step t = 0\u2026"
                    + model.values().steps() + " \u2014 " + data.name() + when, grid, values(model, energy, valuesUnavailable),
                    valuesUnavailable).image(), dir, VALUE_STEPS));
            Optional<TrueEnergy.Field> truth = trueEnergy();
            if (truth.isPresent()) {
                files.add(write(TrueVsLearnedFigure.draw("True vs learned energy \u2014 " + data.name()
                        + when, grid, truth.get().values(), truth.get().method(), energy).image(), dir,
                        TRUE_VS_LEARNED));
            }
        }
        files.add(writeMetricCurves(history, dir));
        return new Written(List.copyOf(files), (System.nanoTime() - t0) / 1_000_000);
    }

    /** Writes only {@value #METRIC_CURVES} (needs no model); returns the file. */
    public Path writeMetricCurves(MetricHistory history, Path dir) throws IOException {
        boolean losses = history.has(MetricHistory.ENERGY_LOSS) || history.has(MetricHistory.VALUE_LOSS)
                || history.has(MetricHistory.POLICY_LOSS);
        List<MetricCurvesFigure.Panel> panels = new ArrayList<>(QUALITY);
        if (losses) {
            panels.add(LOSSES);
        }
        return write(MetricCurvesFigure.draw("Metrics over training \u2014 " + data.name(), history, panels).image(),
                dir, METRIC_CURVES);
    }

    /**
     * Writes {@value #SAMPLE_GRID}: generated images in a grid of {@value #GRID_COLUMNS} columns.
     *
     * @param samples n images of {@code shape} ([C, H, W], C = 1 or 3), row-major, in [0, 1]
     */
    public static Path writeSampleGrid(float[] samples, SampleShape shape, String title, Path dir) throws IOException {
        return write(SampleGridFigure.draw(title, samples, shape, GRID_COLUMNS).image(), dir, SAMPLE_GRID);
    }

    private static Path write(BufferedImage image, Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        PngFiles.writeAtomically(image, file);
        return file;
    }

    private List<float[]> values(DxmiModel model, float[] energy, String valuesUnavailable) {
        int steps = model.values().steps();
        List<float[]> out = new ArrayList<>(steps + 1);
        for (int t = 0; t < steps; t++) {
            out.add(valuesUnavailable == null ? ModelFields.value(model, gridRows, t) : null);
        }
        out.add(energy);
        return out;
    }

    private Optional<TrueEnergy.Field> trueEnergy() {
        if (trueEnergy == null) {
            trueEnergy = TrueEnergy.on(data, grid, seed + 2);
        }
        return trueEnergy;
    }

    /** Builder: {@code setData} is required. */
    public static final class Builder {
        private DataSource data;
        private int gridSize = 100;
        private int sampleCount = 2000;
        private int dataPointCount = 1000;
        private long seed = 7;
        private String missingValueReason;

        public Builder setData(DataSource data) {
            this.data = data;
            return this;
        }

        /** Heat-map cells per axis; default 100. */
        public Builder optGridSize(int gridSize) {
            this.gridSize = gridSize;
            return this;
        }

        /** Generated samples drawn over the energy; default 2,000. */
        public Builder optSampleCount(int sampleCount) {
            this.sampleCount = sampleCount;
            return this;
        }

        /** Data points drawn faintly for reference; default 1,000 (0 = none). */
        public Builder optDataPointCount(int dataPointCount) {
            this.dataPointCount = dataPointCount;
            return this;
        }

        /** Seed of the drawn samples and data points (fixed, so successive figures differ only by the model). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Declares that this process does not hold current values V(·, t &lt; T) (an evaluator
         * receives only the energy): those panels are drawn empty with this reason.
         */
        public Builder optValuesUnavailable(String reason) {
            this.missingValueReason = reason;
            return this;
        }

        public RunFigures build() {
            if (data == null) {
                throw new IllegalStateException("RunFigures needs setData");
            }
            if (gridSize < 2 || sampleCount < 0 || dataPointCount < 0) {
                throw new IllegalStateException("gridSize >= 2, sampleCount >= 0 and dataPointCount >= 0 are required");
            }
            return new RunFigures(this);
        }
    }
}
