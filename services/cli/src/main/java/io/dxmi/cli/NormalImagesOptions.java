package io.dxmi.cli;

import io.dxmi.core.dxmi.FeatureDensity;
import io.dxmi.core.dxmi.ShapeTransform;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The normal images a feature density is fitted on ({@code --normal --classes --image-size --shrinkage
 * --density-views}): one
 * mixin, so that {@code feature-density} and the scorer's {@code --follow-run} read and check them alike.
 */
final class NormalImagesOptions {

    @Option(names = "--normal", paramLabel = "NAME[:train|test]",
            description = "Normal images to fit the feature density on, usually the model's (or run's) own training "
                    + "images: an image set (fashion-mnist, mnist, an idx file, a folder) and split (its test split "
                    + "unless ':train' follows) whose --classes are normal.")
    String normal;

    @Option(names = "--classes", paramLabel = "C1,C2,...",
            description = "With --normal: the normal classes (label numbers or names; default: every class).")
    String classes;

    @Option(names = "--image-size", paramLabel = "N",
            description = "With --normal: resize to N x N first (the size the model was trained at).")
    Integer imageSize;

    @Option(names = "--shrinkage", paramLabel = "X",
            description = "With --normal: ridge added to each map's covariance, as a share of its mean eigenvalue "
                    + "(default: ${DEFAULT-VALUE}).")
    double shrinkage = FeatureDensity.DEFAULT_SHRINKAGE;

    @Option(names = "--density-views", paramLabel = "none|LAYOUTS",
            description = "With --normal: the layouts of each image whose features the density reads besides the image"
                    + " itself, of " + DensityViews.KNOWN + " (each costs one more pass of the energy; default: "
                    + "${DEFAULT-VALUE}).")
    String views = DensityViews.DEFAULT;

    /** Whether {@code --normal} was given. */
    boolean given() {
        return normal != null;
    }

    /**
     * Checks what can be checked before anything is loaded: {@code --classes} or {@code --image-size} without
     * {@code --normal}, a {@code --normal} that is not an image set, a shrinkage that is not a positive number.
     */
    void check() {
        if (normal == null) {
            if (classes != null || imageSize != null) {
                throw new UsageError("--classes and --image-size go with --normal");
            }
            return;
        }
        if (!ImagePools.isImageSet(normal)) {
            throw new UsageError("--normal must be an image set, not " + normal);
        }
        if (!(shrinkage > 0 && Double.isFinite(shrinkage))) {
            throw new UsageError("--shrinkage must be a positive number, got " + shrinkage);
        }
        views();
    }

    /** The parsed {@code --density-views}. */
    List<ShapeTransform> views() {
        return DensityViews.parse(views);
    }

    /** Checks the settings and loads the normal images; an unknown class is a usage error too. */
    ImagePools load() throws Exception {
        check();
        return ImagePools.of(normal, classes, null, imageSize == null ? 0 : imageSize);
    }

    /** What the density was fitted on, as its provenance says. */
    String source() {
        return normal + (classes == null ? "" : " classes " + classes);
    }
}
