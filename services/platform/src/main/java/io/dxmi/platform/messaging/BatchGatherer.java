package io.dxmi.platform.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Forms the micro-batches of {@link TransactionalBatchLoop}: up to {@code maxBatch} records, closed at the latest
 * {@code maxDelay} after the poll that brought the first of them. A poll can return more records than the batch
 * being formed takes; those left over wait for the next poll and close {@code maxDelay} after it, with whatever it
 * brought: under load each batch pays a whole transaction, and a batch of a few leftovers alone would pay it for
 * little. Closing the leftovers at once when their own delay had passed was measured and not kept: over five
 * alternated rows at 1,000 frames/s it was no better, twice much worse (docs/benchmarks.md).
 */
final class BatchGatherer {

    private final int maxBatch;
    private final Duration maxDelay;
    private final Duration idlePoll;
    private final LongSupplier nanoClock;
    private final List<ConsumerRecord<String, byte[]>> gathered = new ArrayList<>();

    /**
     * @param idlePoll how long a poll waits when nothing is gathered (then {@link #next} returns an empty batch)
     * @param nanoClock the time in nanoseconds ({@code System::nanoTime}; a test's clock)
     */
    BatchGatherer(int maxBatch, Duration maxDelay, Duration idlePoll, LongSupplier nanoClock) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.maxDelay = maxDelay;
        this.idlePoll = idlePoll;
        this.nanoClock = nanoClock;
    }

    /**
     * The next batch: empty when a poll of {@code idlePoll} found nothing and nothing was left over (the caller
     * then gets a chance to act between batches), or when {@code running} turned false.
     */
    List<ConsumerRecord<String, byte[]>> next(Consumer<String, byte[]> consumer, BooleanSupplier running) {
        long deadline = -1;
        while (gathered.size() < maxBatch && running.getAsBoolean()) {
            Duration wait = deadline < 0 ? idlePoll : Duration.ofNanos(Math.max(0, deadline - nanoClock.getAsLong()));
            consumer.poll(wait).forEach(gathered::add);
            if (gathered.isEmpty()) {
                return List.of(); // idle
            }
            if (deadline < 0) {
                deadline = nanoClock.getAsLong() + maxDelay.toNanos();
            }
            if (nanoClock.getAsLong() >= deadline) {
                break;
            }
        }
        int n = Math.min(maxBatch, gathered.size());
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(gathered.subList(0, n));
        gathered.subList(0, n).clear();
        return batch;
    }

    /** Drops the gathered records of partitions this consumer lost: their next owner reads them again. */
    void drop(Collection<TopicPartition> partitions) {
        gathered.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
    }

    /** Removes and returns every gathered record (a rewind reads them again). */
    List<ConsumerRecord<String, byte[]>> drain() {
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>(gathered);
        gathered.clear();
        return all;
    }

    /** How many records are gathered but not yet in a batch. */
    int pending() {
        return gathered.size();
    }
}
