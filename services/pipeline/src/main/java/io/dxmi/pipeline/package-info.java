/**
 * What the DxMI services share: the run's topics, its specification, and the messages that
 * carry trajectories, rewards and weight snapshots. Joins the core (the method, no Kafka) and
 * the platform (Kafka plumbing, no DxMI); each service module is thin glue on top of this.
 */
package io.dxmi.pipeline;
