package io.dxmi.core.dxmi;

/** What the value target charges per step besides the entropy term (docs/method.md, "One iteration"). */
public enum TimeCost {
    /** τ₂ · rc_t, the running velocity cost of the transition (the 2D reference). */
    RUNNING,
    /** The authors' image setting: sigmoid R(t) = σ(c − t) − σ(c − t − 1), c = ⌊T/2⌋. */
    SIGMOID,
    /** A constant R (the "linear" ablation), {@link DxmiConfig#timeCostConstant()}. */
    CONSTANT;

    /** R(t) for the fixed time costs; 0 for RUNNING (whose cost depends on the transition). */
    public double fixedCost(int t, int steps, double constant) {
        switch (this) {
            case SIGMOID: {
                double c = Math.floor(steps / 2.0);
                return logistic(c - t) - logistic(c - t - 1);
            }
            case CONSTANT:
                return constant;
            default:
                return 0;
        }
    }

    private static double logistic(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
