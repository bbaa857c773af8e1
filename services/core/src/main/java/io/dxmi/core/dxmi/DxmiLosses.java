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
        return energy(energyData, energySamples, gamma, gamma);
    }

    /**
     * {@link #energy(NDArray, NDArray, float)} with the square term split by sign: γ₊ on the positive parts of
     * the energies, γ on the negative ones (γ₊ = γ: the symmetric term, computed as such).
     */
    public static NDArray energy(NDArray energyData, NDArray energySamples, float gamma, float gammaPositive) {
        NDArray loss = energyData.mean().sub(energySamples.mean());
        if (gamma == gammaPositive) {
            if (gamma != 0f) {
                loss = loss.add(OwnedArrays.mul(energyData.square().mean().add(energySamples.square().mean()), gamma));
            }
            return loss;
        }
        return loss.add(squareTerm(energyData, gamma, gammaPositive)).add(squareTerm(energySamples, gamma, gammaPositive));
    }

    /**
     * The energy loss's share of extra negatives x⁻ (for example uniform points of a box):
     * −mean E(x⁻) + γ mean E(x⁻)²; weighted by λ and added to {@link #energy}.
     */
    public static NDArray extraNegatives(NDArray energyNegatives, float gamma) {
        return extraNegatives(energyNegatives, gamma, gamma);
    }

    /** {@link #extraNegatives(NDArray, float)} with the square term split by sign as in {@link #energy(NDArray, NDArray, float, float)}. */
    public static NDArray extraNegatives(NDArray energyNegatives, float gamma, float gammaPositive) {
        NDArray loss = energyNegatives.mean().neg();
        if (gamma == gammaPositive) {
            if (gamma != 0f) {
                loss = loss.add(OwnedArrays.mul(energyNegatives.square().mean(), gamma));
            }
            return loss;
        }
        return loss.add(squareTerm(energyNegatives, gamma, gammaPositive));
    }

    /** γ₊ · mean max(E, 0)² + γ · mean min(E, 0)². */
    private static NDArray squareTerm(NDArray energies, float gamma, float gammaPositive) {
        NDArray above = OwnedArrays.maximum(energies, 0f).square().mean();
        NDArray below = OwnedArrays.minimum(energies, 0f).square().mean();
        return OwnedArrays.mul(above, gammaPositive).add(OwnedArrays.mul(below, gamma));
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
