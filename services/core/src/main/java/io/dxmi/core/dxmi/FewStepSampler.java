package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.NoiseSchedule;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ParameterSet;
import io.dxmi.core.nn.TimeMlp;
import io.dxmi.core.nn.TimeNetwork;
import io.dxmi.core.random.Rng;
import io.dxmi.core.engine.OwnedArrays;

import java.util.LinkedHashMap;

/**
 * The DxMI policy π_φ: a T-step sampler x_{k+1} = a_k x_k + b_k ε̂_φ(x_k, t_k) + σ_k(x_k) ξ with
 * x_0 ~ N(0, I). The affine coefficients a_k, b_k stay frozen at their DDPM schedule values;
 * the ε-network and one log σ per step learn. The last step's σ is learnable or fixed (a
 * setting). With a σ network (vectors) each state scales its step's σ by its own factor,
 * σ_k(x) = σ_k · exp(s(x, t_k)), s bounded to ±{@value #MAX_LOG_SIGMA_OFFSET} and zero at the start:
 * one σ per step must serve every part of the data at once, too wide for a tight cluster and too
 * narrow for a wide one. All tensors are in model space, shaped (n, sample shape…).
 */
public final class FewStepSampler {

    /** Parameter-name prefix of the mean network. */
    public static final String NET_PREFIX = "sampler.";
    /** Name of the learnable log σ vector. */
    public static final String LOG_SIGMA = "policy.logSigma";
    /** Parameter-name prefix of the σ network. */
    public static final String SIGMA_NETWORK_PREFIX = "policy.sigmaNetwork.";
    /** Hidden layers of the σ network. */
    public static final int SIGMA_NETWORK_LAYERS = 2;
    /** Bound of the σ network's log-σ offset: σ moves at most e² ≈ 7.4 times either way from its step's. */
    public static final float MAX_LOG_SIGMA_OFFSET = 2f;
    // Its hidden layers are drawn from this fixed generator: its output layer starts at zero, so what they start
    // as does not change where training starts, and the other networks' draws stay those of a run without it.
    private static final long SIGMA_NETWORK_SEED = 77;

    private final SampleShape shape;
    private final int dimension;
    private final NoiseSchedule schedule;
    private final StepCoefficients coefficients;
    private final TimeNetwork net;
    private final ParameterSet sigmaParams;
    private final boolean lastLearnable;
    private final float lastSigmaFixed;
    private final int steps;
    /** The per-state log-σ offset network, (n, D) → (n, 1); null without one. */
    private final TimeMlp sigmaNetwork;

    /**
     * @param net the mean network (an ε-predictor over {@code schedule})
     * @param shape one sample's shape
     * @param spacing how the T noise levels are chosen
     * @param lastLearnable whether the last σ learns
     * @param lastSigma the last σ's initial value (learnable) or fixed value
     * @param sigmaNetworkHidden the σ network's width (vectors only), or 0 for one σ per step alone
     */
    public FewStepSampler(NDManager manager, TimeNetwork net, SampleShape shape, NoiseSchedule schedule, int steps,
            StepCoefficients.Spacing spacing, boolean lastLearnable, float lastSigma, int sigmaNetworkHidden) {
        if (sigmaNetworkHidden < 0 || sigmaNetworkHidden > 0 && shape.isImage()) {
            throw new IllegalArgumentException("a sigma network is for vector samples, with a positive width; got width "
                    + sigmaNetworkHidden + " for " + shape + " samples");
        }
        this.shape = shape;
        this.dimension = shape.size();
        this.schedule = schedule;
        this.steps = steps;
        this.coefficients = StepCoefficients.of(schedule, steps, spacing);
        this.net = net;
        this.lastLearnable = lastLearnable;
        this.lastSigmaFixed = lastSigma;
        int learnable = lastLearnable ? steps : steps - 1;
        float[] init = new float[Math.max(learnable, 0)];
        for (int k = 0; k < learnable; k++) {
            float s = k == steps - 1 ? lastSigma : coefficients.sigma(k);
            init[k] = (float) Math.log(Math.max(s, 1e-6f));
        }
        this.sigmaNetwork = sigmaNetworkHidden == 0 ? null : sigmaNetwork(manager, sigmaNetworkHidden,
                net.embedding().dimension());
        this.sigmaParams = new ParameterSet(manager);
        if (learnable > 0) {
            sigmaParams.add(LOG_SIGMA, new Shape(learnable), init);
        }
    }

    public int steps() {
        return steps;
    }

    public int dimension() {
        return dimension;
    }

    public SampleShape shape() {
        return shape;
    }

