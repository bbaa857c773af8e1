package io.dxmi.core.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;
import io.dxmi.core.random.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 1000-step row's chunked draw: a draw continued from kept chunks gives the uninterrupted draw's images. */
class ResumableDdpmSamplingTest {

    @TempDir
    Path tmp;

    private static DdpmModel tinyDdpm() {
        DjlRuntime.configure(1);
        PretrainConfig cfg = new PretrainConfig(100, 1e-4, 0.02, 0, 8, 1e-3f, true,
                NetworkConfig.of(new UNetConfig(8, new int[] {1}, 1, false, 4)), 0L);
        SampleShape shape = SampleShape.image(1, 4, 4);
        return new DdpmModel(cfg, shape, Normalization.pixels(shape.size()), new Rng(1));
    }

    @Test
    void aDrawContinuedFromKeptChunksEqualsOneUninterruptedDraw() throws IOException {
        int n = 2 * DdpmModel.IMAGE_CHUNK + 7;
        try (DdpmModel ddpm = tinyDdpm()) {
            StepCoefficients c = StepCoefficients.ancestral(ddpm.schedule(), 3);
            float[] once = ddpm.sample(n, c, new Rng(5));

            AtomicLong steps = new AtomicLong();
            ResumableDdpmSampling.Sampled first = ResumableDdpmSampling.draw(ddpm, c, n, new Rng(5), tmp, "ddpm-3",
                    "k", false, (done, total) -> steps.incrementAndGet());
            assertArrayEquals(once, first.images(), "chunked: the images of one call");
            assertEquals(3L * 3, steps.get(), "three chunks of three steps");
            assertTrue(Files.isRegularFile(tmp.resolve("ddpm-3-chunk-2.json")));

            // Stopped after the first chunk: the others are drawn again, from the generator state kept with it.
            Files.delete(tmp.resolve("ddpm-3-chunk-1.json"));
            steps.set(0);
            ResumableDdpmSampling.Sampled resumed = ResumableDdpmSampling.draw(ddpm, c, n, new Rng(5), tmp, "ddpm-3",
                    "k", true, (done, total) -> steps.incrementAndGet());
            assertArrayEquals(once, resumed.images(), "continued: the same images to the bit");
            assertEquals(2L * 3, steps.get(), "only the last two chunks drawn");

            // Everything kept: nothing drawn, and the seconds are those the chunks took when drawn.
            steps.set(0);
            ResumableDdpmSampling.Sampled read = ResumableDdpmSampling.draw(ddpm, c, n, new Rng(5), tmp, "ddpm-3",
                    "k", true, (done, total) -> steps.incrementAndGet());
            assertArrayEquals(once, read.images());
            assertEquals(0, steps.get());
            assertTrue(read.seconds() > 0);

            // Another key (other model or settings), or no --resume: drawn anew.
            ResumableDdpmSampling.draw(ddpm, c, n, new Rng(5), tmp, "ddpm-3", "other", true,
                    (done, total) -> steps.incrementAndGet());
            assertEquals(3L * 3, steps.get());
        }
    }
}
