package io.dxmi.dashboard;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.TransactionalBatchLoop;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.codec.Codecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cameras view's records from Kafka: the scores topic ({@code read_committed}: scores of aborted scorer batches
 * are never shown) and the frames topic, read by one consumer on its own thread, without a consumer group, starting
 * near the end of each partition ({@link CameraViewSettings#scoresTail()} and {@link CameraViewSettings#framesTail()}
 * records back) and never creating a topic. Every {@link CameraViewSettings#checkInterval()} it asks the broker which
 * topics exist: a topic that appears is read from near its end, one that disappears is dropped, a broker that does
 * not answer is said in the status, and all of it recovers on its own. A record that does not decode is counted and
 * skipped; nothing stops the thread but {@link #close()}.
 */
final class CameraFeed {

    private static final Logger LOG = LoggerFactory.getLogger(CameraFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final KafkaSettings kafka;
    private final CameraViewSettings settings;
    private final CameraBoard board;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** The next offset to read of each partition read so far: a new consumer goes on from there, counting nothing twice. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();

    CameraFeed(Vertx vertx, KafkaSettings kafka, CameraViewSettings settings, CameraBoard board) {
        this.vertx = vertx;
        this.kafka = kafka;
        this.settings = settings;
        this.board = board;
        this.thread = new Thread(this::run, "dxmi-dashboard-cameras");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops the thread and closes its consumer; completes when both are done (or after a bounded wait). */
    Future<Void> close() {
        stopped = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        return vertx.executeBlocking(() -> {
            thread.join(CLOSE_TIMEOUT.toMillis() + 3000);
            return null;
        });
    }

    private void run() {
        long nextCheck = 0;
        long backoff = 0;
        while (!stopped) {
            try {
                if (consumer == null) {
                    consumer = new KafkaConsumer<>(properties(), new StringDeserializer(), new ByteArrayDeserializer());
                }
                if (System.nanoTime() >= nextCheck) {
                    check(consumer);
                    nextCheck = System.nanoTime() + settings.checkInterval().toNanos();
                }
                if (consumer.assignment().isEmpty()) {
                    Thread.sleep(Math.min(settings.checkInterval().toMillis(), 250));
                    continue;
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    handle(r);
                    positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                }
                backoff = 0;
            } catch (WakeupException | InterruptException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                // An unexpected client fault: say it, start over with a new consumer (positions near the end again).
                FeedStatus before = board.status(FeedStatus.unreachable(kafka.bootstrapServers(), describe(e)));
                if (before.healthy() || "starting".equals(before.state())) {
                    LOG.warn("dashboard cameras: the Kafka client failed ({}); retrying with a new one", describe(e));
                }
                closeConsumer();
                backoff = Math.min(10_000, Math.max(500, backoff * 2));
                if (!pause(backoff)) {
                    break;
                }
                nextCheck = 0;
            }
        }
        closeConsumer();
    }

    /** Which topics exist: follows them, and says so in the status. */
    private void check(KafkaConsumer<String, byte[]> c) {
        Map<String, List<PartitionInfo>> topics;
        Duration timeout = settings.checkInterval().plusSeconds(1);
        try {
            topics = c.listTopics(timeout);
        } catch (TimeoutException e) {
            report(FeedStatus.unreachable(kafka.bootstrapServers(), "no answer within " + timeout.toMillis() / 1000.0
                    + " s"));
            return;
        }
        boolean scores = topics.containsKey(settings.scoresTopic());
        boolean frames = topics.containsKey(settings.framesTopic());
        Set<TopicPartition> wanted = new HashSet<>();
        if (scores) {
            topics.get(settings.scoresTopic()).forEach(p -> wanted.add(new TopicPartition(p.topic(), p.partition())));
        }
        if (frames) {
            topics.get(settings.framesTopic()).forEach(p -> wanted.add(new TopicPartition(p.topic(), p.partition())));
        }
        Set<TopicPartition> had = c.assignment();
        if (!wanted.equals(had)) {
            Set<TopicPartition> added = new HashSet<>(wanted);
            added.removeAll(had);
            positions.keySet().retainAll(wanted); // a topic deleted and made again starts afresh
            c.assign(wanted);
            try {
                seekNearEnd(c, added);
            } catch (RuntimeException e) {
                // Without a position the new partitions would start wherever; drop them and try again next check.
                Set<TopicPartition> kept = new HashSet<>(wanted);
                kept.removeAll(added);
                c.assign(kept);
                throw e;
            }
        }
        report(FeedStatus.topics(settings.scoresTopic(), scores, settings.framesTopic(), frames));
    }

    private void seekNearEnd(KafkaConsumer<String, byte[]> c, Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Duration timeout = settings.checkInterval().plusSeconds(1);
        Map<TopicPartition, Long> begin = c.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout); // read_committed: the last stable offset
        for (TopicPartition p : partitions) {
            Long known = positions.get(p);
            if (known != null && known >= begin.get(p) && known <= end.get(p)) {
                c.seek(p, known); // read before (this consumer is new after a fault): go on where it stopped
                continue;
            }
            int tail = p.topic().equals(settings.scoresTopic()) ? settings.scoresTail() : settings.framesTail();
            c.seek(p, Math.max(begin.get(p), end.get(p) - tail));
        }
    }

    private void report(FeedStatus next) {
        FeedStatus before = board.status(next);
        if (before.sameAs(next)) {
            return;
        }
        if (next.healthy()) {
            LOG.info("dashboard cameras: {}", next.message());
        } else {
            LOG.warn("dashboard cameras: {}", next.message());
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        boolean isScore = r.topic().equals(settings.scoresTopic());
        long nowMillis = System.currentTimeMillis();
        try {
            if (r.value() == null) {
                throw new IllegalArgumentException("a record without a value");
            }
            if (isScore) {
                board.score(Codecs.decode(AnomalyScore.class, r.value()), TransactionalBatchLoop.nowMicros(), nowMillis);
            } else {
                board.frame(Codecs.decode(Frame.class, r.value()), nowMillis);
            }
        } catch (RuntimeException e) {
            long n = board.undecodable(isScore);
            // The first one, then every thousandth: a topic full of bad records does not flood the log.
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("dashboard cameras: skipped an undecodable record at {}-{}@{} ({} so far on this topic): {}",
                        r.topic(), r.partition(), r.offset(), n, describe(e));
            }
        }
    }

    private Map<String, Object> properties() {
        Map<String, Object> p = new HashMap<>(kafka.consumerProperties(null));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A live view: a position lost to retention or a recreated topic resumes at the end, never the whole history.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return p;
    }

    private void closeConsumer() {
        KafkaConsumer<String, byte[]> c = consumer;
        consumer = null;
        if (c != null) {
            try {
                c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            } catch (RuntimeException e) {
                LOG.debug("dashboard cameras: closing the consumer: {}", e.toString());
            }
        }
    }

    /** Sleeps in short steps, so that {@link #close()} never waits for a whole back-off. */
    private boolean pause(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        try {
            while (!stopped && System.nanoTime() < end) {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            return !stopped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
