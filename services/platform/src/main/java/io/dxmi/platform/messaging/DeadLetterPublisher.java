package io.dxmi.platform.messaging;

import io.vertx.core.Future;

/**
 * Where records that cannot be processed go, with the reason. The platform's default writes a JSON envelope to a
 * dead-letter topic ({@link DeadLetters#toTopic}); a service may plug in its own (for example an Avro envelope).
 */
@FunctionalInterface
public interface DeadLetterPublisher {

    /**
     * Publishes one dead letter. The consumer commits past the source record only after this future completes.
     *
     * @param sourceTopic the topic the record came from
     * @param partition its partition
     * @param offset its offset
     * @param key its key bytes (may be null)
     * @param payload its value bytes, unchanged (may be null)
     * @param reason why it was rejected
     */
    Future<Void> publish(String sourceTopic, int partition, long offset, byte[] key, byte[] payload, Throwable reason);
}
