package io.dxmi.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Group normalisation (Wu & He, 2018), which DJL does not provide: the channels of (n, c, h, w)
 * are split into {@code groups} groups; each group of each sample is normalised by its own mean
 * and (biased) variance over its channels and positions; then a per-channel affine γ, β.
 * Matches PyTorch's {@code nn.GroupNorm} (ε = 1e-5).
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
        long c = s.get(1);
        if (c % groups != 0) {
            throw new IllegalArgumentException(c + " channels do not split into " + groups + " groups");
        }
        NDArray g = x.reshape(n, groups, -1);
        NDArray mean = g.mean(new int[] {2}, true);
        NDArray centred = g.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true);
        NDArray y = centred.div(var.add(epsilon).sqrt()).reshape(s);
        if (gamma != null) {
            y = y.mul(gamma.reshape(1, c, 1, 1));
        }
        if (beta != null) {
            y = y.add(beta.reshape(1, c, 1, 1));
        }
        return y;
    }
}
