package io.dxmi.core.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.ValueModel;
import io.dxmi.core.engine.GradientRecorder;
import io.dxmi.core.engine.OwnedArrays;

import java.util.Arrays;

/**
 * Energies of images together with a localisation map per image: the magnitude of the energy's
 * gradient with respect to the input pixels (summed over channels, in data units), area-averaged
 * onto a small grid. Where a defect raises the energy most steeply, the map is largest. One
 * forward and one backward pass per batch; gradients are recorded on the calling thread only.
 */
public final class EnergyMaps {

    /** Energies (one per image) and maps (grid × grid values per image, row-major; null when grid is 0). */
    public record Result(float[] energies, float[][] maps) {}

    /** Maps grid × grid; see {@link #score(DxmiModel, float[], SampleShape, int, int)}. */
    public static Result score(DxmiModel model, float[] dataRows, SampleShape shape, int grid) {
        return score(model, dataRows, shape, grid, grid);
    }

    /** Steps of a restoration map as the benchmarks draw it ({@link #restorationMaps}). */
    public static final int RESTORATION_STEPS = 20;
    /** Root-mean-square pixel change of each restoration step (intensities in [0, 1]). */
    public static final float RESTORATION_STEP_SIZE = 0.05f;

    private EnergyMaps() {}

    /**
     * @param dataRows n images of {@code shape}, row-major, in data space
     * @param gridHeight rows of each map (the image's height gives full resolution); 0 = energies only
     * @param gridWidth columns of each map
     */
    public static Result score(DxmiModel model, float[] dataRows, SampleShape shape, int gridHeight,
            int gridWidth) {
        int d = model.dimension();
        if (shape.size() != d) {
            throw new IllegalArgumentException("the image shape " + shape + " does not fit the model's " + d
                    + " values");
        }
        if (gridHeight == 0 || gridWidth == 0) {
            return new Result(model.energy(dataRows), null);
        }
        if (!shape.isImage()) {
            throw new IllegalArgumentException("a localisation map needs an image shape, not " + shape);
        }
        int n = dataRows.length / d;
        float[] energies = new float[n];
        float[] grad = dataGradients(model, dataRows, energies);
        float[][] maps = absoluteMaps(grad, n, shape, gridHeight, gridWidth);
        return new Result(energies, maps);
    }

    /**
     * Gradient maps ({@link #score}) with each image's difference from the mean normal image added
     * ({@link #gradientAndMean}) when the model's feature density holds that mean image ({@code
     * FeatureDensity#meanImage()}); the gradient maps alone when it holds none. The difference costs a subtraction,
     * so this costs what a gradient map costs, and on the one-class benchmarks' synthetic defects it localises
     * nearly as well as the combined map at a twentieth of the combined map's cost (the README's figures).
     *
     * @param dataRows n images of {@code shape}, row-major, in data space
     */
    public static Result gradientAndMeanMaps(DxmiModel model, float[] dataRows, SampleShape shape, int gridHeight,
            int gridWidth) {
        Result gradient = score(model, dataRows, shape, gridHeight, gridWidth);
        if (gradient.maps() == null) {
            return gradient;
        }
        float[][] reference = referenceMaps(model, dataRows, dataRows.length / shape.size(), shape, gridHeight,
                gridWidth);
        return new Result(gradient.energies(), gradientAndMean(gradient.maps(), reference));
    }

    /**
     * Restoration maps: each image moved down its energy by {@code steps} gradient steps (each of
     * root-mean-square size {@code stepSize} in pixel units, pixels kept in [0, 1]), and the map is
     * how far each pixel moved (summed over channels, area-averaged onto the grid). Where the
     * energy would change an image to make it normal, the map is largest: unlike the gradient's
     * magnitude at the image itself, which is largest along every edge of the object, the path
     * follows the energy past its first step. Costs {@code steps} forward and backward passes.
     *
     * @param dataRows n images of {@code shape}, row-major, in data space (intensities in [0, 1])
     * @return the n images' energies (from the first step's forward pass) and their maps, {@code gridHeight ×
     *     gridWidth} each
     */
    public static Result restorationMaps(DxmiModel model, float[] dataRows, SampleShape shape, int steps,
            float stepSize, int gridHeight, int gridWidth) {
        Restoration r = restore(model, dataRows, shape, steps, stepSize, gridHeight, gridWidth);
        return new Result(r.energies(), r.restoration());
    }

    /**
     * The gradient map and the restoration map of each image added, each divided by its own mean over the image
     * ({@link #combine}), and, when the model's feature density holds the mean of the normal images it was fitted on
     * ({@code FeatureDensity#meanImage()}), the image's difference from that mean image as a third term. The gradient
     * map is strongest where a defect takes something away (a missing region), the restoration map where one adds
     * something (a scratch, a blob), and the difference from the mean normal image wherever the camera is fixed and
     * the defect lies where normal images are alike; the sum localises every kind better than any one of them (the
     * README's one-class benchmark). The gradient map is the restoration's first step, so this costs what a
     * restoration map costs.
     *
     * @see #restorationMaps
     */
    public static Result combinedMaps(DxmiModel model, float[] dataRows, SampleShape shape, int steps, float stepSize,
            int gridHeight, int gridWidth) {
        Restoration r = restore(model, dataRows, shape, steps, stepSize, gridHeight, gridWidth);
        return new Result(r.energies(), r.combined());
    }

