package io.dxmi.core.diffusion;

/**
 * The affine coefficients of a T-step ancestral (DDIM η = 1) sampler on a subsequence of a
 * DDPM schedule. Step k goes from diffusion index t_k to s = t_{k+1} (or to clean data after
 * the last step):
 *
 * <pre>
 *   σ_k² = (1 − ᾱ_s)/(1 − ᾱ_t) · (1 − ᾱ_t/ᾱ_s)
 *   x̂₀ = (x − √(1 − ᾱ_t) ε̂) / √ᾱ_t
 *   x' = √ᾱ_s x̂₀ + √(1 − ᾱ_s − σ_k²) ε̂ + σ_k ξ  =  a_k x + b_k ε̂ + σ_k ξ
 * </pre>
 *
 * For DxMI the coefficients a_k, b_k stay frozen at their schedule values while σ_k becomes
 * learnable (dxmi-method.md §8).
 */
public final class StepCoefficients {

    private final int[] indices;
    private final float[] a;
    private final float[] b;
    private final float[] sigma;

    private StepCoefficients(int[] indices, float[] a, float[] b, float[] sigma) {
        this.indices = indices;
        this.a = a;
        this.b = b;
        this.sigma = sigma;
    }

    public static StepCoefficients ancestral(NoiseSchedule schedule, int samplerSteps) {
        int[] idx = schedule.subsequence(samplerSteps);
        float[] a = new float[samplerSteps];
        float[] b = new float[samplerSteps];
        float[] sigma = new float[samplerSteps];
        for (int k = 0; k < samplerSteps; k++) {
            double abT = schedule.alphaBar(idx[k]);
            double abS = k + 1 < samplerSteps ? schedule.alphaBar(idx[k + 1]) : 1.0;
            double var = (1 - abS) / (1 - abT) * (1 - abT / abS);
            var = Math.max(0, var);
            double dirCoef = Math.sqrt(Math.max(0, 1 - abS - var));
            a[k] = (float) (Math.sqrt(abS) / Math.sqrt(abT));
            b[k] = (float) (dirCoef - Math.sqrt(abS) * Math.sqrt(1 - abT) / Math.sqrt(abT));
            sigma[k] = (float) Math.sqrt(var);
        }
        return new StepCoefficients(idx, a, b, sigma);
    }

    public int steps() {
        return indices.length;
    }

    public int diffusionIndex(int k) {
        return indices[k];
    }

    public float a(int k) {
        return a[k];
    }

    public float b(int k) {
        return b[k];
    }

    /** The schedule's noise std of step k (0 for the last). */
    public float sigma(int k) {
        return sigma[k];
    }
}
