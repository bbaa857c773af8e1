package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Two learners of one process train at the same time (each records gradients on its own thread,
 * see GradientRecorder) and get exactly what each gets alone: the embedded pipeline relies on it
 * to run the ebm-learner and the value-learner in parallel.
 */
class ConcurrentTrainingTest {

    private static final int ITERATIONS = 12;

    private static DxmiConfig config(long seed) {
        return DxmiConfig.builder().optBatchSize(64).optNetwork(new NetworkConfig(32, 2, 16))
                .optValueSharing(ValueSharing.SEPARATE).optSeed(seed).optSnapshotEvery(1000).build();
    }

    /** Trains from seed {@code seed} for ITERATIONS, taking turns at {@code barrier} if given. */
    private static Map<String, float[]> train(long seed, CyclicBarrier barrier) throws Exception {
        DjlRuntime.noGradientsOnThisThread();
        try (DxmiModel model = DxmiModel.fromPretrained(config(seed), TestDdpms.tiny(), new Rng(seed))) {
            DxmiTrainer trainer = new DxmiTrainer(model, TestDdpms.DATA::sample);
            for (int i = 0; i < ITERATIONS; i++) {
                if (barrier != null) {
                    barrier.await(1, TimeUnit.MINUTES); // both step at the same moment
                }
                trainer.step();
            }
            Map<String, float[]> w = new LinkedHashMap<>(model.policyWeights());
            model.energyWeights().forEach((k, v) -> w.put("energy." + k, v));
            model.valueWeights().forEach((k, v) -> w.put("value." + k, v));
            return w;
        }
    }

    @Test
    void twoTrainersOnTwoThreadsMatchEachTrainedAlone() throws Exception {
        TestDdpms.tiny();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Map<String, float[]> aloneA = pool.submit(() -> train(11, null)).get();
            Map<String, float[]> aloneB = pool.submit(() -> train(12, null)).get();
            CyclicBarrier barrier = new CyclicBarrier(2);
            Future<Map<String, float[]>> a = pool.submit(() -> train(11, barrier));
            Future<Map<String, float[]>> b = pool.submit(() -> train(12, barrier));
            assertSame(aloneA, a.get(5, TimeUnit.MINUTES));
            assertSame(aloneB, b.get(5, TimeUnit.MINUTES));
            // The two seeds must differ, or the comparison above proves nothing.
            assertFalse(Arrays.equals(aloneA.values().iterator().next(), aloneB.values().iterator().next()));
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertSame(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        List<String> names = new ArrayList<>(expected.keySet());
        assertTrue(names.size() > 3);
        for (String k : names) {
            assertArrayEquals(expected.get(k), actual.get(k), 0f, k);
        }
    }
}
