package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.OwnedArrays;

/**
 * Trajectories between tensors and flat arrays: x_0 … x_T, each (B, shape…), packed time-major
 * as (T+1)·B·D floats (D values per sample) — the layout of the pipeline's trajectory messages.
 */
public final class Trajectories {

    private Trajectories() {}

    /** Packs T+1 states of shape (B, shape…) time-major. */
    public static float[] pack(NDArray[] states) {
        int b = (int) states[0].getShape().get(0);
        int d = (int) (states[0].size() / Math.max(1, b));
        float[] out = new float[states.length * b * d];
        for (int t = 0; t < states.length; t++) {
            float[] s = states[t].toFloatArray();
            System.arraycopy(s, 0, out, t * b * d, b * d);
        }
        return out;
    }

    /** Unpacks into T+1 arrays of shape (B, D) owned by {@code manager}. */
    public static NDArray[] unpack(float[] packed, int steps, int batch, int dim, NDManager manager) {
        return unpack(packed, steps, batch, SampleShape.vector(dim), manager);
    }

    /** Unpacks into T+1 arrays of shape (B, shape…) owned by {@code manager}. */
    public static NDArray[] unpack(float[] packed, int steps, int batch, SampleShape shape, NDManager manager) {
        int dim = shape.size();
        long expected = (long) (steps + 1) * batch * dim;
        if (packed.length != expected) {
            throw new IllegalArgumentException("a trajectory batch of T=" + steps + ", B=" + batch + ", samples of "
                    + shape + " has " + expected + " values, got " + packed.length);
        }
        NDArray[] states = new NDArray[steps + 1];
        int n = batch * dim;
        for (int t = 0; t <= steps; t++) {
            float[] s = new float[n];
            System.arraycopy(packed, t * n, s, 0, n);
            states[t] = OwnedArrays.create(manager, s, new Shape(shape.batch(batch)));
        }
        return states;
    }
}
