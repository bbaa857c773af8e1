package io.dxmi.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.dxmi.core.nn.GroupNorm;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FusedKernelsTest {

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    @Test
    void siluAndItsGradientMatchTheFormulas() {
        float[] xs = {-4f, -1f, -0.25f, 0f, 0.5f, 2f, 6f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(xs);
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientRecorder r = GradientRecorder.open()) {
                y = FusedKernels.silu(x);
                r.backward(y.sum());
            }
            float[] want = new float[xs.length];
            float[] slope = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                double s = 1 / (1 + Math.exp(-xs[i]));
                want[i] = (float) (xs[i] * s);
                slope[i] = (float) (s * (1 + xs[i] * (1 - s))); // d/dx x·σ(x)
            }
            assertArrayEquals(want, y.toFloatArray(), 1e-6f);
            assertArrayEquals(slope, x.getGradient().toFloatArray(), 1e-6f);
        }
    }

    /** The fused kernel against the same normalisation composed of a layer norm, a product and a sum, gradients too. */
    @Test
    void fusedGroupNormAndSiluMatchTheComposedOperationsWithNamedParameters() {
        Rng rng = new Rng(3);
        int n = 3;
        int c = 8;
        int groups = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            float[] xs = rng.gaussians(n * c * 5 * 5);
            float[] gs = rng.gaussians(c);
            float[] bs = rng.gaussians(c);
            float[] upstream = rng.gaussians(xs.length);
            float[][] fused = run(m, xs, gs, bs, upstream, groups, true);
            float[][] composed = run(m, xs, gs, bs, upstream, groups, false);
            String[] what = {"output", "dx", "dgamma", "dbeta"};
            for (int k = 0; k < 4; k++) {
                assertArrayEquals(composed[k], fused[k], 2e-5f, what[k]);
            }
        }
    }

    private static float[][] run(NDManager m, float[] xs, float[] gs, float[] bs, float[] upstream, int groups,
            boolean fused) {
        int c = gs.length;
        NDArray x = m.create(xs, new Shape(xs.length / (c * 25), c, 5, 5));
        NDArray gamma = m.create(gs);
        NDArray beta = m.create(bs);
        gamma.setName("block.0.norm1.gamma"); // parameters are named like this: a dotted name must not confuse DJL
        beta.setName("block.0.norm1.beta");
        for (NDArray a : new NDArray[] {x, gamma, beta}) {
            a.setRequiresGradient(true);
        }
        NDArray y;
        try (GradientRecorder r = GradientRecorder.open()) {
            if (fused) {
                y = GroupNorm.applySilu(x, groups, gamma, beta, GroupNorm.EPSILON);
            } else {
                NDArray h = GroupNorm.apply(x, groups, null, null, GroupNorm.EPSILON)
                        .mul(gamma.reshape(1, c, 1, 1)).add(beta.reshape(1, c, 1, 1));
                y = h.mul(h.neg().exp().add(1).pow(-1));
            }
            r.backward(y.mul(m.create(upstream, y.getShape())).sum());
        }
        return new float[][] {y.toFloatArray(), x.getGradient().toFloatArray(), gamma.getGradient().toFloatArray(),
            beta.getGradient().toFloatArray()};
    }

    @Test
    void recordsNothingWhereTheThreadRecordsNoGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1f, -2f});
            x.setRequiresGradient(true);
            NDArray y = DjlRuntime.withoutGradients(() -> FusedKernels.silu(x));
            assertFalse(JniUtils.requiresGrad((PtNDArray) y), "a tensor computed without gradients needs none");
        }
    }
}
