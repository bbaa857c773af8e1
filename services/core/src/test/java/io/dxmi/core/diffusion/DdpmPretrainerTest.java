package io.dxmi.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

class DdpmPretrainerTest {

    private static final DataSource DATA = ToyDatasets.byName("8gaussians");
    private static final double RADIUS = 4 / 1.414;

    private static DdpmModel model;
    private static final List<Double> losses = new ArrayList<>();
    private static final List<Long> dones = new ArrayList<>();

    private static PretrainConfig config(int iterations, long seed) {
        return new PretrainConfig(1000, 1e-4, 0.02, iterations, 256, 2e-3f, true, new NetworkConfig(64, 2, 16), seed);
    }

    @BeforeAll
    static void train() {
        DjlRuntime.configure(1);
        long t0 = System.nanoTime();
        DdpmPretrainer p = new DdpmPretrainer(config(600, 0), (phase, done, total, metrics) -> {
            assertEquals("pretrain", phase);
            assertEquals(600, total);
            losses.add(metrics.get("loss"));
            dones.add(done);
        });
        model = p.train(2, Normalization.identity(2), DATA::sample);
        System.out.printf("pretrain 600 its: %.2fs%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(0, p.skippedSteps());
        assertEquals(losses.get(losses.size() - 1), p.lastLoss());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static double meanRadius(float[] xy) {
        double r = 0;
        int n = xy.length / 2;
        for (int i = 0; i < n; i++) {
            r += Math.hypot(xy[2 * i], xy[2 * i + 1]);
        }
        return r / n;
    }

    @Test
    void lossFalls() {
        assertEquals(200, losses.size());
        assertEquals(600L, dones.get(dones.size() - 1));
        double first = losses.get(0);
        double last = losses.get(losses.size() - 1);
        assertTrue(Double.isFinite(first) && Double.isFinite(last));
        System.out.printf("loss %.3f -> %.3f%n", first, last);
        assertTrue(last < 0.75 * first, "loss " + first + " -> " + last);
    }

    @Test
    void samplesLandOnTheRingAndNoiseDoesNot() {
        double noise = meanRadius(new Rng(1).gaussians(4000));
        assertEquals(Math.sqrt(Math.PI / 2), noise, 0.05);
        long t0 = System.nanoTime();
        float[] x = model.sample(2000, 100, new Rng(1));
        System.out.printf("sample 2000 x T=100: %.2fs%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(4000, x.length);
        double r = meanRadius(x);
        System.out.printf("mean radius T=100: %.3f%n", r);
        assertEquals(RADIUS, r, 0.4, "mean radius " + r);
        assertArrayEquals(x, model.sample(2000, 100, new Rng(1)), "same rng, same samples");
    }

    @Test
    void fullChainSamplingStaysSmallAndWorks() {
        int before = model.manager().getManagedArrays().size();
        long t0 = System.nanoTime();
        float[] x = model.sample(2000, 1000, new Rng(2));
        System.out.printf("sample 2000 x T=1000: %.2fs%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(before, model.manager().getManagedArrays().size(), "sampling must not leak arrays");
        assertEquals(RADIUS, meanRadius(x), 0.4);
    }

    /**
     * A pool thread starts with grad mode on; sampling there once recorded every step's graph,
     * kept alive through the chain (a vector-table run from scratch grew to 24 GB and was killed).
     */
    @Test
    void samplingRecordsNoGraphOnAThreadWhoseGradModeIsOn() throws Exception {
        boolean[] recording = new boolean[2];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                recording[0] = DjlRuntime.recordsGradientsOnThisThread();
                model.sample(100, 20, new Rng(3));
                recording[1] = DjlRuntime.recordsGradientsOnThisThread();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        assertNull(failure[0]);
        assertTrue(recording[0], "a new thread starts with grad mode on");
        assertFalse(recording[1], "sampling turned it off");
    }

    @Test
    void sameSeedSameWeights() {
        Map<String, float[]> a;
        Map<String, float[]> b;
        Map<String, float[]> c;
        try (DdpmModel m1 = new DdpmPretrainer(config(30, 4), (p, d, t, m) -> {})
                .train(2, Normalization.identity(2), DATA::sample);
                DdpmModel m2 = new DdpmPretrainer(config(30, 4), (p, d, t, m) -> {})
                        .train(2, Normalization.identity(2), DATA::sample);
                DdpmModel m3 = new DdpmPretrainer(config(30, 5), (p, d, t, m) -> {})
                        .train(2, Normalization.identity(2), DATA::sample)) {
            a = m1.epsNet().parameters().toFloatArrays();
            b = m2.epsNet().parameters().toFloatArrays();
            c = m3.epsNet().parameters().toFloatArrays();
        }
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
        assertFalse(Arrays.equals(a.get("eps.out.weight"), c.get("eps.out.weight")));
    }
}
