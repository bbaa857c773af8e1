package io.dxmi.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba) over one {@link ParameterSet}, with optional global gradient-norm
 * clipping and a refusal to apply non-finite gradients.
 *
 * <p>Why not DJL's {@code ai.djl.training.optimizer.Adam}: it keeps its moments and per-parameter
 * step counts in private maps that cannot be saved, so a checkpoint could not resume exactly;
 * this one exposes them. The update itself is the same fused PyTorch kernel. DJL 0.36's Adam
 * does correct the bias of the step size (it passes lr·√(1−β₂ᵗ)/(1−β₁ᵗ) as the kernel's
 * stepping rate); what differs here: ε is scaled by √(1−β₂ᵗ) too, so the update equals
 * PyTorch's {@code torch.optim.Adam} exactly (DJL adds the raw ε to the uncorrected √v, which
 * acts like PyTorch with ε/√(1−β₂ᵗ): about 32 times larger at the first step for β₂ = 0.999,
 * the same once t is large); gradients are clipped by their global norm (DJL's kernel clamps
 * each element from above only); and a non-finite gradient is refused instead of applied.
 */
public final class Adam {

    private final ParameterSet params;
    private float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float clipNorm;
    private final LinkedHashMap<String, NDArray> mean = new LinkedHashMap<>();
    private final LinkedHashMap<String, NDArray> variance = new LinkedHashMap<>();
    private long steps;

    private Adam(Builder b) {
        this.params = b.params;
        this.learningRate = b.learningRate;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.clipNorm = b.clipNorm;
        NDManager m = params.getManager();
        for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
            mean.put(e.getKey(), m.zeros(e.getValue().getShape()));
            variance.put(e.getKey(), m.zeros(e.getValue().getShape()));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What one call of {@link #step()} did. */
    public record StepResult(boolean applied, double gradientNorm) {}

    /**
     * Applies one update from the gradients currently recorded on the parameters, then zeroes
     * them. If the gradient norm is not finite nothing is applied (the caller reports it).
     */
    public StepResult step() {
        double norm = gradientNorm();
        if (!Double.isFinite(norm)) {
            params.zeroGradients();
            return new StepResult(false, norm);
        }
        float rescale = 1f;
        if (clipNorm > 0 && norm > clipNorm) {
            rescale = (float) (clipNorm / (norm + 1e-6));
        }
        steps++;
        float c1 = 1f - (float) Math.pow(beta1, steps);
        float c2 = 1f - (float) Math.pow(beta2, steps);
        // Bias correction folded into the step size and epsilon (PyTorch's update rewritten for
        // the uncorrected moments). The kernel steps by its second rate argument; the first only
        // scales AdamW's decay, which is off here, so the corrected rate goes in both.
        float lr = (float) (learningRate * Math.sqrt(c2) / c1);
        float eps = (float) (epsilon * Math.sqrt(c2));
        for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
            NDArray w = e.getValue();
            try (NDArray g = w.getGradient()) {
                NDList inputs = new NDList(w, g, mean.get(e.getKey()), variance.get(e.getKey()));
                w.getNDArrayInternal().adamUpdate(inputs, new NDList(w), lr, lr, 0f, rescale,
                        -1f, beta1, beta2, eps, true, false);
                OwnedArrays.muli(g, 0f);
            }
        }
        return new StepResult(true, norm);
    }

    /** Global L2 norm of the recorded gradients (one device sync). */
    public double gradientNorm() {
        try (NDManager scope = params.getManager().newSubManager()) {
            NDArray total = null;
            for (NDArray w : params.arrays().values()) {
                NDArray g = w.getGradient();
                g.attach(scope);
                NDArray sq = g.square().sum();
                total = total == null ? sq : total.add(sq);
            }
            return total == null ? 0.0 : Math.sqrt(total.getFloat());
        }
    }

    public ParameterSet getParameters() {
        return params;
    }

    public float getLearningRate() {
        return learningRate;
    }

    /** For schedules (for example cosine decay in pretraining). */
    public void setLearningRate(float learningRate) {
        this.learningRate = learningRate;
    }

    public long getSteps() {
        return steps;
    }

    /** Moments as plain arrays, names prefixed {@code m/} and {@code v/}, for checkpoints. */
    public LinkedHashMap<String, float[]> exportState() {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        mean.forEach((k, v) -> out.put("m/" + k, v.toFloatArray()));
        variance.forEach((k, v) -> out.put("v/" + k, v.toFloatArray()));
        return out;
    }

    /** Restores {@link #exportState()} and the step counter. */
    public void importState(Map<String, float[]> state, long steps) {
        for (Map.Entry<String, NDArray> e : mean.entrySet()) {
            restore(e.getValue(), state.get("m/" + e.getKey()), "m/" + e.getKey());
        }
        for (Map.Entry<String, NDArray> e : variance.entrySet()) {
            restore(e.getValue(), state.get("v/" + e.getKey()), "v/" + e.getKey());
        }
        this.steps = steps;
    }

    private static void restore(NDArray target, float[] values, String name) {
        if (values == null || values.length != target.size()) {
            throw new IllegalArgumentException("optimizer state " + name + " is missing or has the wrong size");
        }
        OwnedArrays.copyInto(target, values);
    }

    /** Builder: {@code setParameters} and {@code setLearningRate} are required. */
    public static final class Builder {
        private ParameterSet params;
        private float learningRate = Float.NaN;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private float clipNorm = 0f;

        public Builder setParameters(ParameterSet params) {
            this.params = params;
            return this;
        }

        public Builder setLearningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optBetas(float beta1, float beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** Clip the global gradient norm to this value; 0 (the default) disables clipping. */
        public Builder optClipNorm(float clipNorm) {
            this.clipNorm = clipNorm;
            return this;
        }

        public Adam build() {
            if (params == null) {
                throw new IllegalStateException("Adam needs setParameters");
            }
            if (!(learningRate >= 0)) {
                throw new IllegalStateException("Adam needs a non-negative setLearningRate, got " + learningRate);
            }
            return new Adam(this);
        }
    }
}
