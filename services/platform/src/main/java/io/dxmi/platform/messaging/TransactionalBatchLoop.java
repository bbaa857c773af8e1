package io.dxmi.platform.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.dxmi.platform.config.KafkaSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once consume → process → produce in micro-batches: each batch's output records and the
 * consumed offsets commit in one Kafka transaction, and readers with
 * {@code isolation.level=read_committed} see every input's output exactly once, across crashes
 * ({@code kill -9}), restarts and rebalances.
 *
 * <p>A batch is at most {@code maxBatch} records, closed at the latest {@code maxDelay} after the poll
 * that brought its first record (records left over from a poll join the next poll's: {@link BatchGatherer}).
 * Between two batches (never inside one) {@link Builder#optBetweenBatches} runs: the place to swap a model
 * or a setting atomically.
 *
 * <p>Consumers of one group share the partitions; the offsets go into the transaction with the
 * consumer's group metadata, so an instance that lost its partitions in a rebalance cannot commit
 * them any more (the broker fences it), and records it had gathered but not processed are dropped
 * and read again by the new owner. A failed batch (the handler threw, a send or the commit failed)
 * is aborted, its partitions are rewound to their committed offsets and it is retried after a
 * pause: never skipped. A fenced producer (another instance with the same transactional id) stops
 * the loop.
 *
 * <p>Runs on a thread of its own ({@link #start()}); {@link #close()} stops it after the current
 * batch. The handler runs on that thread and may block.
 */
public final class TransactionalBatchLoop implements AutoCloseable {

    /** Turns one batch of input records into the records to produce with it. */
    @FunctionalInterface
    public interface BatchHandler {
        /** Called on the loop's thread; throwing aborts and retries the batch. */
        List<ProducerRecord<String, byte[]>> process(List<ConsumerRecord<String, byte[]>> batch) throws Exception;
    }

    /**
     * Told after each committed batch (for metrics: its inputs, outputs, when the commit returned and
     * how long the transaction took, from its begin to the commit's return, in seconds).
     */
    @FunctionalInterface
    public interface CommitListener {
        void committed(List<ConsumerRecord<String, byte[]>> batch, List<ProducerRecord<String, byte[]>> output,
                long committedAtMicros, double transactionSeconds);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalBatchLoop.class);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);
    private static final Duration IDLE_POLL = Duration.ofMillis(50);

    private final KafkaSettings settings;
    private final String groupId;
    private final String transactionalId;
    private final Collection<String> topics;
    private final BatchHandler handler;
    private final Runnable betweenBatches;
    private final CommitListener listener;
    private final int maxBatch;
    private final Duration transactionTimeout;

    private final BatchGatherer gatherer;
    private volatile boolean running;
    private volatile Throwable failure;
    private volatile long committedBatches;
    private volatile long abortedBatches;
    private Thread thread;

    private TransactionalBatchLoop(Builder b) {
        this.settings = b.settings;
        this.groupId = b.groupId;
        this.transactionalId = b.transactionalId;
        this.topics = List.copyOf(b.topics);
        this.handler = b.handler;
        this.betweenBatches = b.betweenBatches;
        this.listener = b.listener;
        this.maxBatch = b.maxBatch;
        this.transactionTimeout = b.transactionTimeout;
        this.gatherer = new BatchGatherer(maxBatch, b.maxDelay, IDLE_POLL, System::nanoTime);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the loop on a thread named {@code threadName}. */
    public synchronized TransactionalBatchLoop start(String threadName) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Batches committed so far. */
    public long committedBatches() {
        return committedBatches;
    }

    /** Batches aborted (and retried) so far. */
    public long abortedBatches() {
        return abortedBatches;
    }

    /** Why the loop stopped on its own (a fenced producer), or null. */
    public Throwable failure() {
        return failure;
    }

    /** Whether the loop thread is still running. */
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Properties of the loop's consumer: read_committed, no auto-commit, at most maxBatch per poll. */
    Map<String, Object> consumerProperties() {
        Map<String, Object> p = new HashMap<>(settings.consumerProperties(groupId));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxBatch));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** Properties of the loop's transactional producer. */
    Map<String, Object> producerProperties() {
        Map<String, Object> p = new HashMap<>(settings.producerProperties());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeout.toMillis()));
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties());
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties())) {
            producer.initTransactions();
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Gathered but unprocessed records of a partition we lose: its next owner reads them again.
                    gatherer.drop(partitions);
                    LOG.info("{}: partitions revoked {}", transactionalId, partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    LOG.info("{}: partitions assigned {}", transactionalId, partitions);
                }
            });
            while (running) {
                betweenBatches.run();
                List<ConsumerRecord<String, byte[]>> batch = gatherer.next(consumer, () -> running);
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    List<ProducerRecord<String, byte[]>> out = handler.process(batch);
                    long began = System.nanoTime();
                    producer.beginTransaction();
                    for (ProducerRecord<String, byte[]> r : out) {
                        producer.send(r);
                    }
                    producer.sendOffsetsToTransaction(nextOffsets(batch), consumer.groupMetadata());
                    producer.commitTransaction();
                    committedBatches++;
                    listener.committed(batch, out, nowMicros(), (System.nanoTime() - began) / 1e9);
                } catch (ProducerFencedException | InvalidProducerEpochException e) {
                    throw e;
                } catch (Exception e) {
                    abortedBatches++;
                    LOG.warn("{}: batch of {} records failed, aborted and rewound for a retry: {}", transactionalId,
                            batch.size(), e.toString());
                    abortQuietly(producer);
                    rewind(consumer, batch);
                    sleep(RETRY_PAUSE);
                }
            }
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            failure = e;
            LOG.error("{}: fenced by a newer instance with the same transactional id; stopping: {}", transactionalId,
                    e.toString());
        } catch (KafkaException | IllegalStateException e) {
            if (running) {
                failure = e;
                LOG.error("{}: the loop stopped: {}", transactionalId, e.toString());
            }
        }
    }

    /** One past the last record of each partition in the batch. */
    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : batch) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            OffsetAndMetadata old = next.get(tp);
            if (old == null || old.offset() < r.offset() + 1) {
                next.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
        }
        return next;
    }

    /** Seeks the batch's partitions (and those of records gathered after it) back to their first unprocessed offsets. */
    private void rewind(KafkaConsumer<String, byte[]> consumer, List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>(batch);
        all.addAll(gatherer.drain());
        for (ConsumerRecord<String, byte[]> r : all) {
            first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        Set<TopicPartition> assigned = consumer.assignment();
        first.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    private void abortQuietly(KafkaProducer<String, byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (IllegalStateException e) {
            // No transaction was open (the handler failed before it began).
        } catch (KafkaException e) {
            LOG.warn("{}: abort failed: {}", transactionalId, e.toString());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Epoch microseconds now. */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Stops after the current batch and waits for the thread (at most {@code timeout}). */
    public void close(Duration timeout) {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warn("{}: the loop did not stop within {} ms", transactionalId, timeout.toMillis());
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Builder: {@code setX} required, {@code optX} optional. */
    public static final class Builder {
        private KafkaSettings settings;
        private String groupId;
        private String transactionalId;
        private Collection<String> topics;
        private BatchHandler handler;
        private Runnable betweenBatches = () -> { };
        private CommitListener listener = (b, o, t, s) -> { };
        private int maxBatch = 64;
        private Duration maxDelay = Duration.ofMillis(5);
        private Duration transactionTimeout = Duration.ofSeconds(60);

        private Builder() {}

        public Builder setSettings(KafkaSettings settings) {
            this.settings = settings;
            return this;
        }

        /** The consumer group the instances share. */
        public Builder setGroupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** Stable per instance: a restarted instance fences its dead predecessor's open transaction. */
        public Builder setTransactionalId(String transactionalId) {
            this.transactionalId = transactionalId;
            return this;
        }

        public Builder setTopics(Collection<String> topics) {
            this.topics = topics;
            return this;
        }

        public Builder setHandler(BatchHandler handler) {
            this.handler = handler;
            return this;
        }

        /** Runs on the loop's thread between two batches (default: nothing). */
        public Builder optBetweenBatches(Runnable r) {
            this.betweenBatches = Objects.requireNonNull(r);
            return this;
        }

        public Builder optCommitListener(CommitListener l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        /** Largest batch (default 64). */
        public Builder optMaxBatch(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("the maximum batch size must be at least 1, got " + n);
            }
            this.maxBatch = n;
            return this;
        }

        /** Longest wait after a batch's first record before it is processed (default 5 ms). */
        public Builder optMaxDelay(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("the maximum batch delay must not be negative, got " + d);
            }
            this.maxDelay = d;
            return this;
        }

        /** The broker aborts a transaction left open longer than this (a crashed instance's; default 60 s). */
        public Builder optTransactionTimeout(Duration d) {
            this.transactionTimeout = Objects.requireNonNull(d);
            return this;
        }

        public TransactionalBatchLoop build() {
            if (settings == null || groupId == null || transactionalId == null || topics == null || topics.isEmpty()
                    || handler == null) {
                throw new IllegalArgumentException(
                        "TransactionalBatchLoop needs setSettings, setGroupId, setTransactionalId, setTopics and setHandler");
            }
            return new TransactionalBatchLoop(this);
        }
    }
}
