package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.DdpmPretrainer;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.OwnedArrays;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

/**
 * The sampler's σ network: off, the paper's sampler to the bit; on, it starts exactly there, travels with the
 * policy's weights, and learns what one σ per step cannot: a smaller σ where the data is tight than where it is wide.
 */
class SigmaNetworkTest {

    private static final NetworkConfig SMALL = new NetworkConfig(64, 2, 16);

    @BeforeAll
    static void runtime() {
        DjlRuntime.configure(1);
    }

    /** Two round clusters of equal weight in 2-D: a tight one (std 0.05) at (−2, 0), a wide one (std 0.6) at (2, 0). */
    static CsvDataset tightAndWide(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] rows = new float[2 * n];
        for (int i = 0; i < n; i++) {
            boolean tight = i % 2 == 0;
            double s = tight ? 0.05 : 0.6;
            rows[2 * i] = (float) ((tight ? -2 : 2) + s * rng.nextGaussian());
            rows[2 * i + 1] = (float) (s * rng.nextGaussian());
        }
        return CsvDataset.of("tight-and-wide", rows, 2);
    }

    private static DdpmModel pretrain(CsvDataset data, int iterations) {
        PretrainConfig pc = new PretrainConfig(1000, 1e-4, 0.02, iterations, 512, 2e-3f, true, SMALL, 3L);
        return new DdpmPretrainer(pc, ProgressListener.NONE).train(data.dimension(),
                Normalization.standardize(data.rows(), data.dimension()), data::sample);
    }

    /**
     * Step k's σ as the sampler draws it, averaged over the states of a rollout of n: σ_k times the mean of
     * exp(s(x_k, t_k)) with a σ network, σ_k alone without one.
     */
    static double effectiveSigma(DxmiModel model, int k, int n) {
        FewStepSampler s = model.sampler();
        double base = s.sigmas()[k];
        if (s.sigmaNetwork() == null) {
            return base;
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = s.rollout(n, new Rng(13), scope)[k];
            NDArray emb = OwnedArrays.create(scope, s.timeEmbedding(k, n), new Shape(n, s.network().embedding().dimension()));
            return base * DjlRuntime.withoutGradients(() -> s.logSigmaOffsets(x, emb).exp().mean()).getFloat();
        }
    }

    @Test
    void theDefaultsGiveVectorsASigmaNetworkAndImagesNone() {
        assertEquals(DxmiConfig.SIGMA_NETWORK_HIDDEN, DxmiConfig.builder().build().sigmaNetworkWidth());
        assertEquals(0, DxmiConfig.imageBuilder().build().sigmaNetworkWidth());
        DxmiConfig off = DxmiConfig.builder().optSigmaNetworkHidden(0).build();
        assertNull(off.sigmaNetworkHidden(), "0 is stored as none, so its JSON is a configuration without it");
        assertEquals(0, off.toBuilder().build().sigmaNetworkWidth(), "toBuilder keeps it off");
        assertThrows(IllegalArgumentException.class, () -> DxmiConfig.builder().optSigmaNetworkHidden(-1).build());
    }

    @Test
    void aConfigurationWrittenBeforeTheSigmaNetworkLoadsWithout() throws Exception {
        String json = ModelDirectory.json().writeValueAsString(DxmiConfig.builder().optSigmaNetworkHidden(0).build());
        assertFalse(json.contains("sigmaNetworkHidden"), json);
        assertEquals(0, ModelDirectory.json().readValue(json, DxmiConfig.class).sigmaNetworkWidth());
        String on = ModelDirectory.json().writeValueAsString(DxmiConfig.builder().build());
        assertEquals(DxmiConfig.SIGMA_NETWORK_HIDDEN, ModelDirectory.json().readValue(on, DxmiConfig.class)
                .sigmaNetworkWidth());
    }

    @Test
    void aSamplerWithASigmaNetworkStartsExactlyWhereOneWithoutItDoes() {
        CsvDataset data = tightAndWide(2000, 1);
        try (DdpmModel ddpm = pretrain(data, 200);
                DxmiModel with = DxmiModel.fromPretrained(DxmiConfig.builder().optNetwork(SMALL).optSeed(2).build(),
                        ddpm, new Rng(2));
                DxmiModel without = DxmiModel.fromPretrained(DxmiConfig.builder().optNetwork(SMALL)
                        .optSigmaNetworkHidden(0).optSeed(2).build(), ddpm, new Rng(2))) {
            assertNotNull(with.sampler().sigmaNetwork());
            assertNull(without.sampler().sigmaNetwork());
            assertArrayEquals(without.sample(500, new Rng(5)), with.sample(500, new Rng(5)));
            assertArrayEquals(without.energy(data.rows()), with.energy(data.rows()),
                    "the other networks' draws are those of a run without it");
            Map<String, float[]> policy = with.policyWeights();
            assertTrue(policy.containsKey(FewStepSampler.SIGMA_NETWORK_PREFIX + "out.weight"), policy.keySet().toString());
            assertTrue(with.weights().keySet().containsAll(policy.keySet()));
            assertEquals(without.policyWeights().size() + 8, policy.size(), "time, two hidden and out layers");
        }
    }

    @Test
    void sigmaNetworksAreForVectors() {
        try (NDManager m = NDManager.newBaseManager()) {
            SampleShape image = SampleShape.image(1, 8, 8);
            assertThrows(IllegalArgumentException.class, () -> new FewStepSampler(m, null, image, null, 4,
                    null, true, 0.1f, 16));
        }
    }

    @Test
    void theSigmaNetworkLearnsASmallerSigmaWhereTheDataIsTight() {
        CsvDataset data = tightAndWide(5000, 7);
        try (DdpmModel ddpm = pretrain(data, 1500);
                DxmiModel model = DxmiModel.fromPretrained(DxmiConfig.builder().optSamplerSteps(5).optTau(0.1f)
                        .optNetwork(SMALL).optIterations(1500).optSeed(4).build(), ddpm, new Rng(4))) {
            DxmiTrainer trainer = new DxmiTrainer(model, data::sample);
            IterationStats stats = null;
            for (int i = 0; i < 1500; i++) {
                stats = trainer.step();
            }
            assertEquals(0, trainer.skippedUpdates());
            FewStepSampler s = model.sampler();
            int last = s.steps() - 1;
            double[] tight = new double[2];
            double[] wide = new double[2];
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray[] states = s.rollout(4000, new Rng(9), scope);
                NDArray before = states[last];
                float[] x = before.toFloatArray();
                int n = x.length / 2;
                NDArray emb = OwnedArrays.create(scope, s.timeEmbedding(last, n),
                        new Shape(n, s.network().embedding().dimension()));
                float[] offsets = DjlRuntime.withoutGradients(() -> s.logSigmaOffsets(before, emb)).toFloatArray();
                for (int i = 0; i < n; i++) {
                    double[] side = x[2 * i] < 0 ? tight : wide; // standardised: the tight cluster lies left
                    side[0] += offsets[i];
                    side[1]++;
                }
            }
            double tightOffset = tight[0] / tight[1];
            double wideOffset = wide[0] / wide[1];
            // What progress and metrics report: the batch's σ as drawn, here its geometric mean over 4,000 states.
            double drawn = s.sigmas()[last] * Math.exp((tight[0] + wide[0]) / (tight[1] + wide[1]));
            assertEquals(drawn, stats.lastDrawnSigma(), 0.1 * drawn, "the last batch's sigma as drawn");
            // Where the offsets do not cancel over the batch the σ as drawn is not the step's own (the last step's
            // tight and wide states can balance in the geometric mean; the earlier steps' do not).
            boolean differs = false;
            for (int t = 0; t <= last; t++) {
                differs |= Math.abs(stats.drawnSigmas()[t] - stats.sigmas()[t]) > 0.05 * stats.sigmas()[t];
            }
            assertTrue(differs, "with a sigma network the sigmas as drawn are the steps' own: "
                    + Arrays.toString(stats.drawnSigmas()) + " vs " + Arrays.toString(stats.sigmas()));
            System.out.printf("last step's log-sigma offset: tight cluster %.3f (%d states), wide %.3f (%d); sigmas %s%n",
                    tightOffset, (int) tight[1], wideOffset, (int) wide[1],
                    Arrays.toString(s.sigmas()));
            assertTrue(tight[1] > 500 && wide[1] > 500, "both clusters sampled");
            assertTrue(tightOffset < wideOffset - 0.2, "the tight cluster's sigma should be the smaller: log offsets "
                    + tightOffset + " vs " + wideOffset);
        }
    }
}
