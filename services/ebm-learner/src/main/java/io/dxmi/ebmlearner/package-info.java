/**
 * The ebm-learner service: owns the energy network (and its evaluation EMA); per trajectory batch
 * it takes one energy step on fresh data against the batch's samples x_T, then publishes the new
 * EBM snapshot and the rewards (energies of x_T).
 */
package io.dxmi.ebmlearner;
