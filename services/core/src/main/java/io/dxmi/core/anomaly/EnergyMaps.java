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
        float[] scale = model.normalization().scale();
        ValueModel values = model.evaluationValues();
        float[] energies;
        float[] grad;
        try (NDManager scope = model.manager().newSubManager()) {
            // The model's own layout: (n, D) for a vector model of flattened images, (n, C, H, W) for an image model.
            NDArray x = OwnedArrays.create(scope, model.normalization().toModel(dataRows), new Shape(model.shape().batch(n)));
            x.setRequiresGradient(true);
            try (GradientRecorder g = GradientRecorder.open()) {
                NDArray e = values.energy(x);
                energies = e.toFloatArray();
                g.backward(e.sum());
            }
            grad = x.getGradient().toFloatArray();
        } finally {
            // The backward pass also reached the energy's weights; those gradients are not anyone's to apply.
            values.energyParameters().zeroGradients();
        }
        int c = shape.channels();
        int h = shape.height();
        int w = shape.width();
        int plane = h * w;
        float[][] maps = new float[n][];
        float[] magnitude = new float[plane];
        for (int i = 0; i < n; i++) {
            Arrays.fill(magnitude, 0f);
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < plane; p++) {
                    int k = ch * plane + p;
                    // dE/dx_data = dE/dx_model / scale
                    magnitude[p] += Math.abs(grad[i * d + k] / scale[k]);
                }
            }
            maps[i] = FrameImages.resize(magnitude, 1, h, w, gridHeight, gridWidth);
        }
        return new Result(energies, maps);
    }
}
