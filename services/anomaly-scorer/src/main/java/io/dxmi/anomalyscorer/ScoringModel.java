package io.dxmi.anomalyscorer;

import io.dxmi.core.anomaly.Calibration;
import io.dxmi.core.anomaly.CalibrationFile;
import io.dxmi.core.anomaly.EnergyMaps;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.dxmi.RunSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded energy ready to score images: the model, the image shape it scores, a version that
 * every score names, and the calibration that came with it (null when none). Owns the model.
 */
final class ScoringModel implements AutoCloseable {

    private final DxmiModel model;
    private final SampleShape shape;
    private final String version;
    private final Calibration calibration;

    ScoringModel(DxmiModel model, SampleShape shape, String version, Calibration calibration) {
        this.model = model;
        this.shape = shape;
        this.version = version;
        this.calibration = calibration;
    }

    /** A model directory, with its calibration.json when it has one. */
    static ScoringModel fromDirectory(Path dir) throws IOException {
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir);
        try {
            String weights = loaded.manifest().path("provenance").path("weightsSha256").asText("");
            Calibration c = CalibrationFile.read(dir, weights.isEmpty() ? null : weights).orElse(null);
            SampleShape shape = ModelShapes.imageShape(loaded.model().shape(), loaded.manifest().get("data"));
            String name = dir.toAbsolutePath().normalize().getFileName().toString();
            String density = loaded.model().featureDensityId();
            // A feature density changes what the scores mean, so it is part of the version every score names.
            return new ScoringModel(loaded.model(), shape, name + "@" + weights.substring(0, Math.min(12,
                    weights.length())) + (density == null ? "" : "+density-" + density), c);
        } catch (IOException | RuntimeException e) {
            loaded.model().close();
            throw e;
        }
    }

    /** The energy of a training run's snapshot (no calibration travels with a snapshot). */
    static ScoringModel fromSnapshot(RunSpec spec, String run, long version, Map<String, float[]> energyWeights,
            SnapshotDensity density) {
        DxmiModel m = spec.newModel();
        try {
            m.loadEnergyWeights(energyWeights);
            SampleShape shape = ModelShapes.imageShape(m.shape(), null);
            String name = run + "/ebm/v" + version;
            // As for a model directory, the density is part of the version every score names.
            return new ScoringModel(m, shape, density == null ? name
                    : name + "+density-" + density.attachTo(m, "energy snapshot " + name), null);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    SampleShape shape() {
        return shape;
    }

    String version() {
        return version;
    }

    Calibration calibration() {
        return calibration;
    }

    EnergyMaps.Result score(float[] rows, int grid) {
        return EnergyMaps.score(model, rows, shape, grid);
    }

    /** Energies and maps of {@code grid} × {@code grid} (0 = none) of the frames in {@code rows}, drawn by {@code method}. */
    EnergyMaps.Result score(float[] rows, int grid, ScorerSettings.MapMethod method) {
        if (grid == 0 || method == ScorerSettings.MapMethod.GRADIENT) {
            return score(rows, grid);
        }
        if (method == ScorerSettings.MapMethod.GRADIENT_MEAN) {
            return EnergyMaps.gradientAndMeanMaps(model, rows, shape, grid, grid);
        }
        if (method == ScorerSettings.MapMethod.COMBINED) {
            return EnergyMaps.combinedMaps(model, rows, shape, EnergyMaps.RESTORATION_STEPS,
                    EnergyMaps.RESTORATION_STEP_SIZE, grid, grid);
        }
        return EnergyMaps.restorationMaps(model, rows, shape, EnergyMaps.RESTORATION_STEPS,
                EnergyMaps.RESTORATION_STEP_SIZE, grid, grid);
    }

    @Override
    public void close() {
        model.close();
    }
}
