package io.dxmi.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class AdamTest {

    private static final float[] C = {1f, 2f, 3f};

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    /** w (3,) and b (2,2) from a fixed seed. */
    private static ParameterSet params(NDManager m) {
        Rng rng = new Rng(7);
        ParameterSet ps = new ParameterSet(m);
        ps.add("w", new Shape(3), rng.gaussians(3));
        ps.add("b", new Shape(2, 2), rng.gaussians(4));
        return ps;
    }

    /** loss = Σ c·w² + ½ Σ b², so g_w = 2 c w and g_b = b. */
    private static void backward(ParameterSet ps) {
        try (NDManager s = ps.getManager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = ps.get("w").square().mul(s.create(C)).sum()
                    .add(ps.get("b").square().sum().mul(0.5f));
            gc.backward(loss);
        }
    }

    /** Plain double-precision Adam (torch.optim.Adam) over the same loss. */
    private static final class Reference {
        final double[][] w;
        final double[][] m;
        final double[][] v;
        final double lr, b1, b2, eps, clip;
        int t;

        Reference(ParameterSet ps, double lr, double b1, double b2, double eps, double clip) {
            float[] w0 = ps.get("w").toFloatArray();
            float[] bb = ps.get("b").toFloatArray();
            w = new double[][] {toDouble(w0), toDouble(bb)};
            m = new double[][] {new double[3], new double[4]};
            v = new double[][] {new double[3], new double[4]};
            this.lr = lr;
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            this.clip = clip;
        }

        void step() {
            double[][] g = {new double[3], new double[4]};
            double sq = 0;
            for (int i = 0; i < 3; i++) {
                g[0][i] = 2 * C[i] * w[0][i];
                sq += g[0][i] * g[0][i];
            }
            for (int i = 0; i < 4; i++) {
                g[1][i] = w[1][i];
                sq += g[1][i] * g[1][i];
            }
            double norm = Math.sqrt(sq);
            double scale = clip > 0 && norm > clip ? clip / norm : 1;
            t++;
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < g[p].length; i++) {
                    double gi = g[p][i] * scale;
                    m[p][i] = b1 * m[p][i] + (1 - b1) * gi;
                    v[p][i] = b2 * v[p][i] + (1 - b2) * gi * gi;
                    double mh = m[p][i] / (1 - Math.pow(b1, t));
                    double vh = v[p][i] / (1 - Math.pow(b2, t));
                    w[p][i] -= lr * mh / (Math.sqrt(vh) + eps);
                }
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static void assertClose(double[] expected, float[] actual, double rel) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = rel * Math.max(1.0, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }

    @Test
    void matchesPyTorchAdamOverFiveSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = params(m);
            Adam adam = Adam.builder().setParameters(ps).setLearningRate(0.05f).build();
            Reference ref = new Reference(ps, 0.05, 0.9, 0.999, 1e-8, 0);
            for (int s = 0; s < 5; s++) {
                backward(ps);
                Adam.StepResult r = adam.step();
                ref.step();
                assertTrue(r.applied());
                assertClose(ref.w[0], ps.get("w").toFloatArray(), 1e-5);
                assertClose(ref.w[1], ps.get("b").toFloatArray(), 1e-5);
            }
            assertEquals(5, adam.getSteps());
        }
    }

    @Test
    void firstStepMovesEachWeightByTheLearningRate() {
        // With bias correction, Adam's first step is lr·sign(g) (up to ε).
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = params(m);
            float[] w0 = ps.get("w").toFloatArray();
            Adam adam = Adam.builder().setParameters(ps).setLearningRate(0.01f).build();
            backward(ps);
            adam.step();
            float[] w1 = ps.get("w").toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(-0.01 * Math.signum(w0[i]), w1[i] - w0[i], 1e-6);
            }
        }
    }

    @Test
    void clippingScalesTheGradientToTheClipNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = params(m);
            // A large ε makes the update depend on the gradient's scale, so clipping is visible.
            Adam adam = Adam.builder().setParameters(ps).setLearningRate(0.1f).optEpsilon(0.5f).optClipNorm(1f)
                    .build();
            Reference ref = new Reference(ps, 0.1, 0.9, 0.999, 0.5, 1.0);
            Reference unclipped = new Reference(ps, 0.1, 0.9, 0.999, 0.5, 0);
            for (int s = 0; s < 5; s++) {
                backward(ps);
                double expectedNorm = adam.gradientNorm();
                Adam.StepResult r = adam.step();
                assertEquals(expectedNorm, r.gradientNorm(), 1e-6, "the reported norm is the unclipped one");
                ref.step();
                unclipped.step();
                assertClose(ref.w[0], ps.get("w").toFloatArray(), 1e-5);
                assertClose(ref.w[1], ps.get("b").toFloatArray(), 1e-5);
            }
            double diff = 0;
            float[] w = ps.get("w").toFloatArray();
            for (int i = 0; i < 3; i++) {
                diff = Math.max(diff, Math.abs(unclipped.w[0][i] - w[i]));
            }
            assertTrue(diff > 1e-3, "clipping must change the trajectory, diff " + diff);
        }
    }

    @Test
    void gradientNormIsTheGlobalL2Norm() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = params(m);
            Adam adam = Adam.builder().setParameters(ps).setLearningRate(0.1f).build();
            float[] w = ps.get("w").toFloatArray();
            float[] b = ps.get("b").toFloatArray();
            double sq = 0;
            for (int i = 0; i < 3; i++) {
                sq += Math.pow(2 * C[i] * w[i], 2);
            }
            for (float x : b) {
                sq += x * x;
            }
            backward(ps);
            assertEquals(Math.sqrt(sq), adam.gradientNorm(), 1e-5 * Math.sqrt(sq));
        }
    }

    @Test
    void nanGradientIsRefusedAndLeavesWeightsUnchanged() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = params(m);
            Adam adam = Adam.builder().setParameters(ps).setLearningRate(0.1f).build();
            LinkedHashMap<String, float[]> before = ps.toFloatArrays();
            try (NDManager s = m.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = ps.get("w").mul(s.create(Float.NaN)).sum().add(ps.get("b").sum());
                gc.backward(loss);
            }
            Adam.StepResult r = adam.step();
            assertFalse(r.applied());
            assertTrue(Double.isNaN(r.gradientNorm()));
            assertEquals(0, adam.getSteps());
            for (Map.Entry<String, float[]> e : before.entrySet()) {
                assertArrayEquals(e.getValue(), ps.get(e.getKey()).toFloatArray(), e.getKey());
            }
            // The NaN gradient was discarded: the next good step is a clean first step.
            Reference ref = new Reference(ps, 0.1, 0.9, 0.999, 1e-8, 0);
            backward(ps);
            assertTrue(adam.step().applied());
            ref.step();
            assertClose(ref.w[0], ps.get("w").toFloatArray(), 1e-5);
            assertClose(ref.w[1], ps.get("b").toFloatArray(), 1e-5);
        }
    }

    @Test
    void gradientsAreZeroedAfterAStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = params(m);
            Adam adam = Adam.builder().setParameters(ps).setLearningRate(0.1f).build();
            backward(ps);
            adam.step();
            for (NDArray a : ps.arrays().values()) {
                for (float g : a.getGradient().toFloatArray()) {
                    assertEquals(0f, g);
                }
            }
            assertEquals(0.0, adam.gradientNorm());
        }
    }

    @Test
    void exportImportResumesExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet a = params(m);
            Adam adamA = Adam.builder().setParameters(a).setLearningRate(0.05f).build();
            for (int s = 0; s < 3; s++) {
                backward(a);
                adamA.step();
            }
            LinkedHashMap<String, float[]> state = adamA.exportState();
            assertEquals(List.of("m/w", "m/b", "v/w", "v/b"), List.copyOf(state.keySet()));

            ParameterSet b = params(m);
            b.load(a.toFloatArrays());
            Adam adamB = Adam.builder().setParameters(b).setLearningRate(0.05f).build();
            adamB.importState(state, adamA.getSteps());
            assertEquals(3, adamB.getSteps());
            for (int s = 0; s < 2; s++) {
                backward(a);
                adamA.step();
                backward(b);
                adamB.step();
            }
            assertArrayEquals(a.get("w").toFloatArray(), b.get("w").toFloatArray());
            assertArrayEquals(a.get("b").toFloatArray(), b.get("b").toFloatArray());

            // Without the moments, resuming would differ.
            ParameterSet c = params(m);
            c.load(b.toFloatArrays());
            assertThrows(IllegalArgumentException.class,
                    () -> Adam.builder().setParameters(c).setLearningRate(0.05f).build()
                            .importState(Map.of("m/w", new float[3]), 1));
        }
    }

    @Test
    void builderValidates() {
        assertThrows(IllegalStateException.class, () -> Adam.builder().setLearningRate(0.1f).build());
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterSet ps = params(m);
            assertThrows(IllegalStateException.class, () -> Adam.builder().setParameters(ps).build());
            assertThrows(IllegalStateException.class,
                    () -> Adam.builder().setParameters(ps).setLearningRate(-1f).build());
        }
    }
}
