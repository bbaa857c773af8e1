package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** A non-finite loss is never applied; repeated ones restore the last good state. */
class NonFiniteGuardTest {

    private static DdpmModel ddpm;

    @BeforeAll
    static void pretrain() {
        DjlRuntime.configure(1);
        ddpm = TestDdpms.tiny();
    }

    private static DxmiConfig config() {
        return DxmiConfig.builder().optSamplerSteps(4).optBatchSize(64).optNetwork(new NetworkConfig(32, 2, 16))
                .optSeed(5).optValueSharing(ValueSharing.SEPARATE).optSamplerLearningRate(1e-3f)
                .optMaxConsecutiveSkips(3).optSnapshotEvery(2).optBoxNegativeWeight(0f).build(); // data calls counted
    }

    /** Real data, except NaN rows on the given (1-based) calls. */
    private static BiFunction<Integer, Rng, float[]> poisoned(Set<Integer> badCalls, int badFrom) {
        int[] calls = {0};
        return (n, rng) -> {
            float[] x = TestDdpms.DATA.sample(n, rng);
            calls[0]++;
            if (badCalls.contains(calls[0]) || calls[0] >= badFrom) {
                Arrays.fill(x, Float.NaN);
            }
            return x;
        };
    }

    private static boolean allFinite(DxmiModel m) {
        return m.sampler().networkParameters().allFinite() && m.sampler().sigmaParameters().allFinite()
                && m.values().valueParameters().allFinite() && m.values().energyParameters().allFinite()
                && m.emaValues().valueParameters().allFinite() && m.emaValues().energyParameters().allFinite();
    }

    private static boolean finite(Map<String, float[]> w) {
        for (float[] a : w.values()) {
            for (float f : a) {
                if (!Float.isFinite(f)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void aFewBadBatchesAreSkippedWithoutRecovery() {
        try (DxmiModel m = DxmiModel.fromPretrained(config(), ddpm, new Rng(5))) {
            DxmiTrainer t = new DxmiTrainer(m, poisoned(Set.of(5, 6), Integer.MAX_VALUE));
            for (int i = 1; i <= 12; i++) {
                LinkedHashMap<String, float[]> energyBefore = m.values().energyParameters().toFloatArrays();
                IterationStats s = t.step();
                assertTrue(allFinite(m), "weights after iteration " + i);
                Map<String, float[]> energyAfter = m.values().energyParameters().toFloatArrays();
                if (i == 5 || i == 6) {
                    assertTrue(Double.isNaN(s.energyLoss()), "iteration " + i + " energy loss " + s.energyLoss());
                    assertEquals(1, s.skippedUpdates(), "iteration " + i);
                    assertFalse(s.recovered());
                    for (String k : energyBefore.keySet()) {
                        assertArrayEquals(energyBefore.get(k), energyAfter.get(k), 0f, "energy weight " + k
                                + " changed by a NaN loss in iteration " + i);
                    }
                    // the other updates of the iteration still ran
                    assertTrue(Double.isFinite(s.valueLoss()) && Double.isFinite(s.policyLoss()));
                } else {
                    assertTrue(Double.isFinite(s.energyLoss()), "iteration " + i);
                    assertEquals(0, s.skippedUpdates(), "iteration " + i);
                    assertFalse(Arrays.equals(energyBefore.get("energy.out.weight"),
                            energyAfter.get("energy.out.weight")), "a good energy step moves the energy");
                }
            }
            assertEquals(2, t.skippedUpdates());
            assertEquals(0, t.recoveries());
            assertEquals(12, t.iteration());
        }
    }

    @Test
    void persistentNaNsRestoreTheLastGoodStateAndNeverReachTheWeights() {
        try (DxmiModel m = DxmiModel.fromPretrained(config(), ddpm, new Rng(5))) {
            DxmiTrainer t = new DxmiTrainer(m, poisoned(Set.of(), 5));
            LinkedHashMap<String, float[]> afterFour = null;
            int recoveredAt = -1;
            for (int i = 1; i <= 12; i++) {
                IterationStats s = t.step();
                LinkedHashMap<String, float[]> w = m.weights();
                assertTrue(finite(w), "weights after iteration " + i);
                assertTrue(allFinite(m), "weights after iteration " + i);
                if (i == 4) {
                    afterFour = w; // a snapshot iteration (snapshotEvery = 2)
                }
                if (i >= 5) {
                    assertTrue(Double.isNaN(s.energyLoss()));
                    assertTrue(s.skippedUpdates() >= 1);
                }
                if (s.recovered() && recoveredAt < 0) {
                    recoveredAt = i;
                    // the restored weights are the snapshot taken after iteration 4
                    for (Map.Entry<String, float[]> e : afterFour.entrySet()) {
                        assertArrayEquals(e.getValue(), w.get(e.getKey()), 0f, e.getKey());
                    }
                }
            }
            assertEquals(7, recoveredAt, "three bad iterations in a row (5, 6, 7) trigger the recovery");
            assertTrue(t.recoveries() >= 1);
            assertEquals(2, t.recoveries(), "recoveries at iterations 7 and 10");
            assertEquals(12, t.iteration(), "the iteration counter is not rolled back");
        }
    }
}
