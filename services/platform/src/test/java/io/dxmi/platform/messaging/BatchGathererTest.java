package io.dxmi.platform.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How micro-batches close, on a consumer whose polls move a test clock by the time they wait: at the batch size,
 * at the delay after the poll that brought the first record, empty when idle; records left over from a poll join
 * the next poll's; records of lost partitions are dropped.
 */
class BatchGathererTest {

    private static final TopicPartition P0 = new TopicPartition("frames", 0);
    private static final TopicPartition P1 = new TopicPartition("frames", 1);
    private static final Duration DELAY = Duration.ofMillis(100);
    private static final Duration IDLE = Duration.ofMillis(50);

    private final AtomicLong now = new AtomicLong();
    private final List<Duration> waits = new ArrayList<>();
    private ClockedConsumer consumer;
    private BatchGatherer gatherer;
    private long nextOffset;

    /** A mock consumer whose poll waits, on the test clock, the whole timeout when it has nothing to return. */
    private final class ClockedConsumer extends MockConsumer<String, byte[]> {
        ClockedConsumer() {
            super("earliest");
        }

        @Override
        public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
            waits.add(timeout);
            ConsumerRecords<String, byte[]> records = super.poll(Duration.ZERO);
            if (records.isEmpty()) {
                now.addAndGet(timeout.toNanos());
            }
            return records;
        }
    }

    @BeforeEach
    void setUp() {
        consumer = new ClockedConsumer();
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        gatherer = new BatchGatherer(4, DELAY, IDLE, now::get);
    }

    private void arrive(TopicPartition tp, int count) {
        for (int i = 0; i < count; i++) {
            consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), nextOffset++, "camera", new byte[] {1}));
        }
    }

    private List<ConsumerRecord<String, byte[]>> next() {
        waits.clear();
        return gatherer.next(consumer, () -> true);
    }

    @Test
    void idlePollGivesAnEmptyBatch() {
        assertTrue(next().isEmpty());
        assertEquals(List.of(IDLE), waits);
    }

    @Test
    void aFullBatchClosesAtOnce() {
        arrive(P0, 4);
        assertEquals(4, next().size());
        assertEquals(List.of(IDLE), waits, "no wait once the batch is full");
    }

    @Test
    void aPartialBatchClosesTheDelayAfterItsFirstRecord() {
        arrive(P0, 2);
        List<ConsumerRecord<String, byte[]>> batch = next();
        assertEquals(2, batch.size());
        assertEquals(DELAY.toNanos(), now.get(), "closed when the delay after the arrival had passed");
        assertEquals(List.of(IDLE, DELAY), waits);
    }

    @Test
    void leftoversWaitForTheNextPollAndCloseTheDelayAfterIt() {
        arrive(P0, 6); // one poll returns more than a batch takes
        assertEquals(4, next().size());
        now.addAndGet(DELAY.toNanos()); // the first batch's processing took the whole delay
        arrive(P1, 1);
        long polled = now.get();
        List<ConsumerRecord<String, byte[]>> batch = next();
        assertEquals(3, batch.size(), "the two leftovers and the record the next poll brought");
        assertEquals(List.of(IDLE, DELAY), waits);
        assertEquals(polled + DELAY.toNanos(), now.get(), "closed the delay after that poll");
        assertEquals(0, gatherer.pending());
    }

    @Test
    void leftoversAloneCloseTheDelayAfterAnIdlePoll() {
        arrive(P0, 6);
        assertEquals(4, next().size());
        List<ConsumerRecord<String, byte[]>> leftovers = next();
        assertEquals(List.of(4L, 5L), leftovers.stream().map(ConsumerRecord::offset).toList());
        assertEquals(List.of(IDLE, DELAY), waits);
        assertEquals(IDLE.toNanos() + DELAY.toNanos(), now.get());
    }

    @Test
    void lostPartitionsRecordsAreDroppedAndARewindDrainsTheRest() {
        arrive(P0, 3);
        arrive(P1, 3);
        List<ConsumerRecord<String, byte[]>> batch = next();
        assertEquals(4, batch.size());
        assertEquals(2, gatherer.pending());
        long p1InBatch = batch.stream().filter(r -> r.partition() == P1.partition()).count();
        gatherer.drop(List.of(P1));
        assertEquals(2 - (3 - p1InBatch), gatherer.pending(), "the lost partition's leftovers are dropped, the others kept");
        int kept = gatherer.pending();
        arrive(P0, 6);
        assertEquals(4, next().size());
        assertEquals(kept + 6 - 4, gatherer.drain().size());
        assertEquals(0, gatherer.pending());
    }

    @Test
    void stopsWhenNoLongerRunning() {
        arrive(P0, 2);
        waits.clear();
        assertEquals(0, gatherer.next(consumer, () -> false).size());
        assertTrue(waits.isEmpty());
    }

    @Test
    void refusesAnEmptyBatchSize() {
        assertThrows(IllegalArgumentException.class, () -> new BatchGatherer(0, DELAY, IDLE, now::get));
    }
}
