/**
 * What the DxMI services share: the run's topics and plan, the messages that carry trajectories
 * and weight snapshots, the learners' loop and checkpoints. Joins the core (the method, no
 * Kafka) and the platform (Kafka plumbing, no DxMI); each service module is thin glue on top.
 *
 * <p>Concurrency: the services' work is blocking and runs on threads they own (one training
 * thread per learner, one loop thread per actor or evaluator, one reader thread per followed
 * snapshot topic); those threads hand results over with {@code CompletableFuture}s. Vert.x
 * {@code Future}s appear only where the platform's asynchronous API is called, and are turned
 * into {@code CompletableFuture}s there; the learners' record handlers run on their Vert.x
 * context and never block.
 */
package io.dxmi.pipeline;
