package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.DdpmPretrainer;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The square term split by sign ({@link DxmiConfig#gammaPositive()}): unset, the symmetric term to the bit and a
 * configuration's JSON as before; set, it bounds the energy the samples get (the positive side) by its own weight.
 */
class GammaPositiveTest {

    private static final NetworkConfig SMALL = new NetworkConfig(32, 2, 16);

    @BeforeAll
    static void runtime() {
        DjlRuntime.configure(1);
    }

    @Test
    void unsetItIsGammaAndAConfigurationsJsonIsAsBefore() throws Exception {
        assertEquals(0.85f, DxmiConfig.defaults().gammaPositive(), "the vector default");
        assertEquals(0.3f, DxmiConfig.defaults().gamma());
        assertNull(DxmiConfig.imageBuilder().build().gammaPositive(), "images keep the symmetric term");
        DxmiConfig plain = DxmiConfig.builder().optGamma(0.3f).optGammaPositive(null).build();
        assertNull(plain.gammaPositive());
        assertEquals(0.3f, plain.gammaOnPositive());
        String json = ModelDirectory.json().writeValueAsString(plain);
        assertFalse(json.contains("gammaPositive"), json);
        assertNull(ModelDirectory.json().readValue(json, DxmiConfig.class).gammaPositive());

        DxmiConfig split = DxmiConfig.builder().optGamma(0.3f).optGammaPositive(1f).build();
        assertEquals(1f, split.gammaOnPositive());
        assertEquals(1f, split.toBuilder().build().gammaPositive(), "toBuilder keeps it");
        assertEquals(split, ModelDirectory.json().readValue(ModelDirectory.json().writeValueAsString(split),
                DxmiConfig.class));
        assertThrows(IllegalArgumentException.class, () -> DxmiConfig.builder().optGammaPositive(-1f).build());
        assertThrows(IllegalArgumentException.class, () -> DxmiConfig.builder().optGammaPositive(Float.NaN).build());
    }

    /** Three round clusters in 2-D, one far from the others. */
    private static CsvDataset clusters(int n, long seed) {
        Rng rng = new Rng(seed);
        double[][] centres = {{-2, 0}, {2, 0}, {0, 3}};
        float[] rows = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double[] c = centres[i % 3];
            rows[2 * i] = (float) (c[0] + 0.3 * rng.nextGaussian());
            rows[2 * i + 1] = (float) (c[1] + 0.3 * rng.nextGaussian());
        }
        return CsvDataset.of("three-clusters", rows, 2);
    }

    /** The samples' and the data's mean energies over the last 50 of {@code iterations}; the data's final energies in {@code energyOut[0]}. */
    private static double[] train(DdpmModel ddpm, CsvDataset data, DxmiConfig.Builder config, int iterations,
            float[][] energyOut) {
        try (DxmiModel model = DxmiModel.fromPretrained(config.optSamplerSteps(4).optTau(0.1f).optNetwork(SMALL)
                .optIterations(iterations).optSeed(5).build(), ddpm, new Rng(5))) {
            DxmiTrainer trainer = new DxmiTrainer(model, data::sample);
            double samples = 0;
            double dataEnergy = 0;
            for (int i = 0; i < iterations; i++) {
                IterationStats s = trainer.step();
                if (i >= iterations - 50) {
                    samples += s.energySamples() / 50;
                    dataEnergy += s.energyData() / 50;
                }
            }
            energyOut[0] = model.energy(data.rows());
            return new double[] {samples, dataEnergy};
        }
    }

    @Test
    void itBoundsTheSamplesEnergyAndEqualToGammaChangesNothing() {
        CsvDataset data = clusters(3000, 1);
        PretrainConfig pc = new PretrainConfig(1000, 1e-4, 0.02, 300, 512, 2e-3f, true, SMALL, 3L);
        try (DdpmModel ddpm = new DdpmPretrainer(pc, ProgressListener.NONE).train(data.dimension(),
                Normalization.standardize(data.rows(), data.dimension()), data::sample)) {
            float[][] symmetric = new float[1][];
            float[][] equal = new float[1][];
            float[][] split = new float[1][];
            double[] sym = train(ddpm, data, DxmiConfig.builder().optGamma(0.1f).optGammaPositive(null), 300, symmetric);
            train(ddpm, data, DxmiConfig.builder().optGamma(0.1f).optGammaPositive(0.1f), 300, equal);
            double[] walls = train(ddpm, data, DxmiConfig.builder().optGamma(0.1f).optGammaPositive(2f), 300, split);
            assertArrayEquals(symmetric[0], equal[0], "gamma+ = gamma is the symmetric term to the bit");
            // With gamma = 0.1 the energy may reach +-5; gamma+ = 2 bounds the positive side by 1/(2 gamma+) = 0.25.
            assertTrue(sym[0] > 0.5, "the samples' energy without the split: " + sym[0]);
            assertTrue(walls[0] < 0.3 && walls[0] < sym[0] / 2, "the samples' energy with gamma+ = 2: " + walls[0]
                    + " (symmetric " + sym[0] + ")");
            assertTrue(walls[0] > walls[1], "the energy still tells the samples from the data: " + walls[0] + " against "
                    + walls[1]);
        }
    }
}
