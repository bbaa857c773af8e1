/**
 * The value-learner service: owns the value network and the policy (sampler network and σ);
 * per trajectory batch it runs AVR, the TD steps and the policy step, with the energy from the
 * newest EBM snapshot, and publishes the new policy.
 */
package io.dxmi.valuelearner;
