package io.dxmi.cli;

import io.dxmi.core.anomaly.CalibrationFile;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.FeatureDensity;
import io.dxmi.core.dxmi.FeatureDensityFile;
import io.dxmi.core.dxmi.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

    @Option(names = "--normal", paramLabel = "NAME[:train|test]",
            description = "Normal images to fit on, usually the model's own training images: an image set "
                    + "(fashion-mnist, mnist, an idx file, a folder) and split (its test split unless ':train' "
                    + "follows) whose --classes are normal. Required unless --remove.")
    String normal;

    @Option(names = "--classes", paramLabel = "C1,C2,...",
            description = "The normal classes (label numbers or names; default: every class).")
    String classes;

    @Option(names = "--image-size", paramLabel = "N",
            description = "Resize to N x N first (the size the model was trained at).")
    Integer imageSize;

    @Option(names = "--shrinkage", paramLabel = "X",
            description = "Ridge added to the features' covariance, as a share of its mean eigenvalue "
                    + "(default: ${DEFAULT-VALUE}).")
    double shrinkage = FeatureDensity.DEFAULT_SHRINKAGE;

    @Option(names = "--remove", description = "Remove the model's feature density: its energy's own head scores again.")
    boolean remove;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() throws Exception {
        engine.apply();
        if (remove == (normal != null)) {
            throw new UsageError(remove ? "--remove takes no --normal" : "--normal is required (or --remove)");
        }
        if (!(shrinkage > 0 && Double.isFinite(shrinkage))) {
            throw new UsageError("--shrinkage must be a positive number, got " + shrinkage);
        }
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
            if (!ImagePools.isImageSet(normal)) {
                throw new UsageError("--normal must be an image set, not " + normal);
            }
            ImagePools pools = ImagePools.of(normal, classes, null, imageSize == null ? 0 : imageSize);
            if (!pools.normal().shape().equals(m.shape())) {
                throw new UsageError(normal + " holds " + pools.normal().shape() + " images but the model expects "
                        + m.shape() + " (fit at the --image-size it was trained at)");
            }
            float[] rows = pools.normal().rows();
            count = rows.length / m.dimension();
            try {
                id = ModelStore.fitFeatureDensity(model, m, rows, normal + (classes == null ? "" : " classes " + classes),
                        ImagePools.hash(pools.normal()), shrinkage);
                blocks = m.featureDensity().blocks();
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage(), e);
            }
        }
        System.out.println(String.format(Locale.ROOT, "fitted feature density %s on %d images of %s (%d maps, %d "
                + "features; shrinkage %s); written to %s", id, count, normal, blocks.length,
                Arrays.stream(blocks).sum(), ConfigDefaults.number((float) shrinkage),
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