    public TimeNetwork network() {
        return net;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    public StepCoefficients coefficients() {
        return coefficients;
    }

    public ParameterSet networkParameters() {
        return net.parameters();
    }

    public ParameterSet sigmaParameters() {
        return sigmaParams;
    }

    public boolean lastSigmaLearnable() {
        return lastLearnable;
    }

    private TimeMlp sigmaNetwork(NDManager manager, int hidden, int embeddingDim) {
        TimeMlp h = TimeMlp.builder().setInputDim(dimension).setOutputDim(1).optHidden(hidden)
                .optLayers(SIGMA_NETWORK_LAYERS).optEmbeddingDim(embeddingDim).optPrefix(SIGMA_NETWORK_PREFIX)
                .build(manager, new Rng(SIGMA_NETWORK_SEED));
        LinkedHashMap<String, float[]> w = h.parameters().toFloatArrays();
        w.put(SIGMA_NETWORK_PREFIX + "out.weight", new float[hidden]);
        w.put(SIGMA_NETWORK_PREFIX + "out.bias", new float[1]);
        h.parameters().load(w);
        return h;
    }

    /** The σ network, or null when each step has one σ alone. */
    public TimeMlp sigmaNetwork() {
        return sigmaNetwork;
    }

    /**
     * Each state's log-σ offset s(x, t_k), (n, 1): the network's output h bounded smoothly,
     * {@value #MAX_LOG_SIGMA_OFFSET}·tanh(h / {@value #MAX_LOG_SIGMA_OFFSET}).
     *
     * @param x (n, D) states of one or several steps
     * @param embedding their steps' time embeddings, (n, E)
     */
    public NDArray logSigmaOffsets(NDArray x, NDArray embedding) {
        NDArray h = sigmaNetwork.forward(x.reshape(x.getShape().get(0), dimension), embedding);
        return OwnedArrays.mul(OwnedArrays.div(h, MAX_LOG_SIGMA_OFFSET).tanh(), MAX_LOG_SIGMA_OFFSET);
    }

    /** log σ_0 … log σ_{T−1} as one (T) array, differentiable in the learnable entries. */
    public NDArray logSigmas(NDManager scope) {
        NDArray fixedLast = OwnedArrays.create(scope, new float[] {(float) Math.log(lastSigmaFixed)});
        if (lastLearnable) {
            return sigmaParams.get(LOG_SIGMA);
        }
        if (steps == 1) {
            return fixedLast;
        }
        return NDArrays.concat(new NDList(sigmaParams.get(LOG_SIGMA), fixedLast));
    }

    /** Current σ_k values (one device read). */
    public float[] sigmas() {
        float[] s = new float[steps];
        float[] learned = steps > 1 || lastLearnable ? sigmaParams.get(LOG_SIGMA).toFloatArray() : new float[0];
        for (int k = 0; k < steps; k++) {
            s[k] = k < learned.length ? (float) Math.exp(learned[k]) : lastSigmaFixed;
        }
        return s;
    }

    /**
     * Sets the learnable σ_k (a fixed last σ keeps its value); values are floored at 1e-6.
     *
     * @param values σ_0 … σ_{T−1}
     */
    public void setSigmas(float[] values) {
        if (values.length != steps) {
            throw new IllegalArgumentException("expected " + steps + " sigmas, got " + values.length);
        }
        int learnable = lastLearnable ? steps : steps - 1;
        if (learnable == 0) {
            return;
        }
        float[] logs = new float[learnable];
        for (int k = 0; k < learnable; k++) {
            logs[k] = (float) Math.log(Math.max(values[k], 1e-6f));
        }
        LinkedHashMap<String, float[]> w = new LinkedHashMap<>();
        w.put(LOG_SIGMA, logs);
        sigmaParams.load(w);
    }

    /** The ε-network's time input rows for step k, repeated n times: (n, E). */
    public float[] timeEmbedding(int k, int n) {
        return net.embedding().embedRepeated(coefficients.networkTime(k), n);
    }

    /**
     * Rolls out n trajectories without gradients. Returns the T+1 states x_0 … x_T, each (n, D),
     * owned by {@code scope}.
     */
    public NDArray[] rollout(int n, Rng rng, NDManager scope) {
        return DjlRuntime.withoutGradients(() -> recordlessRollout(n, rng, scope));
    }

    private NDArray[] recordlessRollout(int n, Rng rng, NDManager scope) {
        float[] sig = sigmas();
        NDArray[] states = new NDArray[steps + 1];
        states[0] = OwnedArrays.create(scope, rng.gaussians(n * dimension), new Shape(shape.batch(n)));
        int e = net.embedding().dimension();
        for (int k = 0; k < steps; k++) {
            try (NDManager tmp = scope.newSubManager()) {
                // Results of an op join the manager of its first operand: with x_k in tmp for the
                // step, the network's temporaries go there and are freed with it, not kept for all T.
                states[k].attach(tmp);
                NDArray emb = OwnedArrays.create(tmp, timeEmbedding(k, n), new Shape(n, e));
                NDArray eps = net.forward(states[k], emb);
                NDArray noise = OwnedArrays.create(tmp, rng.gaussians(n * dimension), new Shape(shape.batch(n)));
                NDArray scaled = OwnedArrays.mul(noise, sig[k]);
                if (sigmaNetwork != null) {
                    scaled = scaled.mul(logSigmaOffsets(states[k], emb).exp().reshape(new Shape(shape.column(n))));
                }
                NDArray next = OwnedArrays.mul(states[k], coefficients.a(k)).add(OwnedArrays.mul(eps, coefficients.b(k)))
                        .add(scaled);
                next.attach(scope);
                states[k].attach(scope);
                states[k + 1] = next;
            }
        }
        return states;
    }

    /** Samples per network call when many are drawn: on images the DDPM's chunk, which bounds a UNet's activations. */
    static int chunkSize(SampleShape shape) {
        return shape.isImage() ? DdpmModel.IMAGE_CHUNK : 10_000;
    }

    /** n samples x_T as row-major model-space floats, in chunks to bound memory. */
    public float[] sample(int n, Rng rng, NDManager manager) {
        float[] out = new float[n * dimension];
        int chunk = chunkSize(shape);
        for (int start = 0; start < n; start += chunk) {
            int m = Math.min(chunk, n - start);
            try (NDManager scope = manager.newSubManager()) {
                NDArray[] states = rollout(m, rng, scope);
                System.arraycopy(states[steps].toFloatArray(), 0, out, start * dimension, m * dimension);
            }
        }
        return out;
    }
}
