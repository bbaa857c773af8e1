package io.dxmi.core.diffusion;

/**
 * The affine coefficients of a T-step ancestral (DDIM η = 1) sampler derived from a DDPM. Step k
 * goes from noise level ᾱ_k to the next level ᾱ'_k (clean data, ᾱ' = 1, after the last step):
 *
 * <pre>
 *   σ_k² = (1 − ᾱ')/(1 − ᾱ) · (1 − ᾱ/ᾱ')
 *   x̂₀ = (x − √(1 − ᾱ) ε̂) / √ᾱ
 *   x' = √ᾱ' x̂₀ + √(1 − ᾱ' − σ_k²) ε̂ + σ_k ξ  =  a_k x + b_k ε̂ + σ_k ξ
 * </pre>
 *
 * Two ways to choose the T noise levels ({@link Spacing}): evenly spaced steps of the DDPM's
 * schedule, or FastDPM's quadratic variance schedule (the official DxMI image code's VAR sampler),
 * whose levels fall between the DDPM's steps and reach the network at continuous times. For
 * DxMI the coefficients a_k, b_k stay frozen while σ_k becomes learnable.
 *
 * <p>A σ scale κ in [0, 1] (FastDPM's and DDIM's η) replaces σ_k by κ·σ_k in both places it enters (the
 * noise and the ε̂ direction's coefficient): κ = 1 is the ancestral sampler above (the official code's
 * setting), κ = 0 the deterministic DDIM sampler.
 */
public final class StepCoefficients {

    /** How the T noise levels are chosen. */
    public enum Spacing {
        /** Evenly spaced indices of the DDPM's schedule ({@link NoiseSchedule#subsequence}). */
        UNIFORM,
        /**
         * FastDPM's "VAR" schedule as the official DxMI code uses it: per-step noise variances
         * β̂_i = β₁(1 + i·c)², with c the largest value up to 0.95/(√β₁·T) for which Π(1 − β̂_i) stays
         * above the DDPM's final ᾱ, each level mapped to the continuous DDPM time with the same ᾱ.
         * For T = 10 the bound binds (β̂ = 1e-4, 0.011025, …, 0.748225, the official values): the
         * first step treats its N(0, I) input as the level ᾱ ≈ 0.02 (time ≈ 617), not pure noise.
         */
        QUADRATIC
    }

    private final double[] networkTimes;
    private final double[] levels;
    private final int[] indices;
    private final float[] a;
    private final float[] b;
    private final float[] sigma;

    private StepCoefficients(double[] networkTimes, int[] indices, double[] levels, double sigmaScale) {
        int steps = levels.length;
        this.networkTimes = networkTimes;
        this.levels = levels.clone();
        this.indices = indices;
        this.a = new float[steps];
        this.b = new float[steps];
        this.sigma = new float[steps];
        for (int k = 0; k < steps; k++) {
            double abT = levels[k];
            double abS = k + 1 < steps ? levels[k + 1] : 1.0;
            double var = sigmaScale * sigmaScale * Math.max(0, (1 - abS) / (1 - abT) * (1 - abT / abS));
            double dirCoef = Math.sqrt(Math.max(0, 1 - abS - var));
            a[k] = (float) (Math.sqrt(abS) / Math.sqrt(abT));
            b[k] = (float) (dirCoef - Math.sqrt(abS) * Math.sqrt(1 - abT) / Math.sqrt(abT));
            sigma[k] = (float) Math.sqrt(var);
        }
    }

    /** Evenly spaced steps of the schedule. */
    public static StepCoefficients ancestral(NoiseSchedule schedule, int samplerSteps) {
        return of(schedule, samplerSteps, Spacing.UNIFORM);
    }

    public static StepCoefficients of(NoiseSchedule schedule, int samplerSteps, Spacing spacing) {
        return of(schedule, samplerSteps, spacing, 1.0);
    }

