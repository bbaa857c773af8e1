package io.dxmi.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.TimeNetwork;
import io.dxmi.core.random.Rng;
import io.dxmi.core.engine.OwnedArrays;

/**
 * A DDPM: an ε-prediction network over a noise schedule, plus the normalisation between data
 * and model space, for samples of any shape (an MLP for vectors, a UNet for images, as the
 * configuration's network says). Owns its native memory: close it when done.
 */
public final class DdpmModel implements AutoCloseable {

    /** Parameter-name prefix of the ε-network in archives. */
    public static final String PREFIX = "eps.";

    /** Images sampled per network call: bounds the UNet's activations (about 50 MB a layer at 28×28). */
    public static final int IMAGE_CHUNK = 250;

    private final PretrainConfig config;
    private final NoiseSchedule schedule;
    private final Normalization normalization;
    private final SampleShape shape;
    private final int dimension;
    private final NDManager manager;
    private final TimeNetwork epsNet;

    /** A freshly initialised model (weights from {@code rng}). */
    public DdpmModel(PretrainConfig config, SampleShape shape, Normalization normalization, Rng rng) {
        this.config = config;
        this.schedule = config.schedule();
        this.normalization = normalization;
        this.shape = shape;
        this.dimension = shape.size();
        this.manager = NDManager.newBaseManager(DjlRuntime.device());
        this.epsNet = config.network().denoiser(shape, PREFIX, manager, rng);
    }

    /** A freshly initialised model of vectors. */
    public DdpmModel(PretrainConfig config, int dimension, Normalization normalization, Rng rng) {
        this(config, SampleShape.vector(dimension), normalization, rng);
    }

    public PretrainConfig config() {
        return config;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    public Normalization normalization() {
        return normalization;
    }

    public int dimension() {
        return dimension;
    }

    public SampleShape shape() {
        return shape;
    }

    public TimeNetwork epsNet() {
        return epsNet;
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * Draws n samples with the ancestral (η = 1) sampler on a T-step subsequence of the
     * schedule, noise std from the schedule and none at the last step. T = N is the original
     * DDPM sampler. Returns data-space rows.
     */
    public float[] sample(int n, int samplerSteps, Rng rng) {
        return sample(n, StepCoefficients.ancestral(schedule, samplerSteps), rng);
    }

    /** Draws n samples with the given step coefficients (the schedule's σ, none at the last step). */
    public float[] sample(int n, StepCoefficients c, Rng rng) {
        return sample(n, c, rng, (done, total) -> { });
    }

    /** Told after every network call of a long sampling: image-steps done of all (n × T). */
    @FunctionalInterface
    public interface StepProgress {
        void onSteps(long done, long total);
    }

    /** As {@link #sample(int, StepCoefficients, Rng)}, reporting each step (1,000 steps of images take hours). */
    public float[] sample(int n, StepCoefficients c, Rng rng, StepProgress progress) {
        // Inference: with grad mode on (a new thread's default) every step's graph would stay alive
        // through the chain to the last step, about 40 MB per step for 10,000 rows of a small MLP.
        DjlRuntime.noGradientsOnThisThread();
        int samplerSteps = c.steps();
        float[] out = new float[n * dimension];
        int chunk = shape.isImage() ? IMAGE_CHUNK : 10_000;
        for (int start = 0; start < n; start += chunk) {
            int m = Math.min(chunk, n - start);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = OwnedArrays.create(scope, rng.gaussians(m * dimension), new Shape(shape.batch(m)));
                for (int k = 0; k < samplerSteps; k++) {
                    // Each step's temporaries live in their own manager, freed at the end of the
                    // step; only the new x moves to the outer scope (memory stays flat in T).
                    // Results of an op join the manager of its first operand, so x moves too.
                    NDArray next;
                    try (NDManager s = scope.newSubManager()) {
                        x.attach(s);
                        NDArray emb = OwnedArrays.create(s, epsNet.embedding().embedRepeated(c.networkTime(k), m),
                                new Shape(m, epsNet.embedding().dimension()));
                        NDArray eps = epsNet.forward(x, emb);
                        next = OwnedArrays.mul(x, c.a(k)).add(OwnedArrays.mul(eps, c.b(k)));
                        if (c.sigma(k) > 0) {
                            next = next.add(OwnedArrays.mul(OwnedArrays.create(s, rng.gaussians(m * dimension),
                                    new Shape(shape.batch(m))), c.sigma(k)));
                        }
                        next.attach(scope);
                    }
                    x = next;
                    progress.onSteps((long) start * samplerSteps + (long) m * (k + 1), (long) n * samplerSteps);
                }
                System.arraycopy(x.toFloatArray(), 0, out, start * dimension, m * dimension);
            }
        }
        return normalization.toData(out);
    }

    @Override
    public void close() {
        manager.close();
    }
}
