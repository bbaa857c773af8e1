package io.dxmi.core.dxmi;

/**
 * Adaptive velocity regularisation: one velocity scale s_t² per step, an EMA of the batch's
 * mean squared step, s_t² ← α s_t² + (1 − α)·mean((x_{t+1} − x_t)²).
 *
 * <p>The first update sets s_t² to the measured value rather than to σ_t² as in the paper: a
 * last σ of 1e-3 would make that step's velocity cost explode (docs/method.md, "Conventions that matter").
 */
public final class Avr {

    private final double decay;
    private double[] scales;
    private boolean initialized;

    public Avr(int steps, double decay) {
        this.decay = decay;
        this.scales = new double[steps];
    }

    /** Folds in one batch's mean squared step per t. */
    public void update(double[] meanSquaredSteps) {
        if (meanSquaredSteps.length != scales.length) {
            throw new IllegalArgumentException("expected " + scales.length + " steps, got " + meanSquaredSteps.length);
        }
        for (int t = 0; t < scales.length; t++) {
            double m = Math.max(meanSquaredSteps[t], 1e-12);
            scales[t] = initialized ? decay * scales[t] + (1 - decay) * m : m;
        }
        initialized = true;
    }

    /** s_t² for every step. */
    public double[] scales() {
        return scales.clone();
    }

    public boolean isInitialized() {
        return initialized;
    }

    /** Restores a saved state. */
    public void restore(double[] savedScales, boolean savedInitialized) {
        if (savedScales.length != scales.length) {
            throw new IllegalArgumentException("saved AVR state has " + savedScales.length + " steps, expected "
                    + scales.length);
        }
        scales = savedScales.clone();
        initialized = savedInitialized;
    }
}
