package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dxmi.core.diffusion.NoiseSchedule;
import io.dxmi.core.diffusion.StepCoefficients;
import io.dxmi.core.random.Rng;
import io.dxmi.core.engine.OwnedArrays;

/**
 * Starting σ_k of a few-step sampler from the pretrained network's own noise-prediction residual
 * on the data (the "NPR" variance of Bao et al., 2022). A step from diffusion index t to s
 * draws x_s = √ᾱ_s x̂₀ + c ε̂ + σ ξ, with x̂₀ the network's estimate of the clean point; the true
 * x_s given x_t also carries the uncertainty of x₀, which the schedule's σ (λ, the DDIM η = 1
 * value) leaves out:
 *
 * <pre>
 *   σ_k² = λ_k² + (√ᾱ_s − c √(ᾱ_t / (1 − ᾱ_t)))² · (1 − ᾱ_t)/ᾱ_t · E‖ε − ε̂(x_t, t)‖² / D
 * </pre>
 *
 * The last step (to clean data) has λ = 0 and c = 0: its σ is the mean posterior spread of x₀,
 * where the schedule puts none. Few steps over data with thin or unevenly weighted structure
 * leave samples too narrow (each step's mean is a posterior mean); these variances undo most of
 * that before DxMI starts (docs/method.md, "Conventions that matter": measurements found the
 * last σ learning its way to about this value on 8 Gaussians).
 */
public final class ResidualSigmas {

    /** Data rows over which the residual of each step is averaged. */
    public static final int ROWS = 10_000;
    private static final long SEED = 0x5161L;

    private ResidualSigmas() {}

    /**
     * σ_0 … σ_{T−1} for the sampler's steps.
     *
     * @param modelRows data rows in model space, row-major
     */
    public static float[] estimate(FewStepSampler sampler, float[] modelRows, NDManager manager) {
        int dim = sampler.dimension();
        int n = modelRows.length / dim;
        int steps = sampler.steps();
        StepCoefficients c = sampler.coefficients();
        NoiseSchedule schedule = sampler.schedule();
        Rng rng = new Rng(SEED);
        int e = sampler.network().embedding().dimension();
        float[] sigmas = new float[steps];
        for (int k = 0; k < steps; k++) {
            int t = c.diffusionIndex(k);
            double abT = schedule.alphaBar(t);
            double abS = k + 1 < steps ? schedule.alphaBar(c.diffusionIndex(k + 1)) : 1.0;
            double lambda2 = (double) c.sigma(k) * c.sigma(k);
            double residual;
            try (NDManager scope = manager.newSubManager()) {
                float[] eps = rng.gaussians(n * dim);
                float[] xt = new float[n * dim];
                float a = (float) Math.sqrt(abT);
                float b = (float) Math.sqrt(1 - abT);
                for (int i = 0; i < xt.length; i++) {
                    xt[i] = a * modelRows[i] + b * eps[i];
                }
                NDArray pred = sampler.network().forward(OwnedArrays.create(scope, xt, new Shape(n, dim)),
                        OwnedArrays.create(scope, sampler.timeEmbedding(k, n), new Shape(n, e)));
                residual = pred.sub(OwnedArrays.create(scope, eps, new Shape(n, dim))).square().mean().getFloat();
            }
            double direction = Math.sqrt(Math.max(0, 1 - abS - lambda2));
            double coefficient = Math.sqrt(abS) - direction * Math.sqrt(abT / (1 - abT));
            double variance = lambda2 + coefficient * coefficient * (1 - abT) / abT * residual;
            sigmas[k] = (float) Math.sqrt(variance);
        }
        return sigmas;
    }
}
