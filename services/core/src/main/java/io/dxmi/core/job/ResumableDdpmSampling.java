package io.dxmi.core.job;

import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.random.Rng;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Draws a DDPM's images {@link DdpmModel#IMAGE_CHUNK} at a time and keeps every finished chunk (its
 * images, the seconds it took, the generator's state after it) in a directory, so that a draw
 * stopped part-way continues from its last finished chunk: the 1000-step row of an image table
 * takes hours at 28 × 28. The model draws in chunks of that size itself, so the images are those
 * of one uninterrupted call with the same generator, to the bit.
 */
final class ResumableDdpmSampling {

    /** A finished chunk as kept on disk. */
    record Chunk(float[] images, double seconds, long[] rngAfter) {}

    /** The images and the seconds spent drawing them (summed over chunks, whichever run drew them). */
    record Sampled(float[] images, double seconds) {}

    private ResumableDdpmSampling() {}

    /**
     * n images from {@code ddpm} with coefficients {@code c}, starting from {@code rng}'s state.
     *
     * @param dir where chunks are kept, as {@code PREFIX-chunk-I.json}
     * @param key names what is drawn (model, settings, seed): a chunk kept under another key is drawn again
     * @param resume read back chunks kept under the same key; otherwise every chunk is drawn
     */
    static Sampled draw(DdpmModel ddpm, StepCoefficients c, int n, Rng rng, Path dir, String prefix, String key,
            boolean resume, DdpmModel.StepProgress progress) throws IOException {
        int d = ddpm.dimension();
        float[] out = new float[n * d];
        double seconds = 0;
        boolean reading = resume;
        for (int i = 0, start = 0; start < n; i++, start += DdpmModel.IMAGE_CHUNK) {
            int m = Math.min(DdpmModel.IMAGE_CHUNK, n - start);
            Path file = dir.resolve(prefix + "-chunk-" + i + ".json");
            String chunkKey = key + " chunk " + i + " (" + m + " images from " + start + " of " + n + ")";
            // Only a run of kept chunks from the first is read: the generator's state after the last one read is
            // where the next chunk starts.
            Chunk chunk = reading ? KeyedJson.read(file, chunkKey, Chunk.class) : null;
            if (chunk != null && chunk.images().length == m * d && chunk.rngAfter() != null) {
                rng.setState(chunk.rngAfter());
            } else {
                reading = false;
                long t0 = System.nanoTime();
                int done = start;
                float[] images = ddpm.sample(m, c, rng,
                        (k, total) -> progress.onSteps((long) done * c.steps() + k, (long) n * c.steps()));
                chunk = new Chunk(images, (System.nanoTime() - t0) / 1e9, rng.getState());
                KeyedJson.write(file, chunkKey, chunk);
            }
            System.arraycopy(chunk.images(), 0, out, start * d, m * d);
            seconds += chunk.seconds();
        }
        return new Sampled(out, seconds);
    }
}
