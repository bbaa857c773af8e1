package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stopping after 10 iterations, saving, loading into a fresh process-like state and running 10
 * more must reproduce a straight 20-iteration run bit for bit.
 */
class DxmiTrainerResumeTest {

    private static final int FIRST = 10;
    private static final int TOTAL = 20;

    private static DdpmModel ddpm;

    @BeforeAll
    static void pretrain() {
        DjlRuntime.configure(1);
        ddpm = TestDdpms.tiny();
    }

    private static DxmiConfig config(ValueSharing sharing) {
        // Larger learning rates than the defaults so that 20 iterations move every weight visibly.
        return DxmiConfig.builder().optSamplerSteps(5).optBatchSize(64).optNetwork(new NetworkConfig(32, 2, 16))
                .optSeed(42).optSnapshotEvery(1_000_000).optValueSharing(sharing).optSamplerLearningRate(1e-3f)
                .optEnergyEmaDecay(0.9f).build();
    }

    private static List<double[]> run(DxmiTrainer trainer, int n) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(flatten(trainer.step()));
        }
        return out;
    }

    /** Every number an iteration reports, in one array. */
    private static double[] flatten(IterationStats s) {
        List<Double> v = new ArrayList<>(List.of((double) s.iteration(), s.energyLoss(), s.energyData(),
                s.energySamples(), s.valueLoss(), s.policyLoss(), (double) s.skippedUpdates(),
                s.recovered() ? 1.0 : 0.0));
        for (float f : s.sigmas()) {
            v.add((double) f);
        }
        for (double d : s.velocityScales()) {
            v.add(d);
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @ParameterizedTest
    @EnumSource(ValueSharing.class)
    void resumeIsExact(ValueSharing sharing, @TempDir Path dir) throws Exception {
        DxmiConfig cfg = config(sharing);
        List<double[]> straight;
        LinkedHashMap<String, float[]> straightWeights;
        LinkedHashMap<String, float[]> initialWeights;
        try (DxmiModel a = DxmiModel.fromPretrained(cfg, ddpm, new Rng(cfg.seed()))) {
            initialWeights = a.weights();
            DxmiTrainer ta = new DxmiTrainer(a, TestDdpms.DATA::sample);
            straight = run(ta, TOTAL);
            straightWeights = a.weights();
            assertEquals(0, ta.skippedUpdates());
        }

        List<double[]> resumed;
        LinkedHashMap<String, float[]> resumedWeights;
        try (DxmiModel b = DxmiModel.fromPretrained(cfg, ddpm, new Rng(cfg.seed()))) {
            DxmiTrainer tb = new DxmiTrainer(b, TestDdpms.DATA::sample);
            List<double[]> firstHalf = run(tb, FIRST);
            for (int i = 0; i < FIRST; i++) {
                assertArrayEquals(straight.get(i), firstHalf.get(i), 0.0, "same seed, iteration " + (i + 1));
            }
            ModelStore.saveDxmi(dir, tb, DataInfo.of(TestDdpms.DATA), null);
        }
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir);
        try (DxmiModel c = loaded.model()) {
            assertEquals(cfg, c.config());
            assertEquals(FIRST, loaded.state().iteration());
            DxmiTrainer tc = new DxmiTrainer(c, TestDdpms.DATA::sample);
            tc.restoreState(loaded.state());
            assertEquals(FIRST, tc.iteration());
            resumed = run(tc, TOTAL - FIRST);
            resumedWeights = c.weights();
        }

        for (int i = 0; i < TOTAL - FIRST; i++) {
            double[] want = straight.get(FIRST + i);
            double[] got = resumed.get(i);
            assertTrue(Double.isFinite(want[1]) && Double.isFinite(want[4]) && Double.isFinite(want[5]));
            assertArrayEquals(want, got, 0.0, sharing + ": iteration " + (FIRST + i + 1) + " differs: "
                    + Arrays.toString(want) + " vs " + Arrays.toString(got));
        }
        assertEquals(straightWeights.keySet(), resumedWeights.keySet());
        int moved = 0;
        int trained = 0;
        for (Map.Entry<String, float[]> e : straightWeights.entrySet()) {
            assertArrayEquals(e.getValue(), resumedWeights.get(e.getKey()), 0f, sharing + ": weight " + e.getKey());
            // With separate networks the EMA copy tracks only the energy; its value half is unused.
            if (sharing == ValueSharing.SEPARATE && e.getKey().startsWith(DxmiModel.EMA_PREFIX + ValueModel.VALUE_PREFIX)) {
                continue;
            }
            trained++;
            if (!Arrays.equals(e.getValue(), initialWeights.get(e.getKey()))) {
                moved++;
            }
        }
        // the comparison means something only if training moved the weights
        assertEquals(trained, moved, "every trained tensor should have changed in 20 iterations");
        if (sharing == ValueSharing.SEPARATE) {
            assertTrue(straightWeights.keySet().stream().anyMatch(k -> k.startsWith(ValueModel.ENERGY_PREFIX)));
            assertTrue(straightWeights.keySet().stream()
                    .anyMatch(k -> k.startsWith(DxmiModel.EMA_PREFIX + ValueModel.ENERGY_PREFIX)));
        }
        assertFalse(straight.get(TOTAL - 1)[5] == straight.get(FIRST)[5], "losses vary across iterations");
    }
}
