package io.dxmi.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link OwnedArrays} makes stays valid after the Java objects it came from are closed and
 * collected. Each case keeps a tensor's storage reachable from the engine only (a view, the
 * autograd graph), then collects garbage and hands freed native memory to buffers full of 1e30:
 * with DJL's own {@code create(float[])} and {@code mul(Number)} the same cases read 1e30 or
 * whatever else lies there (measured when this was written).
 */
class OwnedArraysTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    /** Garbage collections, and freed native memory reused at every small size, filled with 1e30. */
    private static void churn() throws InterruptedException {
        List<ByteBuffer> held = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            System.gc();
            Thread.sleep(5);
            for (int size = 4; size <= 8192; size *= 2) {
                for (int i = 0; i < 20; i++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
                    while (b.remaining() >= Float.BYTES) {
                        b.putFloat(1e30f);
                    }
                    held.add(b);
                }
            }
        }
    }

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    @Test
    void aViewOutlivesTheArrayItWasTakenFrom() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray row;
            try (NDManager scope = m.newSubManager()) {
                NDArray grid = OwnedArrays.create(scope, ramp(1024), new Shape(32, 32));
                row = grid.get(1);
                row.attach(m);
            }
            churn();
            float[] expected = Arrays.copyOfRange(ramp(1024), 32, 64);
            assertArrayEquals(expected, row.toFloatArray(), 0f);
        }
    }

    @Test
    void theBackwardPassReadsTheInputsAndConstantsOfItsForwardPass() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = OwnedArrays.create(m, new float[] {1f, 2f, 3f});
            w.setRequiresGradient(true);
            try (GradientRecorder g = GradientRecorder.open()) {
                NDArray loss;
                try (NDManager scope = m.newSubManager()) {
                    NDArray x = OwnedArrays.create(scope, new float[] {4f, 5f, 6f});
                    // d/dw of sum(3·(w·x)/2) = 1.5·x: both the input x and the constants are kept by the graph.
                    loss = OwnedArrays.div(OwnedArrays.mul(w.mul(x), 3f), 2f).sum();
                    loss.attach(m);
                }
                churn();
                g.backward(loss);
            }
            assertArrayEquals(new float[] {6f, 7.5f, 9f}, w.getGradient().toFloatArray(), 0f);
        }
    }

    @Test
    void copyIntoWritesTheTensorsOwnStorage() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray target = OwnedArrays.create(m, new float[6], new Shape(2, 3));
            NDArray firstRow = target.get(0); // shares target's storage: sees an in-place write only
            OwnedArrays.copyInto(target, new float[] {1f, 2f, 3f, 4f, 5f, Float.NaN});
            churn();
            assertArrayEquals(new float[] {1f, 2f, 3f, 4f, 5f, Float.NaN}, target.toFloatArray(), 0f);
            assertArrayEquals(new float[] {1f, 2f, 3f}, firstRow.toFloatArray(), 0f);
            NDArray source = OwnedArrays.create(m, new float[] {6f, 5f, 4f, 3f, 2f, 1f}, new Shape(2, 3));
            OwnedArrays.copyInto(target, source);
            assertArrayEquals(new float[] {6f, 5f, 4f}, firstRow.toFloatArray(), 0f);
            assertThrows(IllegalArgumentException.class, () -> OwnedArrays.copyInto(target, new float[5]));
        }
    }

    @Test
    void scalarHelpersComputeWhatDjlComputes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = OwnedArrays.create(m, new float[] {-2f, 0.5f, 3f});
            assertArrayEquals(x.mul(1.5f).toFloatArray(), OwnedArrays.mul(x, 1.5f).toFloatArray(), 0f);
            assertArrayEquals(x.div(3f).toFloatArray(), OwnedArrays.div(x, 3f).toFloatArray(), 0f);
            assertArrayEquals(x.maximum(0.25f).toFloatArray(), OwnedArrays.maximum(x, 0.25f).toFloatArray(), 0f);
            NDArray y = x.duplicate();
            OwnedArrays.muli(y, -1f);
            assertArrayEquals(new float[] {2f, -0.5f, -3f}, y.toFloatArray(), 0f);
        }
    }
}
