package io.dxmi.core.diffusion;

/**
 * A discrete DDPM noise schedule β_1 … β_N (indexed 0 … N−1 here) and its cumulative
 * products ᾱ_t = Π_{s ≤ t} (1 − β_s), in double precision.
 */
public final class NoiseSchedule {

    private final double betaStart;
    private final double betaEnd;
    private final double[] betas;
    private final double[] alphaBars;

    private NoiseSchedule(int steps, double betaStart, double betaEnd) {
        if (steps < 1) {
            throw new IllegalArgumentException("a schedule needs at least one step, got " + steps);
        }
        if (!(betaStart > 0 && betaEnd < 1 && betaStart <= betaEnd)) {
            throw new IllegalArgumentException("need 0 < betaStart <= betaEnd < 1, got " + betaStart + ", " + betaEnd);
        }
        this.betaStart = betaStart;
        this.betaEnd = betaEnd;
        betas = new double[steps];
        alphaBars = new double[steps];
        double prod = 1;
        for (int t = 0; t < steps; t++) {
            betas[t] = steps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * t / (steps - 1);
            prod *= 1 - betas[t];
            alphaBars[t] = prod;
        }
    }

    /** Linear β from {@code betaStart} to {@code betaEnd} over {@code steps} steps. */
    public static NoiseSchedule linear(int steps, double betaStart, double betaEnd) {
        return new NoiseSchedule(steps, betaStart, betaEnd);
    }

    /** The DDPM default: linear 1e-4 … 0.02. */
    public static NoiseSchedule linear(int steps) {
        return new NoiseSchedule(steps, 1e-4, 0.02);
    }

    public int steps() {
        return betas.length;
    }

    public double beta(int t) {
        return betas[t];
    }

    /** ᾱ_t; by convention ᾱ_{−1} = 1 (clean data). */
    public double alphaBar(int t) {
        return t < 0 ? 1.0 : alphaBars[t];
    }

    public double betaStart() {
        return betaStart;
    }

    public double betaEnd() {
        return betaEnd;
    }

    /**
     * The time value fed to the network for diffusion index t: rescaled to 0…1000 so that
     * schedules of any length use the embedding's frequencies alike.
     */
    public double networkTime(int t) {
        return t * 1000.0 / steps();
    }

    /**
     * Evenly spaced diffusion indices for a T-step sampler, from N−1 down: for N = 1000, T = 5
     * this is 999, 799, 599, 400, 200 (the method page's grid, rounded linspace(N−1, 0, T+1)
     * without its final 0); for T = N every index. The step after the last goes to clean data (index −1).
     */
    public int[] subsequence(int samplerSteps) {
        if (samplerSteps < 1 || samplerSteps > steps()) {
            throw new IllegalArgumentException("sampler steps must be in 1.." + steps() + ", got " + samplerSteps);
        }
        int[] idx = new int[samplerSteps];
        if (samplerSteps == steps()) {
            // The full chain: every index, as the original DDPM sampler.
            for (int k = 0; k < samplerSteps; k++) {
                idx[k] = steps() - 1 - k;
            }
            return idx;
        }
        double top = steps() - 1;
        for (int k = 0; k < samplerSteps; k++) {
            idx[k] = (int) Math.round(top - top * k / samplerSteps);
        }
        return idx;
    }
}
