/**
 * Kafka messaging on Vert.x: a producer, a consumer of given partitions with asynchronous handlers
 * and partition-level backpressure, retries through broker outages, and dead letters for records
 * that cannot be processed. Payload encoding belongs to the services.
 *
 * <p>Concurrency, as in the whole platform: asynchronous APIs return Vert.x {@code Future}s and
 * keep their state on one Vert.x context; what is blocking by nature runs on a thread the class
 * owns or on the caller's (worker) thread, and its documentation says which.
 */
package io.dxmi.platform.messaging;
