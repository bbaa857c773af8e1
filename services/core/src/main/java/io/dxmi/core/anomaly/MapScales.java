package io.dxmi.core.anomaly;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.DxmiModel;

import java.util.Arrays;

/**
 * The unit each of a model's two localisation maps is measured in: the mean value of its gradient map and of its
 * restoration map ({@link EnergyMaps}) over clean normal images. Divided by them, the two maps can be added
 * ({@link #combine}): the gradient map is strongest where a defect takes something away (a missing region), the
 * restoration map where one adds something (a scratch, a blob), and their weighted sum localises every kind of
 * defect about as well as the better of the two.
 *
 * @param gradientMean mean of the gradient maps over the normal images (positive)
 * @param restorationMean mean of the restoration maps over the same images (positive)
 */
public record MapScales(double gradientMean, double restorationMean) {

    /**
     * Weight of the restoration map in the combined map, the gradient map's being 1 (both in units of their means
     * over normal images). Chosen over ten classes of each of Fashion-MNIST and MNIST (weights 1, 2, 3, 4 and 6);
     * 2 to 4 tie.
     */
    public static final float RESTORATION_WEIGHT = 3f;

    /** Normal images the scales are measured on (fewer when fewer are given). */
    public static final int IMAGES = 64;

    public MapScales {
        if (!(gradientMean > 0) || !(restorationMean > 0) || Double.isInfinite(gradientMean)
                || Double.isInfinite(restorationMean)) {
            throw new IllegalArgumentException("map scales must be positive and finite, got gradient " + gradientMean
                    + " and restoration " + restorationMean);
        }
    }

    /**
     * Measures both maps at full resolution on the first {@value #IMAGES} of {@code normalRows} (area-averaging onto
     * a coarser grid keeps a map's mean, so the scales hold for any grid). A map that is zero on every normal
     * image gets the unit 1: its values elsewhere are then counted as they are.
     *
     * @param normalRows normal images of {@code shape} in data space, row-major
     */
    public static MapScales of(DxmiModel model, float[] normalRows, SampleShape shape) {
        int size = shape.size();
        int n = Math.min(IMAGES, normalRows.length / size);
        if (n == 0) {
            throw new IllegalArgumentException("map scales need at least one normal image");
        }
        float[] rows = Arrays.copyOf(normalRows, n * size);
        float[][] gradient = EnergyMaps.score(model, rows, shape, shape.height(), shape.width()).maps();
        float[][] restoration = EnergyMaps.restorationMaps(model, rows, shape, EnergyMaps.RESTORATION_STEPS,
                EnergyMaps.RESTORATION_STEP_SIZE, shape.height(), shape.width()).maps();
        return new MapScales(unitOf(gradient), unitOf(restoration));
    }

    /**
     * Per image, gradient / {@link #gradientMean} + {@value #RESTORATION_WEIGHT} × restoration /
     * {@link #restorationMean}, pixel by pixel.
     *
     * @throws IllegalArgumentException when the two lists of maps do not match in count or size
     */
    public float[][] combine(float[][] gradient, float[][] restoration) {
        if (gradient.length != restoration.length) {
            throw new IllegalArgumentException(gradient.length + " gradient maps but " + restoration.length
                    + " restoration maps");
        }
        float g = (float) (1 / gradientMean);
        float r = (float) (RESTORATION_WEIGHT / restorationMean);
        float[][] out = new float[gradient.length][];
        for (int i = 0; i < gradient.length; i++) {
            if (gradient[i].length != restoration[i].length) {
                throw new IllegalArgumentException("map " + i + ": gradient " + gradient[i].length
                        + " values, restoration " + restoration[i].length);
            }
            out[i] = new float[gradient[i].length];
            for (int p = 0; p < out[i].length; p++) {
                out[i][p] = g * gradient[i][p] + r * restoration[i][p];
            }
        }
        return out;
    }

    private static double unitOf(float[][] maps) {
        double sum = 0;
        long count = 0;
        for (float[] m : maps) {
            for (float v : m) {
                sum += v;
            }
            count += m.length;
        }
        double mean = sum / count;
        return mean > 0 && Double.isFinite(mean) ? mean : 1.0;
    }
}