    /**
     * Per image and pixel, gradient / (the gradient map's mean over the image) + restoration / (the restoration map's
     * mean over the image). Measuring each map in units of its own mean puts the two on one scale whatever the
     * energy's; a map that is zero everywhere adds nothing.
     *
     * @throws IllegalArgumentException when the two lists of maps do not match in count or size
     */
    public static float[][] combine(float[][] gradient, float[][] restoration) {
        return combine(gradient, restoration, null);
    }

    /**
     * {@link #combine(float[][], float[][])} with a third list of maps added alike (each in units of its own mean),
     * or none when {@code reference} is null.
     *
     * @throws IllegalArgumentException when the lists of maps do not match in count or size
     */
    public static float[][] combine(float[][] gradient, float[][] restoration, float[][] reference) {
        if (gradient.length != restoration.length || reference != null && reference.length != gradient.length) {
            throw new IllegalArgumentException(gradient.length + " gradient maps but " + restoration.length
                    + " restoration maps" + (reference == null ? "" : " and " + reference.length + " reference maps"));
        }
        for (int i = 0; i < gradient.length; i++) {
            if (gradient[i].length != restoration[i].length
                    || reference != null && reference[i].length != gradient[i].length) {
                throw new IllegalArgumentException("map " + i + ": gradient " + gradient[i].length
                        + " values, restoration " + restoration[i].length
                        + (reference == null ? "" : ", reference " + reference[i].length));
            }
        }
        return reference == null ? sumInUnits(gradient, restoration) : sumInUnits(gradient, restoration, reference);
    }

    /**
     * The gradient map and the image's difference from the mean normal image added, each in units of its own mean
     * over the image: the combined map without its restoration term, for the cost of the gradient map alone. Without
     * a mean image ({@code reference} null) the gradient maps themselves, unscaled.
     *
     * @throws IllegalArgumentException when the two lists of maps do not match in count or size
     */
    public static float[][] gradientAndMean(float[][] gradient, float[][] reference) {
        if (reference == null) {
            return gradient;
        }
        if (reference.length != gradient.length) {
            throw new IllegalArgumentException(gradient.length + " gradient maps but " + reference.length
                    + " reference maps");
        }
        for (int i = 0; i < gradient.length; i++) {
            if (gradient[i].length != reference[i].length) {
                throw new IllegalArgumentException("map " + i + ": gradient " + gradient[i].length
                        + " values, reference " + reference[i].length);
            }
        }
        return sumInUnits(gradient, reference);
    }

