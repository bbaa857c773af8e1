package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

/** Uniform box negatives: where they are drawn, how their weight ramps in, and what they teach the energy. */
class BoxNegativesTest {

    private static final NetworkConfig SMALL = new NetworkConfig(64, 2, 16);

    @BeforeAll
    static void runtime() {
        DjlRuntime.configure(1);
    }

    @Test
    void drawsFillTheDataBoundingBoxWidenedByTheMargin() {
        DataSource data = ToyDatasets.byName("8gaussians");
        float[] rows = data.sample(BoxNegatives.BOX_ROWS, new Rng(0x0B0CL));
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < rows.length; i++) {
            lo[i % 2] = Math.min(lo[i % 2], rows[i]);
            hi[i % 2] = Math.max(hi[i % 2], rows[i]);
        }
        BoxNegatives box = BoxNegatives.fromData(data::sample, Normalization.identity(2), 2, 0.1);
        float[] draws = box.draw(20_000, new Rng(5));
        for (int k = 0; k < 2; k++) {
            double w = hi[k] - lo[k];
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (int i = k; i < draws.length; i += 2) {
                min = Math.min(min, draws[i]);
                max = Math.max(max, draws[i]);
            }
            assertEquals(lo[k] - 0.1 * w, box.box().lo()[k], 1e-5, "side " + k);
            assertEquals(hi[k] + 0.1 * w, box.box().hi()[k], 1e-5, "side " + k);
            assertTrue(min >= lo[k] - 0.1 * w - 1e-5 && min < lo[k] - 0.09 * w, "low edge " + min);
            assertTrue(max <= hi[k] + 0.1 * w + 1e-5 && max > hi[k] + 0.09 * w, "high edge " + max);
        }
    }

    @Test
    void theWeightIsConstantOrRampsInAsThePolicyRatesDecay() {
        DataSource data = ToyDatasets.byName("8gaussians");
        DxmiConfig constant = DxmiConfig.builder().optNetwork(SMALL).optIterations(1000).optBoxNegativeWeight(4)
                .optBoxNegativeStart(0f).build();
        DxmiConfig ramped = constant.toBuilder().optBoxNegativeRamp(true).build();
        try (DxmiModel a = model(constant); DxmiModel b = model(ramped)) {
            DxmiTrainer flat = new DxmiTrainer(a, data::sample);
            DxmiTrainer ramp = new DxmiTrainer(b, data::sample);
            for (long i : new long[] {0, 250, 500, 1000, 2000}) {
                assertEquals(4, flat.boxNegativeWeightAt(i), 1e-12);
            }
            assertEquals(0, ramp.boxNegativeWeightAt(0), 1e-12);
            assertEquals(4 * (1 - Math.cos(Math.PI / 4)) / 2, ramp.boxNegativeWeightAt(250), 1e-9);
            assertEquals(2, ramp.boxNegativeWeightAt(500), 1e-9);
            assertEquals(4, ramp.boxNegativeWeightAt(1000), 1e-9);
            assertEquals(4, ramp.boxNegativeWeightAt(2000), 1e-9);
        }
    }

    @Test
    void aLateStartLeavesTheWeightAtZeroUntilItsFraction() {
        DataSource data = ToyDatasets.byName("8gaussians");
        DxmiConfig late = DxmiConfig.builder().optNetwork(SMALL).optIterations(1000).optBoxNegativeWeight(4)
                .optBoxNegativeStart(0.8f).build();
        try (DxmiModel a = model(late)) {
            DxmiTrainer trainer = new DxmiTrainer(a, data::sample);
            assertEquals(0, trainer.boxNegativeWeightAt(0), 1e-12);
            assertEquals(0, trainer.boxNegativeWeightAt(799), 1e-12);
            assertEquals(4, trainer.boxNegativeWeightAt(800), 1e-12);
            assertEquals(4, trainer.boxNegativeWeightAt(999), 1e-12);
        }
        // The policy's half cosine ends where the held phase begins; without one it spans the run.
        assertEquals(1, TrainerOptimizers.policyRateFactor(late, 0), 1e-12);
        assertEquals(0.5, TrainerOptimizers.policyRateFactor(late, 400), 1e-9);
        assertEquals(0, TrainerOptimizers.policyRateFactor(late, 800), 1e-12);
        assertEquals(0, TrainerOptimizers.policyRateFactor(late, 999), 1e-12);
        DxmiConfig throughout = late.toBuilder().optBoxNegativeStart(0f).build();
        assertEquals(0.5, TrainerOptimizers.policyRateFactor(throughout, 500), 1e-9);
        assertEquals(1, TrainerOptimizers.policyRateFactor(late.toBuilder().optCosineDecay(false).build(), 500), 1e-12);
        // From there on the policy is held, sampler network and σ: the energy alone learns.
        DxmiConfig held = late.toBuilder().optIterations(6).optBatchSize(32).optBoxNegativeStart(0.5f).build();
        try (DxmiModel m = model(held)) {
            DxmiTrainer trainer = new DxmiTrainer(m, data::sample);
            Map<String, float[]> before = null;
            Map<String, float[]> energyBefore = null;
            for (int i = 0; i < 6; i++) {
                IterationStats s = trainer.step();
                // A held policy's step is skipped, not run at rate 0; the value keeps learning.
                assertEquals(i >= 3, Double.isNaN(s.policyLoss()), "policy loss at iteration " + (i + 1));
                assertTrue(Double.isFinite(s.valueLoss()), "value loss at iteration " + (i + 1));
                Map<String, float[]> policy = m.policyWeights();
                Map<String, float[]> energy = m.energyWeights();
                if (before != null) {
                    Map<String, float[]> p0 = before;
                    boolean moved = policy.keySet().stream().anyMatch(k -> !Arrays.equals(policy.get(k), p0.get(k)));
                    assertEquals(i < 3, moved, "policy after iteration " + (i + 1));
                    Map<String, float[]> e0 = energyBefore;
                    assertTrue(energy.keySet().stream().anyMatch(k -> !Arrays.equals(energy.get(k), e0.get(k))),
                            "the energy learns at iteration " + (i + 1));
                }
                before = policy;
                energyBefore = energy;
            }
        }
        assertThrows(IllegalArgumentException.class, () -> late.toBuilder().optBoxNegativeStart(1f).build());
        assertThrows(IllegalArgumentException.class, () -> late.toBuilder().optBoxNegativeStart(-0.1f).build());
    }

    /**
     * Box negatives are drawn only once their weight is positive: before the phase a run is, to the
     * bit, the run without them (the same data stream, the same steps).
     */
    @Test
    void beforeTheBoxPhaseARunIsExactlyTheRunWithoutBoxNegatives() {
        DataSource data = ToyDatasets.byName("8gaussians");
        DxmiConfig plain = DxmiConfig.builder().optNetwork(SMALL).optIterations(6).optBatchSize(32)
                .optCosineDecay(false).optBoxNegativeWeight(0).optBoxNegativeStart(0f).build();
        DxmiConfig late = plain.toBuilder().optBoxNegativeWeight(4).optBoxNegativeStart(0.5f).build();
        Map<String, float[]> energy3;
        Map<String, float[]> policy3;
        Map<String, float[]> energy4;
        Map<String, float[]> policy4;
        try (DxmiModel m = model(plain)) {
            DxmiTrainer trainer = new DxmiTrainer(m, data::sample);
            for (int i = 0; i < 3; i++) {
                trainer.step();
            }
            energy3 = m.energyWeights();
            policy3 = m.policyWeights();
            trainer.step();
            energy4 = m.energyWeights();
            policy4 = m.policyWeights();
        }
        try (DxmiModel m = model(late)) {
            DxmiTrainer trainer = new DxmiTrainer(m, data::sample);
            for (int i = 0; i < 3; i++) {
                trainer.step();
            }
            assertSameWeights(energy3, m.energyWeights(), "the energy before the phase");
            assertSameWeights(policy3, m.policyWeights(), "the policy before the phase");
            trainer.step(); // the first with box negatives, and the policy held
            assertSameWeights(policy3, m.policyWeights(), "the held policy");
            assertTrue(differ(policy3, policy4), "the plain run's policy learns at step 4");
            assertTrue(differ(energy4, m.energyWeights()), "the box negatives change the fourth energy step");
        }
    }

    private static void assertSameWeights(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        expected.forEach((k, v) -> assertTrue(Arrays.equals(v, actual.get(k)), what + ": " + k));
    }

    private static boolean differ(Map<String, float[]> a, Map<String, float[]> b) {
        return a.keySet().stream().anyMatch(k -> !Arrays.equals(a.get(k), b.get(k)));
    }

    /**
     * With samples exactly distributed as the data (π = p), the energy's optimum without box
     * negatives is 0 everywhere and ranks nothing; with them it is high off the data. Energy steps
     * alone, against fresh data rows as the "samples", must show it.
     */
    @Test
    void energyStepsWithBoxNegativesRankTheBoxBelowTheDataWhenTheSamplerMatches() {
        DataSource data = ToyDatasets.byName("8gaussians");
        Evaluator ev = Evaluator.builder().setData(data).optAucSamples(5000).optSeed(9).build();
        double without = energyAucAfterSteps(data, ev, 0);
        double with = energyAucAfterSteps(data, ev, 1);
        assertTrue(with > 0.8, "AUC with box negatives " + with);
        assertTrue(with > without + 0.15, "with " + with + ", without " + without);
    }

    private static double energyAucAfterSteps(DataSource data, Evaluator ev, float lambda) {
        DxmiConfig cfg = DxmiConfig.builder().optNetwork(SMALL).optBatchSize(256).optIterations(300)
                .optValueSharing(ValueSharing.SEPARATE).optEnergyEmaDecay(0).optBoxNegativeWeight(lambda).optBoxNegativeStart(0f).optSeed(3)
                .build();
        try (DxmiModel model = model(cfg)) {
            DxmiTrainer trainer = new DxmiTrainer(model, data::sample);
            Rng samples = new Rng(17);
            for (int i = 0; i < 300; i++) {
                try (NDManager scope = model.manager().newSubManager()) {
                    trainer.completeIteration(trainer.energyStep(scope.create(data.sample(256, samples),
                            new Shape(256, 2)), scope), null);
                }
            }
            return ev.energyAuc(model::energy);
        }
    }

    private static DxmiModel model(DxmiConfig cfg) {
        PretrainConfig sampler = new PretrainConfig(1000, 1e-4, 0.02, 1, 8, 2e-3f, true, SMALL, 1L);
        return DxmiModel.untrained(cfg, sampler, 2, Normalization.identity(2), new Rng(cfg.seed()));
    }
}
