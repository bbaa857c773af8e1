package io.dxmi.core.dxmi;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.DdpmPretrainer;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;
import io.dxmi.core.random.Rng;

/**
 * Small pretrained DDPMs shared by the DxMI tests of one test JVM (trained once, on first use,
 * with fixed seeds). Never closed: they live as long as the JVM.
 */
final class TestDdpms {

    static final DataSource DATA = ToyDatasets.byName("8gaussians");

    private static DdpmModel tiny;

    private TestDdpms() {}

    /** A barely trained DDPM with a (32, 2, 16) ε-network: for plumbing tests, not quality. */
    static synchronized DdpmModel tiny() {
        if (tiny == null) {
            DjlRuntime.configure(1);
            PretrainConfig cfg = new PretrainConfig(1000, 1e-4, 0.02, 200, 256, 2e-3f, true,
                    new NetworkConfig(32, 2, 16), 7L);
            tiny = new DdpmPretrainer(cfg, ProgressListener.NONE).train(2, Normalization.identity(2), DATA::sample);
        }
        return tiny;
    }

    /** A freshly trained DDPM (the caller closes it). */
    static DdpmModel train(NetworkConfig network, int iterations, int batch, long seed) {
        DjlRuntime.configure(1);
        PretrainConfig cfg = new PretrainConfig(1000, 1e-4, 0.02, iterations, batch, 2e-3f, true, network, seed);
        return new DdpmPretrainer(cfg, ProgressListener.NONE).train(2, Normalization.identity(2), DATA::sample);
    }

    /** An untrained DDPM with a 16-channel UNet for 1×8×8 images in [0, 1] (the caller closes it). */
    static DdpmModel untrainedTinyImages() {
        DjlRuntime.configure(1);
        PretrainConfig cfg = new PretrainConfig(1000, 1e-4, 0.02, 0, 8, 1e-3f, true,
                NetworkConfig.of(new UNetConfig(16, new int[] {1, 2}, 1, true, 4)), 0L);
        SampleShape shape = SampleShape.image(1, 8, 8);
        return new DdpmModel(cfg, shape, Normalization.pixels(shape.size()), new Rng(1));
    }
}
