/**
 * The ebm-learner service: owns the energy network (and its evaluation EMA); per trajectory batch
 * it takes one energy step on fresh data against the batch's samples x_T, then publishes the new
 * EBM snapshot. It reports the bad records of the trajectories, spec, policy and value topics.
 */
package io.dxmi.ebmlearner;
