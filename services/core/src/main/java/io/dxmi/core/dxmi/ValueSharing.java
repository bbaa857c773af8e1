package io.dxmi.core.dxmi;

/** How the energy and the value function are represented. */
public enum ValueSharing {
    /**
     * One time-conditioned network V(x, t), t = 0…T, whose slot t = T is the energy: what the
     * authors recommend for small problems (2D, tabular).
     */
    SHARED,
    /**
     * A separate energy network E(x) and value network V(x, t), t = 0…T−1, with V(·, T) ≡ E:
     * the variant the distributed pipeline uses (the ebm-learner and value-learner each own one).
     */
    SEPARATE
}
