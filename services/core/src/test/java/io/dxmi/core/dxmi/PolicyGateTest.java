package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

/** The policy gate: the policy step runs only while the energy still scores the samples above the data. */
class PolicyGateTest {

    private static final NetworkConfig SMALL = new NetworkConfig(64, 2, 16);

    @BeforeAll
    static void runtime() {
        DjlRuntime.configure(1);
    }

    @Test
    void theGateOpensOnlyWhenTheSamplesEnergyExceedsTheDatasByTheMargin() {
        DataSource data = ToyDatasets.byName("8gaussians");
        DxmiConfig none = DxmiConfig.builder().optNetwork(SMALL).build();
        DxmiConfig gated = none.toBuilder().optPolicyGate(0.1f).build();
        try (DxmiModel m = model(gated)) {
            DxmiTrainer trainer = new DxmiTrainer(m, data::sample);
            assertTrue(trainer.policyGateOpen(new DxmiTrainer.EnergyStep(0, 0.2, 0.31, 0)));
            assertFalse(trainer.policyGateOpen(new DxmiTrainer.EnergyStep(0, 0.2, 0.29, 0)));
            assertFalse(trainer.policyGateOpen(new DxmiTrainer.EnergyStep(0, 0.2, -1, 0)));
        }
        try (DxmiModel m = model(none)) {
            assertTrue(new DxmiTrainer(m, data::sample).policyGateOpen(new DxmiTrainer.EnergyStep(0, 0.2, -1, 0)),
                    "no gate: always open");
        }
        assertThrows(IllegalArgumentException.class, () -> none.toBuilder().optPolicyGate(Float.NaN).build());
    }

    @Test
    void aClosedGateHoldsThePolicyWhileTheEnergyAndValueLearn() {
        DataSource data = ToyDatasets.byName("8gaussians");
        DxmiConfig base = DxmiConfig.builder().optNetwork(SMALL).optIterations(3).optBatchSize(32)
                .optBoxNegativeWeight(0).optBoxNegativeStart(0f).build();
        assertEquals(false, policyMoves(base.toBuilder().optPolicyGate(1e9f).build(), data), "a gate never open");
        assertEquals(true, policyMoves(base.toBuilder().optPolicyGate(-1e9f).build(), data), "a gate always open");
    }

    private static boolean policyMoves(DxmiConfig cfg, DataSource data) {
        try (DxmiModel m = model(cfg)) {
            DxmiTrainer trainer = new DxmiTrainer(m, data::sample);
            Map<String, float[]> policy = m.policyWeights();
            Map<String, float[]> energy = m.energyWeights();
            for (int i = 0; i < 3; i++) {
                IterationStats s = trainer.step();
                assertTrue(Double.isFinite(s.valueLoss()), "the value learns at iteration " + (i + 1));
                assertEquals(cfg.policyGate() > 0, Double.isNaN(s.policyLoss()), "policy step at iteration " + (i + 1));
            }
            Map<String, float[]> after = m.policyWeights();
            boolean moved = policy.keySet().stream().anyMatch(k -> !Arrays.equals(policy.get(k), after.get(k)));
            Map<String, float[]> energyAfter = m.energyWeights();
            assertTrue(energy.keySet().stream().anyMatch(k -> !Arrays.equals(energy.get(k), energyAfter.get(k))),
                    "the energy learns");
            return moved;
        }
    }

    private static DxmiModel model(DxmiConfig cfg) {
        PretrainConfig sampler = new PretrainConfig(1000, 1e-4, 0.02, 1, 8, 2e-3f, true, SMALL, 1L);
        return DxmiModel.untrained(cfg, sampler, 2, Normalization.identity(2), new Rng(cfg.seed()));
    }
}
