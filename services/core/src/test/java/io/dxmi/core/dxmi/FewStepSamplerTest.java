package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.GradientRecorder;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

class FewStepSamplerTest {

    private static final NetworkConfig SMALL = new NetworkConfig(32, 2, 16);

    private static DdpmModel ddpm;

    @BeforeAll
    static void pretrain() {
        DjlRuntime.configure(1);
        ddpm = TestDdpms.tiny();
    }

    private static DxmiConfig.Builder config(int steps) {
        return DxmiConfig.builder().optSamplerSteps(steps).optNetwork(SMALL).optBatchSize(64).optSeed(3);
    }

    @Test
    void initialSigmasFollowTheScheduleAndTheLearnableLastSigma() {
        DxmiConfig cfg = config(5).build();
        try (DxmiModel m = DxmiModel.fromPretrained(cfg, ddpm, new Rng(1))) {
            FewStepSampler s = m.sampler();
            StepCoefficients c = StepCoefficients.of(ddpm.schedule(), 5, cfg.stepSpacing());
            float[] sig = s.sigmas();
            assertEquals(5, sig.length);
            for (int k = 0; k < 4; k++) {
                assertTrue(c.sigma(k) > 1e-3f, "schedule sigma " + k + " = " + c.sigma(k));
                assertEquals(c.sigma(k), sig[k], 1e-6 * c.sigma(k) + 1e-7, "sigma " + k);
            }
            assertEquals(0.1f, sig[4], 1e-7);
            assertTrue(s.lastSigmaLearnable());
            assertEquals(new Shape(5), s.sigmaParameters().get(FewStepSampler.LOG_SIGMA).getShape());
            float[] logs = s.logSigmas(m.manager()).toFloatArray();
            assertEquals(5, logs.length);
            assertEquals(Math.log(0.1), logs[4], 1e-6);
        }
    }

    @Test
    void fixedLastSigmaIsNotAParameter() {
        DxmiConfig cfg = config(5).optLastSigmaLearnable(false).build();
        try (DxmiModel m = DxmiModel.fromPretrained(cfg, ddpm, new Rng(1)); NDManager scope = NDManager.newBaseManager()) {
            FewStepSampler s = m.sampler();
            StepCoefficients c = StepCoefficients.of(ddpm.schedule(), 5, cfg.stepSpacing());
            float[] sig = s.sigmas();
            for (int k = 0; k < 4; k++) {
                assertEquals(c.sigma(k), sig[k], 1e-6 * c.sigma(k) + 1e-7, "sigma " + k);
            }
            assertEquals(1e-3f, sig[4], 0);
            assertFalse(s.lastSigmaLearnable());
            assertEquals(new Shape(4), s.sigmaParameters().get(FewStepSampler.LOG_SIGMA).getShape());
            assertEquals(4, s.sigmaParameters().size());
            float[] logs = s.logSigmas(scope).toFloatArray();
            assertEquals(5, logs.length);
            assertEquals(Math.log(1e-3), logs[4], 1e-6);
        }
    }

    @Test
    void rolloutKeepsOnlyTheStatesInItsScope() {
        // Each step's network temporaries must be freed with the step: a rollout that kept them
        // until the caller's scope closed held all T steps' UNet activations (21 GB at 28 x 28).
        try (DxmiModel m = DxmiModel.fromPretrained(config(5).build(), ddpm, new Rng(1));
                NDManager scope = NDManager.newBaseManager();
                GradientRecorder recording = GradientRecorder.open()) {
            NDArray[] states = m.sampler().rollout(8, new Rng(2), scope);
            assertEquals(states.length, scope.getManagedArrays().size(), "tensors left in the rollout's scope");
            for (NDArray state : states) {
                assertFalse(JniUtils.requiresGrad((PtNDArray) state), "a state carries a graph");
            }
            assertTrue(DjlRuntime.recordsGradientsOnThisThread(), "the rollout turned gradient recording off for good");
        }
    }

    @Test
    void networkWeightsAreTheDdpms() {
        try (DxmiModel m = DxmiModel.fromPretrained(config(5).build(), ddpm, new Rng(1))) {
            Map<String, float[]> mine = m.sampler().networkParameters().toFloatArrays();
            Map<String, float[]> theirs = ddpm.epsNet().parameters().toFloatArrays();
            assertEquals(theirs.size(), mine.size());
            for (Map.Entry<String, float[]> e : theirs.entrySet()) {
                String name = FewStepSampler.NET_PREFIX + e.getKey().substring(DdpmModel.PREFIX.length());
                assertArrayEquals(e.getValue(), mine.get(name), name);
            }
        }
        // an untrained model with the same shapes does not have them
        try (DxmiModel u = DxmiModel.untrained(config(5).build(), ddpm.config(), 2, Normalization.identity(2),
                new Rng(1))) {
            String name = FewStepSampler.NET_PREFIX + "out.weight";
            float[] theirs = ddpm.epsNet().parameters().toFloatArrays().get(DdpmModel.PREFIX + "out.weight");
            assertFalse(Arrays.equals(theirs, u.sampler().networkParameters().toFloatArrays().get(name)));
        }
    }

    @Test
    void rolloutShapesAndDeterminism() {
        try (DxmiModel m = DxmiModel.fromPretrained(config(4).build(), ddpm, new Rng(1));
                NDManager scope = NDManager.newBaseManager()) {
            NDArray[] a = m.sampler().rollout(50, new Rng(9), scope);
            NDArray[] b = m.sampler().rollout(50, new Rng(9), scope);
            NDArray[] c = m.sampler().rollout(50, new Rng(10), scope);
            assertEquals(5, a.length);
            for (int k = 0; k <= 4; k++) {
                assertEquals(new Shape(50, 2), a[k].getShape(), "state " + k);
                assertArrayEquals(a[k].toFloatArray(), b[k].toFloatArray(), 0f, "state " + k);
                assertFalse(Arrays.equals(a[k].toFloatArray(), c[k].toFloatArray()), "state " + k);
            }
            // x_0 is the first draw of the generator: standard normal rows
            assertArrayEquals(new Rng(9).gaussians(100), a[0].toFloatArray(), 0f);
            assertArrayEquals(m.sample(50, new Rng(9)), a[4].toFloatArray(), 0f);
        }
    }

    @Test
    void withATinyFixedLastSigmaItIsTheDdpmSampler() {
        // The DDPM's own T-step sampler adds no noise at the last step; with a fixed last sigma of
        // 1e-7 the DxMI policy must reproduce it draw for draw (same generator sequence).
        DxmiConfig cfg = config(5).optLastSigmaLearnable(false).optLastSigmaFixed(1e-7f).build();
        try (DxmiModel m = DxmiModel.fromPretrained(cfg, ddpm, new Rng(1))) {
            float[] dx = m.sample(300, new Rng(21));
            float[] dd = ddpm.sample(300, StepCoefficients.of(ddpm.schedule(), 5, cfg.stepSpacing()), new Rng(21));
            assertEquals(dd.length, dx.length);
            assertArrayEquals(dd, dx, 1e-4f);
            // and a learnable last sigma of 0.1 visibly differs
            try (DxmiModel m2 = DxmiModel.fromPretrained(config(5).build(), ddpm, new Rng(1))) {
                float[] dy = m2.sample(300, new Rng(21));
                double maxDiff = 0;
                for (int i = 0; i < dy.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(dy[i] - dd[i]));
                }
                assertTrue(maxDiff > 0.05, "max diff " + maxDiff);
            }
        }
    }
}
