package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
            assertTrue(trainer.policyGateOpen(gap(0.2, 0.31)));
            assertFalse(trainer.policyGateOpen(gap(0.2, 0.29)));
            assertFalse(trainer.policyGateOpen(gap(0.2, -1)));
        }
        try (DxmiModel m = model(none)) {
            assertTrue(new DxmiTrainer(m, data::sample).policyGateOpen(gap(0.2, -1)),
                    "no gate: always open");
        }
        assertThrows(IllegalArgumentException.class, () -> none.toBuilder().optPolicyGate(Float.NaN).build());
    }

    @Test
    void aSkippedEnergyStepKeepsTheGateClosed() {
        DxmiConfig gated = DxmiConfig.builder().optNetwork(SMALL).optPolicyGate(-1e9f).build();
        try (DxmiModel m = model(gated)) {
            DxmiTrainer trainer = new DxmiTrainer(m, ToyDatasets.byName("8gaussians")::sample);
            assertFalse(trainer.policyGateOpen(gap(Double.NaN, Double.NaN)));
        }
    }

    @Test
    void theLastEnergyGapIsPartOfTheTrainingStateAndItsCheckpoint(@TempDir Path dir) throws Exception {
        DataSource data = ToyDatasets.byName("8gaussians");
        DxmiConfig cfg = DxmiConfig.builder().optNetwork(SMALL).optIterations(2).optBatchSize(32).build();
        double gap;
        try (DxmiModel m = model(cfg)) {
            DxmiTrainer trainer = new DxmiTrainer(m, data::sample);
            assertTrue(Double.isNaN(trainer.lastEnergyGap()), "no energy step yet");
            IterationStats s = trainer.step();
            gap = trainer.lastEnergyGap();
            assertEquals(s.energySamples() - s.energyData(), gap, 0.0);
            assertEquals(gap, trainer.captureState().lastEnergyGap(), 0.0);
            // The ebm-learner's way: an energy step completed without a policy step.
            trainer.completeIteration(new DxmiTrainer.EnergyStep(0, 0.5, 0.25, 0), null);
            assertEquals(-0.25, trainer.lastEnergyGap(), 0.0);
            trainer.completeIteration(new DxmiTrainer.EnergyStep(0, 0.5, 0.25, 0), null);
            ModelStore.saveDxmi(dir, trainer, DataInfo.of(data), null);
        }
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir);
        try (DxmiModel m = loaded.model()) {
            assertEquals(-0.25, loaded.state().lastEnergyGap(), 0.0);
            DxmiTrainer restored = new DxmiTrainer(m, data::sample);
            restored.restoreState(loaded.state());
            assertEquals(-0.25, restored.lastEnergyGap(), 0.0);
        }
    }

    private static double gap(double energyData, double energySamples) {
        return DxmiTrainer.energyGap(new DxmiTrainer.EnergyStep(0, energyData, energySamples, 0));
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
                assertEquals(cfg.policyGate() > 0, Double.isNaN(s.policyGradientRms()), "gradient size at " + (i + 1));
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
