package io.dxmi.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.dxmi.core.engine.FusedKernels;

/**
 * Group normalisation (Wu & He, 2018), which DJL does not provide: the channels of (n, c, h, w)
 * are split into {@code groups} groups; each group of each sample is normalised by its own mean
 * and (biased) variance over its channels and positions; then a per-channel affine γ, β.
 * Matches PyTorch's {@code nn.GroupNorm} (ε = 1e-5).
 *
 * <p>With both γ and β (the networks' case) it is PyTorch's own fused {@code group_norm} kernel
 * ({@link FusedKernels}), optionally with the SiLU that follows it in a residual block; without
 * them, PyTorch's fused layer normalisation over each (sample, group) row of the reshaped
 * (n, groups, c/groups·h·w) tensor. Either is several times faster forward and backward than the
 * same statistics composed of element-wise operations, which dominated a UNet step on a CPU.
 */
public final class GroupNorm {

    /** PyTorch's default ε. */
    public static final float EPSILON = 1e-5f;

    private GroupNorm() {}

    /**
     * @param x (n, c, h, w) with c divisible by {@code groups}
     * @param gamma (c) scale, or null for none
     * @param beta (c) shift, or null for none
     */
    public static NDArray apply(NDArray x, int groups, NDArray gamma, NDArray beta, float epsilon) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = checkGroups(s, groups);
        if (gamma != null && beta != null) {
            return FusedKernels.groupNorm(x, groups, gamma, beta, epsilon, false);
        }
        long per = s.size() / (n * groups);
        NDManager m = x.getManager();
        Shape row = new Shape(per);
        NDArray y = JniUtils.layerNorm((PtNDArray) x.reshape(n, groups, per), row, (PtNDArray) m.ones(row),
                (PtNDArray) m.zeros(row), epsilon).reshape(s);
        // A view of a parameter joins the parameter's manager: moved to the input's, it is freed with the step's
        // temporaries instead of piling up in the model's manager, one per call.
        if (gamma != null) {
            NDArray g = gamma.reshape(1, c, 1, 1);
            g.attach(m);
            y = y.mul(g);
        }
        if (beta != null) {
            NDArray b = beta.reshape(1, c, 1, 1);
            b.attach(m);
            y = y.add(b);
        }
        return y;
    }

    /** SiLU(GroupNorm(x)) with the affine γ, β: one fused kernel each way (the pair that opens every residual block). */
    public static NDArray applySilu(NDArray x, int groups, NDArray gamma, NDArray beta, float epsilon) {
        checkGroups(x.getShape(), groups);
        return FusedKernels.groupNorm(x, groups, gamma, beta, epsilon, true);
    }

    /** The channel count of (n, c, h, w), refused when it does not split into {@code groups}. */
    private static long checkGroups(Shape s, int groups) {
        long c = s.get(1);
        if (groups < 1 || c % groups != 0) {
            throw new IllegalArgumentException(c + " channels do not split into " + groups + " groups");
        }
        return c;
    }
}
