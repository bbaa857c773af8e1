package io.dxmi.cli;

import io.dxmi.core.anomaly.CalibrationFile;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.FeatureDensityFile;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.dxmi.ShapeTransform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dxmi feature-density}: fit (or remove) the Gaussians over the energy's features that score detection. */
@Command(name = "feature-density", mixinStandardHelpOptions = true,
        description = {"Fit a Gaussian to each of the trained energy network's feature maps over normal images and "
                + "store them with the model (DIR/feature-density.json and .dxt): from then on 'energy', 'calibrate' "
                + "and the anomaly scorer score an image by its squared Mahalanobis distances in those maps, each "
                + "standardised over the normal images, summed, instead of by the energy's own head (it detected "
                + "better in the one-class benchmarks; see the README).",
            "Image models only. A calibration chosen on the old scores is removed: run 'dxmi calibrate' again."})
final class FeatureDensityCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A DxMI image model directory.")
    Path model;

    @Mixin
    NormalImagesOptions normalImages = new NormalImagesOptions();

    @Option(names = "--remove", description = "Remove the model's feature density: its energy's own head scores again.")
    boolean remove;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() throws Exception {
        engine.apply();
        if (remove == normalImages.given()) {
            throw new UsageError(remove ? "--remove takes no --normal" : "--normal is required (or --remove)");
        }
        normalImages.check();
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmiWithoutDensity(model);
        String id;
        int count;
        int[] blocks;
        try (DxmiModel m = loaded.model()) {
            if (remove) {
                FeatureDensityFile.delete(model);
                System.out.println("removed the feature density of " + model + ": its energy's own head scores"
                        + removeCalibration());
                return 0;
            }
            if (!m.shape().isImage()) {
                throw new UsageError(model + " is a vector model: a feature density needs an image model's "
                        + "convolutional energy");
            }
            ImagePools pools = normalImages.load();
            if (!pools.normal().shape().equals(m.shape())) {
                throw new UsageError(normalImages.normal + " holds " + pools.normal().shape() + " images but the model expects "
                        + m.shape() + " (fit at the --image-size it was trained at)");
            }
            float[] rows = pools.normal().rows();
            count = rows.length / m.dimension();
            try {
                id = ModelStore.fitFeatureDensity(model, m, rows, normalImages.source(),
                        ImagePools.hash(pools.normal()), normalImages.shrinkage, normalImages.views());
                blocks = m.featureDensity().blocks();
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage(), e);
            }
        }
        List<ShapeTransform> views = normalImages.views();
        String maps = views.isEmpty() ? blocks.length + " maps" : blocks.length / (1 + views.size())
                + " maps of the image and of its views " + ShapeTransform.viewsLabel(views);
        System.out.println(String.format(Locale.ROOT, "fitted feature density %s on %d images of %s (%s, %d "
                + "features; shrinkage %s); written to %s", id, count, normalImages.normal, maps,
                Arrays.stream(blocks).sum(), ConfigDefaults.number((float) normalImages.shrinkage),
                model.resolve(FeatureDensityFile.FILE)) + removeCalibration());
        return 0;
    }

    /** Removes a calibration chosen on the old scores; says so, or nothing when there was none. */
    private String removeCalibration() throws IOException {
        Path c = model.resolve(CalibrationFile.FILE);
        if (!Files.deleteIfExists(c)) {
            return "";
        }
        return "; removed " + c + " (chosen on the old scores): run 'dxmi calibrate' again";
    }
}
