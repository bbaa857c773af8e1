package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/**
 * Two learners of one process train at the same time (each records gradients on its own thread,
 * see GradientRecorder) and get exactly what each gets alone: the embedded pipeline relies on it
 * to run the ebm-learner and the value-learner in parallel. And a trainer gets the same under
 * garbage-collection pressure as without: no tensor may read memory that Java frees (see
 * OwnedArrays), or what it reads depends on when the collector runs.
 */
class ConcurrentTrainingTest {

    private static final int ITERATIONS = 12;
    /** Enough steps that a collection lands between some step's forward and backward pass. */
    private static final int PRESSED_ITERATIONS = 60;

    private static DxmiConfig config(long seed) {
        return DxmiConfig.builder().optBatchSize(64).optNetwork(new NetworkConfig(32, 2, 16))
                .optValueSharing(ValueSharing.SEPARATE).optSeed(seed).optSnapshotEvery(1000).build();
    }

    /** Trains from seed {@code seed} for ITERATIONS, taking turns at {@code barrier} if given. */
    private static Map<String, float[]> train(long seed, CyclicBarrier barrier) throws Exception {
        return train(seed, barrier, ITERATIONS);
    }

    private static Map<String, float[]> train(long seed, CyclicBarrier barrier, int iterations) throws Exception {
        DjlRuntime.noGradientsOnThisThread();
        try (DxmiModel model = DxmiModel.fromPretrained(config(seed), TestDdpms.tiny(), new Rng(seed))) {
            DxmiTrainer trainer = new DxmiTrainer(model, TestDdpms.DATA::sample);
            for (int i = 0; i < iterations; i++) {
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

    @Test
    void aTrainerUnderGarbageCollectionPressureMatchesOneWithout() throws Exception {
        TestDdpms.tiny();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicBoolean churning = new AtomicBoolean(true);
        try {
            Map<String, float[]> quiet = pool.submit(() -> train(11, null, PRESSED_ITERATIONS)).get();
            // Collections as often as possible, and freed native memory handed at once to buffers full of
            // 1e30: a tensor that still pointed into a freed Java buffer would read them (sizes from a
            // scalar's 4 bytes up, so that malloc reuses each freed chunk size).
            pool.submit(() -> {
                List<ByteBuffer> held = new ArrayList<>();
                while (churning.get()) {
                    for (int size = 4; size <= 16384; size *= 2) {
                        ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
                        while (b.remaining() >= Float.BYTES) {
                            b.putFloat(1e30f);
                        }
                        held.add(b);
                    }
                    if (held.size() > 300) {
                        held.subList(0, 150).clear();
                    }
                    System.gc();
                }
                return null;
            });
            Map<String, float[]> pressed = train(11, null, PRESSED_ITERATIONS);
            assertSame(quiet, pressed);
        } finally {
            churning.set(false);
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
