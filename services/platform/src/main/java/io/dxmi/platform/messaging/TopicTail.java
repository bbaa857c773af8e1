package io.dxmi.platform.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.dxmi.platform.config.KafkaSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The newest record of one partition that a reader accepts, found by reading back from the end
 * in growing windows (16 records, then four times more each time), so that a producer restarting
 * on a long topic reads only its tail. For a producer that keeps its position in what it sent (a
 * stateless service continuing where it left off) rather than in a file of its own.
 */
public final class TopicTail {

    private static final int FIRST_WINDOW = 16;

    private TopicTail() {
    }

    /**
     * The value {@code accept} makes of the newest record it accepts (it returns null for a record it
     * does not), with the record's offset; empty when the partition holds none.
     *
     * @throws TimeoutException when the partition cannot be read within {@code timeout}
     */
    public static <T> Optional<Found<T>> newest(KafkaSettings settings, TopicPartition partition,
            Function<ConsumerRecord<String, byte[]>, T> accept, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> props = new HashMap<>(settings.consumerProperties(null));
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = List.of(partition);
            c.assign(tps);
            long begin = c.beginningOffsets(tps, timeout).get(partition);
            long to = c.endOffsets(tps, timeout).get(partition);
            long window = FIRST_WINDOW;
            while (to > begin) {
                long from = Math.max(begin, to - window);
                Found<T> found = null;
                c.seek(partition, from);
                // Read [from, to); a later record accepted replaces an earlier one.
                while (c.position(partition, timeout) < to) {
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException("reading back " + partition + " took over " + timeout.toSeconds() + " s");
                    }
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        if (r.offset() < to) {
                            T value = accept.apply(r);
                            if (value != null) {
                                found = new Found<>(value, r.offset());
                            }
                        }
                    }
                }
                if (found != null) {
                    return Optional.of(found);
                }
                to = from;
                window *= 4;
            }
            return Optional.empty();
        }
    }

    /** What the reader made of the record, and its offset. */
    public record Found<T>(T value, long offset) {
    }
}
