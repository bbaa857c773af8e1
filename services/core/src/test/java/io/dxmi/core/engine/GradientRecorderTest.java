package io.dxmi.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GradientRecorderTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    private static float[] gradientWith(boolean recorder) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1f, -2f, 3f});
            x.setRequiresGradient(true);
            if (recorder) {
                try (GradientRecorder g = GradientRecorder.open()) {
                    g.backward(x.mul(x).sum().add(x.sin().sum()));
                }
            } else {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(x.mul(x).sum().add(x.sin().sum()));
                }
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void givesTheSameGradientsAsDjlsCollector() {
        float[] expected = gradientWith(false);
        assertArrayEquals(expected, gradientWith(true), 0f);
        // d/dx (x² + sin x) = 2x + cos x
        assertArrayEquals(new float[] {2f + (float) Math.cos(1), -4f + (float) Math.cos(-2), 6f + (float) Math.cos(3)},
                expected, 1e-6f);
    }

    @Test
    @SuppressWarnings("try") // the recorders are opened for their effect on the thread's grad mode
    void recordsOnlyOnItsOwnThreadAndRestoresTheMode() throws Exception {
        DjlRuntime.noGradientsOnThisThread();
        try (GradientRecorder outer = GradientRecorder.open()) {
            assertTrue(JniUtils.isGradMode());
            CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
                DjlRuntime.noGradientsOnThisThread();
                try (GradientRecorder inner = GradientRecorder.open()) {
                    // A second recorder at the same time (DJL's collector would throw here).
                    return JniUtils.isGradMode();
                }
            });
            assertTrue(other.get(1, TimeUnit.MINUTES));
        }
        assertFalse(JniUtils.isGradMode(), "grad mode restored to off");
    }
}
