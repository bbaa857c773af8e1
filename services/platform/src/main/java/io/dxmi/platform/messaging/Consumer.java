package io.dxmi.platform.messaging;

// Over 400 lines: the partition consumer's poll thread, bounded queue, in-order handling, dead letters, strict offsets
// and bounded close are one state machine; the class comment says why each part is needed.

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads given partitions from given offsets (no consumer group: the owner keeps its position,
 * for example in a checkpoint, and a restarted owner starts at once) and hands each record to
 * an asynchronous handler, in order.
 *
 * <p>A handler that throws or fails never stops the consumer: the record is logged, counted and
 * handed to the {@link DeadLetterPublisher} when one is set. At most {@code maxInFlight}
 * handlers run at once and up to {@code maxQueued} more records wait in a local queue (so the
 * next record is at hand when a handler finishes); beyond that the partitions are paused.
 *
 * <p>With {@link Builder#optStrictOffsets} a start offset that retention has deleted is a fatal
 * error for the owner, never a silent jump.
 *
 * <p>Threading: all state lives on the Vert.x context the consumer starts on; handlers are
 * called there and must not block. {@link #start()}, then {@link #closeAsync()}, which waits
 * for running handlers up to the close timeout.
 *
 * <p>Metrics (when set): records and bytes per topic and outcome ({@link TopicTraffic}) and,
 * every lag interval, {@code dxmi_consumer_lag_records{topic,partition}}: the end offset minus
 * the first record not yet processed.
 */
public final class Consumer {

    /** Processes one record asynchronously; throwing counts as a failure of this record. */
    @FunctionalInterface
    public interface RecordHandler {
        Future<Void> handle(ConsumerRecord<String, byte[]> record) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(10);
    /** How long a close waits for the Kafka client itself, after the close timeout. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final KafkaSettings settings;
    private final Map<TopicPartition, Long> startOffsets;
    private final RecordHandler handler;
    private final DeadLetterPublisher deadLetters;
    private final int maxInFlight;
    private final int maxQueued;
    private final Duration closeTimeout;
    private final Handler<Throwable> onFatal;
    private final Metrics metrics;
    private final TopicTraffic traffic;
    private final Duration lagInterval;

    // Confined to `context`.
    private Context context;
    private KafkaReadStream<String, byte[]> stream;
    private final Map<TopicPartition, Long> nextToProcess = new HashMap<>();
    private final ArrayDeque<ConsumerRecord<String, byte[]>> queue = new ArrayDeque<>();
    private int running;
    private volatile int queued; // queue.size(), readable from any thread
    private boolean paused;
    private boolean closing;
    private long lagTimer = -1;
    private boolean lagPending;
    private Promise<Void> drained;

    private Consumer(Builder b) {
        this.vertx = b.vertx;
        this.settings = b.settings;
        this.startOffsets = Map.copyOf(b.startOffsets);
        this.handler = b.handler;
        this.deadLetters = b.deadLetters;
        this.maxInFlight = b.maxInFlight;
        this.maxQueued = b.maxQueued;
        this.closeTimeout = b.closeTimeout;
        this.onFatal = b.onFatal;
        this.metrics = b.metrics;
        this.traffic = metrics == null ? null : TopicTraffic.consumed(metrics);
        this.lagInterval = b.lagInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Creates the Kafka consumer on a new Vert.x context; completes once the partitions are assigned. */
    public synchronized Future<Void> start() {
        if (context != null) {
            return Future.failedFuture(new IllegalStateException("Consumer already started"));
        }
        context = vertx.getOrCreateContext();
        Promise<Void> started = Promise.promise();
        context.runOnContext(v -> {
            try {
                Map<String, String> props = new HashMap<>(settings.consumerProperties(null));
                if (onFatal != null) {
                    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
                }
                stream = KafkaConsumer.create(vertx, props, new StringDeserializer(), new ByteArrayDeserializer())
                        .asStream();
                // A resumed partition is fetched only at the next poll: with Vert.x's 1 s default, a
                // sequential consumer waited up to a second per record.
                stream.pollTimeout(POLL_TIMEOUT);
                stream.exceptionHandler(this::onError);
                if (metrics != null) {
                    lagTimer = vertx.setPeriodic(lagInterval.toMillis(), id -> updateLag());
                }
                // Polling starts with the handler, so only once every partition is at its start offset.
                Set<TopicPartition> tps = startOffsets.keySet();
                stream.assign(tps).compose(x -> Future.all(tps.stream().map(tp -> stream.seek(tp,
                        startOffsets.get(tp))).toList())).<Void>mapEmpty()
                        .onSuccess(x -> stream.handler(this::onRecord)).onComplete(started);
            } catch (RuntimeException e) {
                started.fail(e);
            }
        });
        return started.future();
    }

    /** Records fetched ahead and waiting for a handler slot (any thread). */
    public int queued() {
        return queued;
    }

    /**
     * Stops taking records, waits for running handlers (within the close timeout: a broker that
     * is gone does not hold the close up) and closes the Kafka consumer.
     */
    public Future<Void> closeAsync() {
        Context ctx;
        synchronized (this) {
            ctx = context;
        }
        if (ctx == null) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        ctx.runOnContext(v -> {
            if (closing) {
                done.complete();
                return;
            }
            closing = true;
            vertx.cancelTimer(lagTimer);
            queue.clear();
            drained = Promise.promise();
            if (running == 0) {
                drained.tryComplete();
            }
            long timer = vertx.setTimer(closeTimeout.toMillis(), id -> drained.tryComplete());
            drained.future().compose(x -> {
                vertx.cancelTimer(timer);
                // Kafka's client runs its calls one after another on one thread: a close queued behind
                // a call that waits for a broker that is gone waits too. Bounded.
                return stream.close().timeout(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS).recover(e -> {
                    LOG.warn("Kafka consumer of {} did not close within {} ms (broker unreachable?); going on",
                            startOffsets.keySet(), CLOSE_GRACE.toMillis());
                    return Future.succeededFuture();
                });
            }).onComplete(done);
        });
        return done.future();
    }

    private void onError(Throwable e) {
        if (closing && e instanceof WakeupException) {
            return; // how a close interrupts a poll
        }
        if (e instanceof OffsetOutOfRangeException && onFatal != null) {
            LOG.error("Consumer of {}: {}", startOffsets.keySet(), e.getMessage());
            onFatal.handle(e);
            return;
        }
        LOG.warn("Kafka consumer error ({}): {}", startOffsets.keySet(), e.toString());
    }

    private void onRecord(ConsumerRecord<String, byte[]> r) {
        if (closing) {
            return;
        }
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        nextToProcess.putIfAbsent(tp, r.offset());
        if (running < maxInFlight && queue.isEmpty()) {
            dispatch(r);
        } else {
            queue.add(r);
        }
        queued = queue.size();
        if (!paused && running + queue.size() >= maxInFlight + maxQueued) {
            paused = true;
            stream.pause(startOffsets.keySet());
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> r) {
        running++;
        Future<Void> f;
        try {
            f = handler.handle(r);
            if (f == null) {
                f = Future.succeededFuture();
            }
        } catch (Throwable t) {
            f = Future.failedFuture(t);
        }
        f.onComplete(ar -> {
            if (Vertx.currentContext() == context) {
                completed(r, ar);
            } else {
                context.runOnContext(v -> completed(r, ar));
            }
        });
    }

    private void completed(ConsumerRecord<String, byte[]> r, AsyncResult<Void> ar) {
        if (ar.succeeded()) {
            count("ok", r, true);
            finish(r);
            return;
        }
        count("failed", r, true);
        LOG.warn("Refused {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), DeadLetters.describe(ar.cause()));
        if (deadLetters == null) {
            finish(r);
            return;
        }
        Future<Void> dl;
        try {
            byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
            dl = deadLetters.publish(r.topic(), r.partition(), r.offset(), key, r.value(), ar.cause());
        } catch (RuntimeException e) {
            dl = Future.failedFuture(e);
        }
        dl.onComplete(dar -> context.runOnContext(v -> {
            if (dar.succeeded()) {
                count("dead_lettered", r, false);
            } else {
                // Never stall the partition on a dead-letter outage: the loss is logged and counted instead.
                LOG.error("Dead letter for {}-{}@{} could not be published: {}", r.topic(), r.partition(), r.offset(),
                        dar.cause().toString());
                count("dead_letter_failed", r, false);
            }
            finish(r);
        }));
    }

    private void finish(ConsumerRecord<String, byte[]> r) {
        running--;
        nextToProcess.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
        while (!closing && running < maxInFlight && !queue.isEmpty()) {
            dispatch(queue.poll());
        }
        queued = queue.size();
        if (paused && !closing && running + queue.size() <= (maxInFlight + maxQueued) / 2) {
            paused = false;
            stream.resume(startOffsets.keySet());
        }
        if (closing && running == 0 && drained != null) {
            drained.tryComplete();
        }
    }

    private void count(String outcome, ConsumerRecord<String, byte[]> r, boolean countBytes) {
        if (traffic != null) {
            traffic.consumed(r.topic(), outcome, r.key(), r.value(), countBytes);
        }
    }

    /** End offsets on the Kafka client's thread, one request at a time; the gauges set on this context. */
    private void updateLag() {
        if (closing || lagPending) {
            return;
        }
        lagPending = true;
        stream.endOffsets(startOffsets.keySet()).onComplete(ar -> context.runOnContext(v -> {
            lagPending = false;
            if (ar.failed()) {
                LOG.debug("End offsets for lag failed: {}", ar.cause().toString());
                return;
            }
            ar.result().forEach((tp, end) -> TopicTraffic.lagGauge(metrics, tp.topic(), tp.partition()).set(
                    lag(end, nextToProcess.getOrDefault(tp, startOffsets.get(tp)))));
        }));
    }

    /** Records not yet processed: the end offset minus the next offset to process, never negative. */
    static long lag(long endOffset, long nextToProcess) {
        return Math.max(0, endOffset - nextToProcess);
    }

    /**
     * Builder: {@code setX} required, {@code optX} optional. Defaults: no dead letters (failed
     * records are logged, counted and skipped), one handler at a time, nothing queued ahead, a
     * 10 s close timeout, Kafka's earliest for a start offset that no longer exists, the lag
     * measured every 2 s (one end-offsets request each) when metrics are set.
     */
    public static final class Builder {
        private Vertx vertx;
        private KafkaSettings settings;
        private Map<TopicPartition, Long> startOffsets;
        private RecordHandler handler;
        private DeadLetterPublisher deadLetters;
        private int maxInFlight = 1;
        private int maxQueued;
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Handler<Throwable> onFatal;
        private Metrics metrics;
        private Duration lagInterval = Duration.ofSeconds(2);

        private Builder() {}

        public Builder setVertx(Vertx vertx) {
            this.vertx = vertx;
            return this;
        }

        public Builder setSettings(KafkaSettings settings) {
            this.settings = settings;
            return this;
        }

        /** The partitions to read, each from its offset. */
        public Builder setStartOffsets(Map<TopicPartition, Long> offsets) {
            this.startOffsets = Objects.requireNonNull(offsets);
            return this;
        }

        public Builder setHandler(RecordHandler handler) {
            this.handler = handler;
            return this;
        }

        public Builder optDeadLetters(DeadLetterPublisher deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        public Builder optMaxInFlight(int n) {
            this.maxInFlight = n;
            return this;
        }

        public Builder optMaxQueued(int n) {
            this.maxQueued = n;
            return this;
        }

        public Builder optCloseTimeout(Duration d) {
            this.closeTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** A start offset that no longer exists (deleted by retention) is fatal: handed to {@code onFatal}. */
        public Builder optStrictOffsets(Handler<Throwable> onFatal) {
            this.onFatal = Objects.requireNonNull(onFatal);
            return this;
        }

        /** Counts records and bytes per topic and outcome, and exports the lag. */
        public Builder optMetrics(Metrics metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder optLagInterval(Duration d) {
            this.lagInterval = Objects.requireNonNull(d);
            return this;
        }

        public Consumer build() {
            if (vertx == null || settings == null || handler == null) {
                throw new IllegalArgumentException("Consumer needs setVertx, setSettings and setHandler");
            }
            if (startOffsets == null || startOffsets.isEmpty()) {
                throw new IllegalArgumentException("Consumer needs setStartOffsets(...) with at least one partition");
            }
            if (maxInFlight < 1 || maxQueued < 0) {
                throw new IllegalArgumentException("a Consumer needs maxInFlight >= 1 and maxQueued >= 0, got "
                        + maxInFlight + " and " + maxQueued);
            }
            return new Consumer(this);
        }
    }
}