    /**
     * Per image and pixel, the sum over the lists of each map divided by its own mean (a map without one adds 0); the
     * callers have checked that the lists match in count and size.
     */
    private static float[][] sumInUnits(float[][]... lists) {
        int n = lists[0].length;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = new float[lists[0][i].length];
            for (float[][] list : lists) {
                float unit = unit(list[i]);
                if (unit == 0f) {
                    continue;
                }
                for (int p = 0; p < out[i].length; p++) {
                    out[i][p] += unit * list[i][p];
                }
            }
        }
        return out;
    }

    /** 1 / the map's mean, or 0 for a map without a positive finite mean. */
    private static float unit(float[] map) {
        double sum = 0;
        for (float v : map) {
            sum += v;
        }
        double mean = sum / map.length;
        return mean > 0 && Double.isFinite(mean) ? (float) (1 / mean) : 0f;
    }

    /**
     * What one restoration gives: the images' energies, the gradient maps (its first step), the restoration maps and,
     * when the model's feature density holds the mean normal image, each image's difference from it (|x − mean|
     * summed over channels; null otherwise), each grid-sized, one per image.
     */
    public record Restoration(float[] energies, float[][] gradient, float[][] restoration, float[][] reference) {

        /** The maps combined ({@link EnergyMaps#combine(float[][], float[][], float[][])}). */
        public float[][] combined() {
            return combine(gradient, restoration, reference);
        }

        /** The gradient and mean-image maps combined ({@link EnergyMaps#gradientAndMean}). */
        public float[][] gradientAndMean() {
            return EnergyMaps.gradientAndMean(gradient, reference);
        }
    }

    /**
     * The gradient, restoration and (by {@link Restoration#combined()}) combined maps of the same images for the cost
     * of one restoration: what a caller that wants more than one of them should use.
     *
     * @see #restorationMaps
     */
    public static Restoration restoration(DxmiModel model, float[] dataRows, SampleShape shape, int steps,
            float stepSize, int gridHeight, int gridWidth) {
        return restore(model, dataRows, shape, steps, stepSize, gridHeight, gridWidth);
    }

    private static Restoration restore(DxmiModel model, float[] dataRows, SampleShape shape, int steps, float stepSize,
            int gridHeight, int gridWidth) {
        int d = model.dimension();
        if (shape.size() != d || !shape.isImage()) {
            throw new IllegalArgumentException("a restoration map needs the model's image shape, not " + shape);
        }
        if (steps < 1 || !(stepSize > 0) || gridHeight < 1 || gridWidth < 1) {
            throw new IllegalArgumentException("a restoration map needs steps >= 1, a step size > 0 and a grid, got "
                    + steps + ", " + stepSize + ", " + gridHeight + " x " + gridWidth);
        }
        int n = dataRows.length / d;
        float[] x = dataRows.clone();
        float[] energies = new float[n];
        float[] movedEnergies = new float[n];
        float[][] gradientMaps = null;
        for (int step = 0; step < steps; step++) {
            float[] grad = dataGradients(model, x, step == 0 ? energies : movedEnergies);
            if (step == 0) {
                gradientMaps = absoluteMaps(grad, n, shape, gridHeight, gridWidth);
            }
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    sum += (double) grad[i * d + k] * grad[i * d + k];
                }
                double rms = Math.sqrt(sum / d);
                if (rms == 0 || !Double.isFinite(rms)) {
                    continue; // a flat or broken energy moves nothing: that image's map stays 0
                }
                float rate = (float) (stepSize / rms);
                for (int k = 0; k < d; k++) {
                    x[i * d + k] = Math.max(0f, Math.min(1f, x[i * d + k] - rate * grad[i * d + k]));
                }
            }
        }
        for (int k = 0; k < x.length; k++) {
            x[k] -= dataRows[k];
        }
        return new Restoration(energies, gradientMaps, absoluteMaps(x, n, shape, gridHeight, gridWidth),
                referenceMaps(model, dataRows, n, shape, gridHeight, gridWidth));
    }

    /** |x − the density's mean normal image| per image, on the grid; null when the model's density holds none. */
    private static float[][] referenceMaps(DxmiModel model, float[] dataRows, int n, SampleShape shape,
            int gridHeight, int gridWidth) {
        float[] mean = model.featureDensity() == null ? null : model.featureDensity().meanImage();
        int d = shape.size();
        if (mean == null) {
            return null;
        }
        if (mean.length != d) {
            throw new IllegalArgumentException("the feature density's mean image has " + mean.length
                    + " values, the model's images " + d);
        }
        float[] difference = new float[n * d];
        for (int k = 0; k < difference.length; k++) {
            difference[k] = dataRows[k] - mean[k % d];
        }
        return absoluteMaps(difference, n, shape, gridHeight, gridWidth);
    }

    /** Per image, |values| summed over channels at each pixel, area-averaged onto the grid. */
    private static float[][] absoluteMaps(float[] values, int n, SampleShape shape, int gridHeight, int gridWidth) {
        int d = shape.size();
        int c = shape.channels();
        int plane = shape.height() * shape.width();
        float[][] maps = new float[n][];
        float[] sum = new float[plane];
        for (int i = 0; i < n; i++) {
            Arrays.fill(sum, 0f);
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < plane; p++) {
                    sum[p] += Math.abs(values[i * d + ch * plane + p]);
                }
            }
            maps[i] = FrameImages.resize(sum, 1, shape.height(), shape.width(), gridHeight, gridWidth);
        }
        return maps;
    }

    /** dE/dx in data units for each of the images in {@code dataRows}; their energies go to {@code energies}. */
    private static float[] dataGradients(DxmiModel model, float[] dataRows, float[] energies) {
        int d = model.dimension();
        int n = dataRows.length / d;
        float[] scale = model.normalization().scale();
        ValueModel values = model.evaluationValues();
        float[] grad;
        try (NDManager scope = model.manager().newSubManager()) {
            // The model's own layout: (n, D) for a vector model of flattened images, (n, C, H, W) for an image model.
            NDArray x = OwnedArrays.create(scope, model.normalization().toModel(dataRows), new Shape(model.shape().batch(n)));
            x.setRequiresGradient(true);
            try (GradientRecorder g = GradientRecorder.open()) {
                NDArray e = model.scoringEnergy(x);
                System.arraycopy(e.toFloatArray(), 0, energies, 0, n);
                g.backward(e.sum());
            }
            grad = x.getGradient().toFloatArray();
        } finally {
            // The backward pass also reached the energy's weights; those gradients are not anyone's to apply.
            values.energyParameters().zeroGradients();
        }
        for (int k = 0; k < grad.length; k++) {
            grad[k] /= scale[k % d]; // dE/dx_data = dE/dx_model / scale
        }
        return grad;
    }
}
