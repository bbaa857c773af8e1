package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import io.dxmi.core.engine.OwnedArrays;

/**
 * The losses of one DxMI iteration (docs/method.md, "One iteration"), in the authors' per-dimension
 * convention: running costs are means over dimensions and the entropy term is log σ, not
 * D·log σ.
 */
public final class DxmiLosses {

    private DxmiLosses() {}

    /** L_E = mean E(x⁺) − mean E(x_T) + γ (mean E(x⁺)² + mean E(x_T)²). */
    public static NDArray energy(NDArray energyData, NDArray energySamples, float gamma) {
        NDArray loss = energyData.mean().sub(energySamples.mean());
        if (gamma != 0f) {
            loss = loss.add(OwnedArrays.mul(energyData.square().mean().add(energySamples.square().mean()), gamma));
        }
        return loss;
    }

    /**
     * The energy loss's share of extra negatives x⁻ (for example uniform points of a box):
     * −mean E(x⁻) + γ mean E(x⁻)²; weighted by λ and added to {@link #energy}.
     */
    public static NDArray extraNegatives(NDArray energyNegatives, float gamma) {
        NDArray loss = energyNegatives.mean().neg();
        if (gamma != 0f) {
            loss = loss.add(OwnedArrays.mul(energyNegatives.square().mean(), gamma));
        }
        return loss;
    }

    /**
     * rc = mean over dimensions of (x' − x)² / (2 s²), one value per sample: (n, shape…) → (n, 1).
     *
     * @param scale2 s² as a scalar or an (n, 1) column
     */
    public static NDArray runningCost(NDArray next, NDArray current, NDArray scale2) {
        return meanSquaredStep(next, current).div(OwnedArrays.mul(scale2, 2f));
    }

    /** The same with a scalar s². */
    public static NDArray runningCost(NDArray next, NDArray current, double scale2) {
        return OwnedArrays.div(meanSquaredStep(next, current), (float) (2 * scale2));
    }

    /** mean over each sample's values of (x' − x)²: (n, shape…) → (n, 1). */
    private static NDArray meanSquaredStep(NDArray next, NDArray current) {
        NDArray d = next.sub(current).square();
        return d.reshape(d.getShape().get(0), -1).mean(new int[] {1}, true);
    }

    /** L_V = mean (V(x_t, t) − target)². */
    public static NDArray temporalDifference(NDArray value, NDArray target) {
        return value.sub(target).square().mean();
    }

    /**
     * L_π = mean [V(x_{t+1}(φ), t+1) + τ₂·rc_t] − τ₁·mean log σ_t.
     *
     * @param nextValue V at the reparametrised next states, (n, 1)
     * @param runningCost rc of those transitions, (n, 1)
     * @param logSigma log σ of each row's step, (n, 1)
     */
    public static NDArray policy(NDArray nextValue, NDArray runningCost, NDArray logSigma, float tauEntropy,
            float tauVelocity) {
        NDArray loss = nextValue.mean();
        if (tauVelocity != 0f) {
            loss = loss.add(OwnedArrays.mul(runningCost.mean(), tauVelocity));
        }
        if (tauEntropy != 0f) {
            loss = loss.sub(OwnedArrays.mul(logSigma.mean(), tauEntropy));
        }
        return loss;
    }
}
