/**
 * At-least-once byte[] messaging over Kafka on Vert.x: a producer, a consumer with asynchronous handlers, partition-level backpressure and offset tracking, and dead letters for records that cannot be processed. Payload encoding belongs to the services.
 */
package io.dxmi.platform.messaging;
