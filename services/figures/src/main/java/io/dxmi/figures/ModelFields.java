package io.dxmi.figures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.ValueModel;
import io.dxmi.core.engine.OwnedArrays;

/**
 * The model's energy and values at data-space points, for drawing. Inference only: nothing
 * here opens a gradient collector, and every chunk's arrays live in a sub-manager that is
 * closed at once (native memory would otherwise grow with every figure).
 */
final class ModelFields {

    private static final int CHUNK = 10_000;

    private ModelFields() {
    }

    /** E(x) of each row with the evaluation energy (the EMA copy when there is one), as AUC uses. */
    static float[] energy(DxmiModel model, float[] dataRows) {
        return model.energy(dataRows);
    }

    /**
     * V(x, t) of each row for t in 0…T. Slot T is the evaluation energy (V(·, T) ≡ E), so that
     * the last panel matches the energy figures; slots below T come from the trained value
     * model, whether it is the shared network or the separate value network.
     */
    static float[] value(DxmiModel model, float[] dataRows, int t) {
        ValueModel values = model.values();
        if (t < 0 || t > values.steps()) {
            throw new IllegalArgumentException("value slot " + t + " outside 0…" + values.steps());
        }
        if (t == values.steps()) {
            return energy(model, dataRows);
        }
        int d = model.dimension();
        float[] rows = model.normalization().toModel(dataRows);
        int n = rows.length / d;
        float[] out = new float[n];
        for (int start = 0; start < n; start += CHUNK) {
            int m = Math.min(CHUNK, n - start);
            try (NDManager scope = model.manager().newSubManager()) {
                float[] part = new float[m * d];
                System.arraycopy(rows, start * d, part, 0, m * d);
                NDArray v = values.value(OwnedArrays.create(scope, part, new Shape(m, d)), t);
                System.arraycopy(v.toFloatArray(), 0, out, start, m);
            }
        }
        return out;
    }
}
