package io.dxmi.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pretraining saved and continued takes exactly the steps of an uninterrupted run; the EMA is what is returned. */
class DdpmPretrainerResumeTest {

    private static final DataSource DATA = ToyDatasets.byName("8gaussians");

    @BeforeAll
    static void engine() {
        DjlRuntime.configure(1);
    }

    private static PretrainConfig config(int iterations, float ema) {
        return new PretrainConfig(1000, 1e-4, 0.02, iterations, 64, 2e-3f, true, new NetworkConfig(16, 2, 8), 3L, ema);
    }

    private static LinkedHashMap<String, float[]> weights(DdpmModel m) {
        return m.epsNet().parameters().toFloatArrays();
    }

    @Test
    void aRunStoppedAndContinuedEndsWithTheSameWeightsAsOneThatNeverStopped() throws IOException {
        PretrainConfig cfg = config(60, 0.9f);
        LinkedHashMap<String, float[]> straight;
        List<PretrainState> saved = new ArrayList<>();
        DdpmPretrainer p = new DdpmPretrainer(cfg, (a, b, c, d) -> { }, saved::add, 20);
        try (DdpmModel m = p.train(DATA.shape(), Normalization.identity(2), DATA::sample, null)) {
            straight = weights(m);
        }
        assertEquals(List.of(20L, 40L, 60L), saved.stream().map(PretrainState::iteration).toList());
        PretrainState at20 = saved.get(0);
        DdpmPretrainer resumed = new DdpmPretrainer(cfg, (a, b, c, d) -> { }, s -> { }, 20);
        try (DdpmModel m = resumed.train(DATA.shape(), Normalization.identity(2), DATA::sample, at20)) {
            LinkedHashMap<String, float[]> w = weights(m);
            for (Map.Entry<String, float[]> e : straight.entrySet()) {
                assertArrayEquals(e.getValue(), w.get(e.getKey()), e.getKey());
            }
        }
    }

    @Test
    void theReturnedWeightsAreTheMovingAverageWhenOneIsKept() throws IOException {
        List<PretrainState> saved = new ArrayList<>();
        DdpmPretrainer p = new DdpmPretrainer(config(30, 0.5f), (a, b, c, d) -> { }, saved::add, 0);
        try (DdpmModel m = p.train(DATA.shape(), Normalization.identity(2), DATA::sample, null)) {
            PretrainState end = saved.get(saved.size() - 1);
            assertEquals(30, end.iteration());
            LinkedHashMap<String, float[]> returned = weights(m);
            Map<String, float[]> ema = end.part(PretrainState.EMA);
            Map<String, float[]> trained = end.part(PretrainState.TRAIN);
            boolean differs = false;
            for (String k : returned.keySet()) {
                assertArrayEquals(ema.get(k), returned.get(k), k);
                differs |= !Arrays.equals(trained.get(k), returned.get(k));
            }
            assertTrue(differs, "the average must differ from the last step's weights");
            assertFalse(end.part(PretrainState.OPTIMIZER).isEmpty());
        }
    }

    @Test
    @SuppressWarnings("try") // the model is trained for the states it saves, then only closed
    void aStateBeyondTheAskedStepsIsRefused() throws IOException {
        List<PretrainState> saved = new ArrayList<>();
        try (DdpmModel m = new DdpmPretrainer(config(10, 0f), (a, b, c, d) -> { }, saved::add, 5)
                .train(DATA.shape(), Normalization.identity(2), DATA::sample, null)) {
            assertEquals(2, saved.size());
        }
        DdpmPretrainer shorter = new DdpmPretrainer(config(8, 0f), (a, b, c, d) -> { }, s -> { }, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shorter.train(DATA.shape(), Normalization.identity(2), DATA::sample, saved.get(1)));
        assertTrue(e.getMessage().contains("step 10"), e.getMessage());
    }
}
