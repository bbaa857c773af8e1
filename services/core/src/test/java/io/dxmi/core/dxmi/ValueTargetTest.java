package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The value's TD target, computed by hand for each time cost, with and without the entropy term. */
class ValueTargetTest {

    private static final NetworkConfig SMALL = new NetworkConfig(16, 1, 8);

    @BeforeAll
    static void runtime() {
        DjlRuntime.configure(1);
    }

    @Test
    void theTargetChargesTheTimeCostAndTheEntropyOnlyWhenConfigured() {
        DxmiConfig running = DxmiConfig.builder().optNetwork(SMALL).optSamplerSteps(4).optTaus(0.1f, 0.5f)
                .optTimeCost(TimeCost.RUNNING).optEntropyInValue(true).build();
        // V(x_{t+1}) = (1, −2); x → x' moves (0, 0) → (1, 1) and (1, 1) → (1, 3): mean squared steps 1 and 2.
        float[] nextValue = {1, -2};
        float[] x = {0, 0, 1, 1};
        float[] next = {1, 1, 1, 3};
        double s2 = 0.25;
        float sigma = 0.01f;
        double entropy = -0.1 * Math.log(sigma);
        // τ₂·mean(Δ²)/(2 s²) = 0.5·1/0.5 = 1 and 0.5·2/0.5 = 2.
        assertArrayEquals(new float[] {(float) (1 + 1 + entropy), (float) (-2 + 2 + entropy)},
                target(running, nextValue, x, next, 1, s2, sigma), 1e-5f);
        assertArrayEquals(new float[] {2, 0},
                target(running.toBuilder().optEntropyInValue(false).build(), nextValue, x, next, 1, s2, sigma), 1e-5f);

        DxmiConfig sigmoid = DxmiConfig.imageBuilder().optNetwork(SMALL).optSamplerSteps(4).build();
        double r1 = TimeCost.SIGMOID.fixedCost(1, 4, 0);
        // The image default: the time cost alone, as in the official image configurations.
        assertArrayEquals(new float[] {(float) (1 + r1), (float) (-2 + r1)},
                target(sigmoid, nextValue, x, next, 1, s2, sigma), 1e-5f);
        assertArrayEquals(new float[] {(float) (1 + r1 + entropy), (float) (-2 + r1 + entropy)},
                target(sigmoid.toBuilder().optEntropyInValue(true).build(), nextValue, x, next, 1, s2, sigma), 1e-5f);
    }

    /** A configuration saved before the setting existed charged the entropy: it still does; the defaults do not. */
    @Test
    void aConfigurationWithoutTheSettingKeepsTheEntropyInTheValue() throws Exception {
        ObjectNode node = ModelDirectory.json().valueToTree(DxmiConfig.imageBuilder().build());
        node.remove("entropyInValue");
        DxmiConfig read = ModelDirectory.json().treeToValue(node, DxmiConfig.class);
        assertTrue(read.entropyInValue());
        assertFalse(DxmiConfig.imageBuilder().build().entropyInValue());
        assertFalse(DxmiConfig.defaults().entropyInValue());
    }

    private static float[] target(DxmiConfig cfg, float[] nextValue, float[] x, float[] next, int t, double s2,
            float sigma) {
        DataSource data = ToyDatasets.byName("8gaussians");
        PretrainConfig sampler = new PretrainConfig(1000, 1e-4, 0.02, 1, 8, 2e-3f, true, SMALL, 1L);
        try (DxmiModel m = DxmiModel.untrained(cfg, sampler, 2, Normalization.identity(2), new Rng(1));
                NDManager scope = m.manager().newSubManager()) {
            DxmiTrainer trainer = new DxmiTrainer(m, data::sample);
            NDArray v = scope.create(nextValue, new Shape(2, 1));
            return trainer.valueTarget(v, scope.create(x, new Shape(2, 2)), scope.create(next, new Shape(2, 2)), t, s2,
                    sigma).toFloatArray();
        }
    }
}
