package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import java.util.Map;

/**
 * The sampler network's Adam ε: unset it is Adam's and leaves a configuration's JSON as before; set well above the
 * gradients' size, the sampler's step follows the energy's gradient, so an energy that says almost nothing moves the
 * sampler almost nowhere, where Adam's 1e-8 moves every weight by about the learning rate.
 */
class SamplerEpsilonTest {

    private static final NetworkConfig SMALL = new NetworkConfig(64, 2, 16);

    @BeforeAll
    static void runtime() {
        DjlRuntime.configure(1);
    }

    @Test
    void unsetItIsAdamsAndAConfigurationsJsonIsAsBefore() throws Exception {
        DxmiConfig plain = DxmiConfig.defaults();
        assertNull(plain.samplerEpsilon());
        assertEquals(1e-8f, plain.samplerEpsilonOrDefault());
        String json = ModelDirectory.json().writeValueAsString(plain);
        assertFalse(json.contains("samplerEpsilon"), json);
        assertNull(ModelDirectory.json().readValue(json, DxmiConfig.class).samplerEpsilon());
        DxmiConfig set = plain.toBuilder().optSamplerEpsilon(1e-3f).build();
        assertEquals(set, ModelDirectory.json().readValue(ModelDirectory.json().writeValueAsString(set),
                DxmiConfig.class));
        assertEquals(1e-3f, set.toBuilder().build().samplerEpsilonOrDefault());
        assertThrows(IllegalArgumentException.class, () -> plain.toBuilder().optSamplerEpsilon(0f).build());
        assertThrows(IllegalArgumentException.class, () -> plain.toBuilder().optSamplerEpsilon(Float.NaN).build());
    }

    @Test
    void aLargeEpsilonLetsAFrozenRandomEnergyMoveTheSamplerFarLess() {
        // Energy and value frozen at their random start: whatever the policy learns from them is not evidence.
        DxmiConfig frozen = DxmiConfig.builder().optNetwork(SMALL).optIterations(5).optBatchSize(64)
                .optValueLearningRate(0f).optEnergyLearningRate(0f).optSigmaLearningRate(0f)
                .optBoxNegativeWeight(0).optBoxNegativeStart(0f).optCosineDecay(false).optSeed(3).build();
        DataSource data = ToyDatasets.byName("8gaussians");
        double adams = policyMove(frozen, data);
        double large = policyMove(frozen.toBuilder().optSamplerEpsilon(1f).build(), data);
        assertTrue(adams > 0, "Adam's default moves the sampler");
        assertTrue(large > 0, "a large epsilon still moves it");
        assertTrue(large < adams / 20, "large epsilon " + large + " against Adam's " + adams);
    }

    /** The L2 distance the sampler network's weights travel in the configuration's iterations. */
    private static double policyMove(DxmiConfig cfg, DataSource data) {
        try (DxmiModel m = DxmiModel.untrained(cfg, new PretrainConfig(1000, 1e-4, 0.02, 1, 8, 2e-3f, true, SMALL, 1L),
                2, Normalization.identity(2), new Rng(cfg.seed()))) {
            Map<String, float[]> before = m.sampler().networkParameters().toFloatArrays();
            DxmiTrainer trainer = new DxmiTrainer(m, data::sample);
            for (int i = 0; i < cfg.iterations(); i++) {
                IterationStats s = trainer.step();
                assertTrue(Double.isFinite(s.policyLoss()), "a policy step at iteration " + (i + 1));
                assertTrue(s.policyGradientRms() > 0 && Double.isFinite(s.policyGradientRms()),
                        "the sampler's gradient size is reported: " + s.policyGradientRms());
            }
            Map<String, float[]> after = m.sampler().networkParameters().toFloatArrays();
            double sq = 0;
            for (Map.Entry<String, float[]> e : before.entrySet()) {
                float[] a = after.get(e.getKey());
                for (int j = 0; j < a.length; j++) {
                    double d = a[j] - e.getValue()[j];
                    sq += d * d;
                }
            }
            return Math.sqrt(sq);
        }
    }
}