    /**
     * As {@link #of(NoiseSchedule, int, Spacing)} with each σ_k scaled by {@code sigmaScale} (κ).
     *
     * @throws IllegalArgumentException when κ is not in [0, 1]
     */
    public static StepCoefficients of(NoiseSchedule schedule, int samplerSteps, Spacing spacing, double sigmaScale) {
        if (!(sigmaScale >= 0 && sigmaScale <= 1)) {
            throw new IllegalArgumentException("the sigma scale must be in [0, 1], got " + sigmaScale);
        }
        if (spacing == Spacing.QUADRATIC && samplerSteps < schedule.steps()) {
            return quadratic(schedule, samplerSteps, sigmaScale);
        }
        int[] idx = schedule.subsequence(samplerSteps);
        double[] levels = new double[samplerSteps];
        double[] times = new double[samplerSteps];
        for (int k = 0; k < samplerSteps; k++) {
            levels[k] = schedule.alphaBar(idx[k]);
            times[k] = schedule.networkTime(idx[k]);
        }
        return new StepCoefficients(times, idx, levels, sigmaScale);
    }

    private static StepCoefficients quadratic(NoiseSchedule schedule, int samplerSteps, double sigmaScale) {
        int n = schedule.steps();
        double target = schedule.alphaBar(n - 1);
        double beta0 = schedule.betaStart();
        // Bisection on c: Π(1 − β₁(1 + i·c)²) falls as c grows.
        double lo = 0;
        double hi = 0.95 / Math.sqrt(beta0) / samplerSteps;
        for (int it = 0; it < 200; it++) {
            double mid = (lo + hi) / 2;
            if (quadraticProduct(beta0, mid, samplerSteps) > target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double c = (lo + hi) / 2;
        // Cumulative levels from clean to noisy; the sampler runs them from noisy to clean.
        double[] cumulative = new double[samplerSteps];
        double prod = 1;
        for (int i = 0; i < samplerSteps; i++) {
            double bi = beta0 * (1 + i * c) * (1 + i * c);
            prod *= 1 - bi;
            cumulative[i] = prod;
        }
        double[] levels = new double[samplerSteps];
        double[] times = new double[samplerSteps];
        for (int k = 0; k < samplerSteps; k++) {
            levels[k] = cumulative[samplerSteps - 1 - k];
            times[k] = continuousIndex(schedule, levels[k]) * 1000.0 / n;
        }
        return new StepCoefficients(times, null, levels, sigmaScale);
    }

    private static double quadraticProduct(double beta0, double c, int steps) {
        double prod = 1;
        for (int i = 0; i < steps; i++) {
            double bi = beta0 * (1 + i * c) * (1 + i * c);
            prod *= 1 - Math.min(bi, 1);
        }
        return prod;
    }

    /** The fractional DDPM index whose ᾱ is {@code level}, interpolating log ᾱ between steps. */
    static double continuousIndex(NoiseSchedule schedule, double level) {
        int n = schedule.steps();
        if (level >= schedule.alphaBar(0)) {
            return 0;
        }
        for (int i = 0; i + 1 < n; i++) {
            double hi = schedule.alphaBar(i);
            double lo = schedule.alphaBar(i + 1);
            if (level <= hi && level >= lo) {
                return i + (Math.log(hi) - Math.log(level)) / (Math.log(hi) - Math.log(lo));
            }
        }
        return n - 1;
    }

    public int steps() {
        return a.length;
    }

    /**
     * The DDPM index of step k; only for uniform spacing, whose levels are the schedule's own.
     *
     * @throws IllegalStateException for quadratic spacing (use {@link #networkTime})
     */
    public int diffusionIndex(int k) {
        if (indices == null) {
            throw new IllegalStateException("quadratic steps sit between the schedule's indices");
        }
        return indices[k];
    }

    /** The noise level ᾱ that step k starts from. */
    public double level(int k) {
        return levels[k];
    }

    /** The time fed to the ε-network at step k (0…1000, as {@link NoiseSchedule#networkTime}). */
    public double networkTime(int k) {
        return networkTimes[k];
    }

    public float a(int k) {
        return a[k];
    }

    public float b(int k) {
        return b[k];
    }

    /** The noise std of step k: the schedule's, times the σ scale κ (0 for the last step). */
    public float sigma(int k) {
        return sigma[k];
    }
}
