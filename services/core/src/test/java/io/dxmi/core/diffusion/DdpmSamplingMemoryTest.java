package io.dxmi.core.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;
import io.dxmi.core.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * Native memory of image sampling: a step must leave no tensor behind in the model's manager. A 1000-step row of
 * 250 images at 28 x 28 once grew to 15 GB and was killed; anything left per step is multiplied by a thousand.
 */
class DdpmSamplingMemoryTest {

    @Test
    void imageSamplingLeavesNoTensorsInTheModelsManager() {
        DjlRuntime.configure(1);
        SampleShape shape = SampleShape.image(1, 8, 8);
        PretrainConfig cfg = new PretrainConfig(1000, 1e-4, 0.02, 0, 8, 1e-3f, true,
                NetworkConfig.of(new UNetConfig(16, new int[] {1, 2}, 1, true, 4)), 0L);
        try (DdpmModel ddpm = new DdpmModel(cfg, shape, Normalization.pixels(shape.size()), new Rng(1))) {
            ddpm.sample(3, 5, new Rng(2));
            int before = ddpm.manager().getManagedArrays().size();
            ddpm.sample(3, 20, new Rng(3));
            assertEquals(before, ddpm.manager().getManagedArrays().size(), "tensors left per sampling step");
        }
    }
}
