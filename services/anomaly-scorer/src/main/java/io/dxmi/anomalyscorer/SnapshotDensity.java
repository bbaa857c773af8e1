package io.dxmi.anomalyscorer;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.FeatureDensity;
import io.dxmi.core.dxmi.FeatureDensityFile;
import io.dxmi.core.dxmi.ShapeTransform;

import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The normal images a followed run's energy snapshots are scored against: each snapshot gets a
 * feature density fitted on them (as {@code dxmi feature-density} fits one to a model directory),
 * so that a scorer following a run scores as the finished model will, not by the energy's head.
 * The fit runs on the follower's thread; the previous snapshot scores meanwhile.
 *
 * @param shape the images' shape, which the run's model must have
 * @param rows the normal images, row-major, in data space
 * @param dataName what they are, for the log
 * @param shrinkage the density's ridge ({@link FeatureDensity#DEFAULT_SHRINKAGE} by default)
 * @param views the layouts the density reads besides each image ({@link FeatureDensity#views()})
 */
public record SnapshotDensity(SampleShape shape, float[] rows, String dataName, double shrinkage,
        List<ShapeTransform> views) {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotDensity.class);

    public SnapshotDensity {
        if (!shape.isImage()) {
            throw new IllegalArgumentException("a feature density is fitted on images, not on " + shape + " vectors");
        }
        if (rows.length < 2 * shape.size() || rows.length % shape.size() != 0) {
            throw new IllegalArgumentException("a feature density needs at least 2 whole images of " + shape + ", got "
                    + rows.length + " values of " + dataName);
        }
        if (!(shrinkage > 0 && Double.isFinite(shrinkage))) {
            throw new IllegalArgumentException("the density's shrinkage must be a positive number, got " + shrinkage);
        }
        views = List.copyOf(views);
        ShapeTransform.requireFit(views, shape.height(), shape.width());
    }

    /** A density that reads the images alone. */
    public SnapshotDensity(SampleShape shape, float[] rows, String dataName, double shrinkage) {
        this(shape, rows, dataName, shrinkage, List.of());
    }

    /** Images. */
    public int count() {
        return rows.length / shape.size();
    }

    /**
     * Fits a density to {@code model}'s energy features and attaches it.
     *
     * @return the density's id (as a model directory's file would name it)
     * @throws IllegalArgumentException when the model scores other shapes than these images
     */
    String attachTo(DxmiModel model, String what) {
        if (!model.shape().equals(shape)) {
            throw new IllegalArgumentException(what + " scores " + model.shape() + " samples but the normal images ("
                    + dataName + ") are " + shape + ": give them at the size the run trains on (--image-size)");
        }
        long t0 = System.nanoTime();
        FeatureDensity d = FeatureDensity.fit(model, rows, shrinkage, views);
        String id = FeatureDensityFile.id(d);
        model.useFeatureDensity(d, id);
        LOG.info("{}: fitted feature density {} on {} images of {} in {} s", what, id, count(), dataName,
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        return id;
    }
}
