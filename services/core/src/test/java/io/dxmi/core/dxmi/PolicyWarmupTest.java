package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import java.util.Arrays;
import java.util.Map;

/** The policy warm-up: the sampler held while the energy and value learn, then its rates' cosine from there. */
class PolicyWarmupTest {

    private static final NetworkConfig SMALL = new NetworkConfig(64, 2, 16);

    @BeforeAll
    static void runtime() {
        DjlRuntime.configure(1);
    }

    @Test
    void thePolicyIsHeldDuringTheWarmupAndItsCosineStartsAfterIt() {
        DxmiConfig warm = DxmiConfig.builder().optIterations(1000).optBoxNegativeStart(0.6f).optPolicyWarmup(0.2f).build();
        assertEquals(200, warm.policyWarmupIteration());
        assertEquals(0, TrainerOptimizers.policyRateFactor(warm, 0), 1e-12);
        assertEquals(0, TrainerOptimizers.policyRateFactor(warm, 199), 1e-12);
        assertEquals(1, TrainerOptimizers.policyRateFactor(warm, 200), 1e-12);
        // Half-way between the warm-up's end (200) and the box phase (600).
        assertEquals(0.5, TrainerOptimizers.policyRateFactor(warm, 400), 1e-9);
        assertEquals(0, TrainerOptimizers.policyRateFactor(warm, 600), 1e-12);
        DxmiConfig none = warm.toBuilder().optPolicyWarmup(0f).build();
        assertEquals(1, TrainerOptimizers.policyRateFactor(none, 0), 1e-12);
        assertEquals(0.5, TrainerOptimizers.policyRateFactor(none, 300), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> warm.toBuilder().optPolicyWarmup(1f).build());
        assertThrows(IllegalArgumentException.class, () -> warm.toBuilder().optPolicyWarmup(-0.1f).build());
        assertThrows(IllegalArgumentException.class, () -> warm.toBuilder().optPolicyWarmup(0.6f).build(),
                "a warm-up that would run into the box phase");
    }

    @Test
    void theEnergyAndValueLearnWhileThePolicyWaitsThenThePolicyLearns() {
        DataSource data = ToyDatasets.byName("8gaussians");
        DxmiConfig cfg = DxmiConfig.builder().optNetwork(SMALL).optIterations(6).optBatchSize(32)
                .optBoxNegativeWeight(0).optBoxNegativeStart(0f).optPolicyWarmup(0.5f).build();
        try (DxmiModel m = model(cfg)) {
            DxmiTrainer trainer = new DxmiTrainer(m, data::sample);
            Map<String, float[]> policyBefore = m.policyWeights();
            Map<String, float[]> energyBefore = m.energyWeights();
            for (int i = 0; i < 6; i++) {
                IterationStats s = trainer.step();
                assertEquals(i < 3, Double.isNaN(s.policyLoss()), "policy loss at iteration " + (i + 1));
                assertTrue(Double.isFinite(s.valueLoss()) && Double.isFinite(s.energyLoss()), "iteration " + (i + 1));
                Map<String, float[]> policy = m.policyWeights();
                Map<String, float[]> energy = m.energyWeights();
                assertEquals(i >= 3, differ(policyBefore, policy), "policy moved at iteration " + (i + 1));
                assertTrue(differ(energyBefore, energy), "the energy learns at iteration " + (i + 1));
                policyBefore = policy;
                energyBefore = energy;
            }
        }
    }

    /** A manifest written before the setting existed reads as no warm-up. */
    @Test
    void aConfigurationWithoutTheSettingHasNoWarmup() throws Exception {
        ObjectNode node = ModelDirectory.json().valueToTree(DxmiConfig.builder().optPolicyWarmup(0.3f).build());
        node.remove("policyWarmup");
        DxmiConfig read = ModelDirectory.json().treeToValue(node, DxmiConfig.class);
        assertEquals(0f, read.policyWarmup());
        assertEquals(0, read.policyWarmupIteration());
        assertEquals(DxmiConfig.defaults(), read);
    }

    private static boolean differ(Map<String, float[]> a, Map<String, float[]> b) {
        return a.keySet().stream().anyMatch(k -> !Arrays.equals(a.get(k), b.get(k)));
    }

    private static DxmiModel model(DxmiConfig cfg) {
        PretrainConfig sampler = new PretrainConfig(1000, 1e-4, 0.02, 1, 8, 2e-3f, true, SMALL, 1L);
        return DxmiModel.untrained(cfg, sampler, 2, Normalization.identity(2), new Rng(cfg.seed()));
    }
}
