package io.dxmi.core.dxmi;

/**
 * What one iteration of Algorithm 1 measured.
 *
 * @param iteration the iteration's number (1-based: iterations done after it)
 * @param energyLoss L_E
 * @param energyData mean E(x⁺)
 * @param energySamples mean E(x_T)
 * @param valueLoss mean of the T TD losses
 * @param policyLoss L_π
 * @param sigmas σ_t after the iteration
 * @param drawnSigmas per step, the geometric mean over the iteration's batch of the σ its states drew:
 *     σ_t · exp(s(x_t, t)) with the sampler's σ network, σ_t (the same array) without one
 * @param velocityScales s_t² used in the iteration
 * @param skippedUpdates updates refused because a loss or gradient was not finite
 * @param recovered whether the trainer restored its last good state after this iteration
 * @param policyGradientRms the root mean square of the sampler network's gradient in the policy step, before
 *     clipping (NaN without one): how much the energy had to say to the sampler, on the scale of its Adam's ε
 */
public record IterationStats(long iteration, double energyLoss, double energyData, double energySamples,
        double valueLoss, double policyLoss, float[] sigmas, float[] drawnSigmas, double[] velocityScales,
        int skippedUpdates, boolean recovered, double policyGradientRms) {

    /** The last step's σ as drawn: what progress lines show as {@code sigma_T}. */
    public double lastDrawnSigma() {
        return drawnSigmas[drawnSigmas.length - 1];
    }
}
