package io.dxmi.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.random.Rng;

/**
 * A time-conditioned MLP for vector data: the sinusoidal embedding of t is projected to the
 * hidden width and added before every hidden activation (SiLU).
 *
 * <pre>
 *   e  = W_t · sin/cos(t) + b_t
 *   h₁ = SiLU(W₁ x + b₁ + e), …, h_L = SiLU(W_L h_{L−1} + b_L + e)
 *   y  = W_out h_L + b_out
 * </pre>
 *
 * Used as the DDPM ε-network, as the sampler's mean network, and as the value/energy network
 * (where the output width is 1). Weights start as in PyTorch's nn.Linear
 * (uniform ±1/√fan_in), drawn from the caller's {@link Rng} so that runs are reproducible.
 */
public final class TimeMlp implements TimeNetwork {

    private final String prefix;
    private final int inputDim;
    private final int outputDim;
    private final int hidden;
    private final int layers;
    private final SinusoidalEmbedding embedding;
    private final ParameterSet params;

    private TimeMlp(Builder b, NDManager manager, Rng rng) {
        this.prefix = b.prefix;
        this.inputDim = b.inputDim;
        this.outputDim = b.outputDim;
        this.hidden = b.hidden;
        this.layers = b.layers;
        this.embedding = new SinusoidalEmbedding(b.embeddingDim);
        this.params = new ParameterSet(manager);
        addLinear("time", b.embeddingDim, hidden, rng);
        int in = inputDim;
        for (int i = 0; i < layers; i++) {
            addLinear("hidden" + i, in, hidden, rng);
            in = hidden;
        }
        addLinear("out", hidden, outputDim, rng);
    }

    public static Builder builder() {
        return new Builder();
    }

    private void addLinear(String name, int in, int out, Rng rng) {
        float bound = (float) (1.0 / Math.sqrt(in));
        params.add(prefix + name + ".weight", new Shape(out, in), rng.uniforms(out * in, -bound, bound));
        params.add(prefix + name + ".bias", new Shape(out), rng.uniforms(out, -bound, bound));
    }

    /**
     * Forward pass.
     *
     * @param x (n, inputDim)
     * @param timeEmbedding (n, embeddingDim): from {@link #embedding()}
     * @return (n, outputDim)
     */
    @Override
    public NDArray forward(NDArray x, NDArray timeEmbedding) {
        NDArray e = linear(timeEmbedding, "time");
        NDArray h = x;
        for (int i = 0; i < layers; i++) {
            NDArray pre = linear(h, "hidden" + i).add(e);
            h = pre.mul(pre.getNDArrayInternal().sigmoid());
        }
        return linear(h, "out");
    }

    private NDArray linear(NDArray input, String name) {
        return Linear.linear(input, params.get(prefix + name + ".weight"), params.get(prefix + name + ".bias"))
                .singletonOrThrow();
    }

    @Override
    public SinusoidalEmbedding embedding() {
        return embedding;
    }

    @Override
    public ParameterSet parameters() {
        return params;
    }

    public int inputDim() {
        return inputDim;
    }

    public int outputDim() {
        return outputDim;
    }

    @Override
    public long multiplyAddsPerSample() {
        return multiplyAddsPerRow();
    }

    /** Multiply–adds of one forward pass for one row (for FLOP accounting in benchmarks). */
    public long multiplyAddsPerRow() {
        return (long) embedding.dimension() * hidden + (long) inputDim * hidden
                + (long) (layers - 1) * hidden * hidden + (long) hidden * outputDim;
    }

    /** Builder: {@code setInputDim} and {@code setOutputDim} are required. */
    public static final class Builder {
        private String prefix = "";
        private int inputDim = -1;
        private int outputDim = -1;
        private int hidden = 128;
        private int layers = 3;
        private int embeddingDim = 32;

        public Builder setInputDim(int inputDim) {
            this.inputDim = inputDim;
            return this;
        }

        public Builder setOutputDim(int outputDim) {
            this.outputDim = outputDim;
            return this;
        }

        /** Hidden width; default 128. */
        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        /** Number of hidden layers; default 3. */
        public Builder optLayers(int layers) {
            this.layers = layers;
            return this;
        }

        /** Sinusoidal embedding width; default 32. */
        public Builder optEmbeddingDim(int embeddingDim) {
            this.embeddingDim = embeddingDim;
            return this;
        }

        /** Prefix of every parameter name, so several networks can share a checkpoint. */
        public Builder optPrefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        public TimeMlp build(NDManager manager, Rng rng) {
            if (inputDim < 1 || outputDim < 1) {
                throw new IllegalStateException("TimeMlp needs setInputDim and setOutputDim (got "
                        + inputDim + ", " + outputDim + ")");
            }
            if (hidden < 1 || layers < 1) {
                throw new IllegalStateException("hidden width and layer count must be positive");
            }
            return new TimeMlp(this, manager, rng);
        }
    }
}
