package io.dxmi.platform.messaging;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.platform.config.KafkaSettings;
import io.vertx.core.Future;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The default {@link DeadLetterPublisher}: a small self-describing JSON envelope on a dead-letter topic.
 *
 * <p>JSON so that an operator can read dead letters with any console consumer without the service's codec; the
 * original key and payload travel base64-encoded, unchanged, so a fixed service can replay them.
 */
public final class DeadLetters {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STACK_CHARS = 4_000;

    private DeadLetters() {
    }

    /**
     * The envelope written by {@link #toTopic}.
     *
     * @param sourceTopic topic of the rejected record
     * @param partition its partition
     * @param offset its offset
     * @param reason the failure message ({@code Class: message})
     * @param exceptionClass the failure's class name
     * @param stackTrace the failure's stack trace, truncated
     * @param timestampMs when it was dead-lettered
     * @param key the original key bytes (base64 in JSON)
     * @param payload the original payload bytes (base64 in JSON)
     */
    public record Envelope(String sourceTopic, int partition, long offset, String reason, String exceptionClass,
            String stackTrace, long timestampMs, byte[] key, byte[] payload) {
    }

    /**
     * A publisher that writes {@link Envelope}s to {@code topic} through {@code producer} (not closed by it), keyed by
     * the source record's coordinates ({@link #keyOf}).
     */
    public static DeadLetterPublisher toTopic(Producer producer, String topic) {
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(topic, "topic");
        return (sourceTopic, partition, offset, key, payload, reason) -> {
            byte[] bytes;
            try {
                bytes = encode(new Envelope(sourceTopic, partition, offset, describe(reason),
                        reason == null ? null : reason.getClass().getName(), stackTrace(reason), System.currentTimeMillis(), key,
                        payload));
            } catch (IOException e) {
                return Future.failedFuture(e);
            }
            return producer.send(topic, keyOf(sourceTopic, partition, offset), bytes).mapEmpty();
        };
    }

    /** The key of a dead letter: its source record's coordinates, {@code topic/partition/offset}. */
    public static String keyOf(String sourceTopic, int partition, long offset) {
        return sourceTopic + "/" + partition + "/" + offset;
    }

    /**
     * A publisher that sends each source record to {@code topic} at most once, also across restarts: it first reads
     * the keys the topic already holds (blocking; dead-letter topics are small), then remembers what it sends. For the
     * one service that reports a topic's bad records; a record another process reports meanwhile is not seen.
     */
    public static DeadLetterPublisher once(Producer producer, KafkaSettings settings, String topic) {
        Set<String> reported = ConcurrentHashMap.newKeySet();
        Map<String, Object> props = new HashMap<>(settings.consumerProperties(null));
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> reported.add(String.valueOf(r.key())));
            }
        }
        DeadLetterPublisher send = toTopic(producer, topic);
        return (sourceTopic, partition, offset, key, payload, reason) -> {
            String k = keyOf(sourceTopic, partition, offset);
            if (!reported.add(k)) {
                return Future.succeededFuture(); // reported before (by this service, or before its restart)
            }
            return send.publish(sourceTopic, partition, offset, key, payload, reason).onFailure(e -> reported.remove(k));
        };
    }

    /** Serialises an envelope. */
    public static byte[] encode(Envelope e) throws IOException {
        return JSON.writeValueAsBytes(e);
    }

    /** Reads an envelope written by {@link #toTopic}. */
    public static Envelope decode(byte[] bytes) throws IOException {
        return JSON.readValue(bytes, Envelope.class);
    }

    /** {@code Class: message} of a failure, following to the root cause's message when the top has none. */
    public static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        Throwable root = t;
        while (root.getMessage() == null && root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static String stackTrace(Throwable t) {
        if (t == null) {
            return null;
        }
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > MAX_STACK_CHARS ? s.substring(0, MAX_STACK_CHARS) + "..." : s;
    }
}
