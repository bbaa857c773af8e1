package io.dxmi.pipeline;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.DeadLetterPublisher;
import io.dxmi.platform.messaging.DeadLetters;
import io.dxmi.platform.messaging.Producer;
import io.dxmi.platform.messaging.Retry;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.platform.snapshot.ChunkedBlobs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * What every service of a run opens first: a producer, metrics, the dead letters, the snapshot
 * publisher and the run plan. It creates no topic: {@link Submission} does, so that a mistyped
 * run name creates nothing.
 *
 * <p>Dead letters: each topic's bad records are reported by one service only, the one that
 * always reads all of them ({@link #deadLettersFor}): the ebm-learner for the spec,
 * trajectories, policy and value topics, the value-learner for the EBM topic. It reports each
 * record once, also across its restarts; the other readers of the topic refuse the same record,
 * log it and count it ({@code dxmi_refused_records_total{topic}}).
 */
public final class PipelineContext implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineContext.class);
    /** How long a publication may keep failing (a broker outage) before the service gives up loudly. */
    public static final Duration PUBLISH_GIVE_UP = Duration.ofMinutes(15);

    private final Vertx vertx;
    private final KafkaSettings settings;
    private final RunTopics topics;
    private final String service;
    private final Producer producer;
    private final Metrics metrics;
    private final Retry retry;
    private DeadLetterPublisher reported;

    private PipelineContext(Vertx vertx, KafkaSettings settings, RunTopics topics, String service, Metrics metrics) {
        this.vertx = vertx;
        this.settings = withLowLatency(settings);
        this.topics = topics;
        this.service = service;
        this.metrics = metrics;
        this.producer = Producer.create(vertx, this.settings, metrics);
        this.retry = new Retry(vertx, PUBLISH_GIVE_UP, metrics);
    }

    /**
     * The synchronous mode is a chain of round trips (actor → ebm-learner → value-learner →
     * actor), each a produce and a fetch: send at once (linger 0) unless the user chose otherwise.
     */
    static KafkaSettings withLowLatency(KafkaSettings s) {
        if (s.properties().containsKey(ProducerConfig.LINGER_MS_CONFIG)
                || s.properties().containsKey("producer." + ProducerConfig.LINGER_MS_CONFIG)) {
            return s;
        }
        return KafkaSettings.builder().setBootstrapServers(s.bootstrapServers()).optClientIdPrefix(s.clientIdPrefix())
                .optProperty("producer." + ProducerConfig.LINGER_MS_CONFIG, "0").optProperties(s.properties()).build();
    }

    /**
     * A service's metrics, every one of them labelled with the run ({@code run="RUN"}) besides the
     * service, so that one Prometheus and one dashboard can tell runs apart.
     */
    public static Metrics metricsFor(String service, String run) {
        return Metrics.create(service, Map.of("run", run));
    }

    /** Opens the context (no broker call yet). */
    public static PipelineContext open(Vertx vertx, KafkaSettings settings, String run, String service,
            Metrics metrics) {
        return new PipelineContext(vertx, settings, new RunTopics(run), service, metrics);
    }

    public Vertx vertx() {
        return vertx;
    }

    public KafkaSettings settings() {
        return settings;
    }

    public RunTopics topics() {
        return topics;
    }

    public String service() {
        return service;
    }

    public Producer producer() {
        return producer;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Retries publications through a broker outage (up to {@link #PUBLISH_GIVE_UP}). */
    public Retry retry() {
        return retry;
    }

    /**
     * Where this service puts the records of {@code topic} it refuses: the dead-letter topic, once
     * per record, when this service reports the topic; otherwise only a count. Call it once the
     * run's topics exist (after {@link #awaitPlan}); blocking the first time.
     */
    public DeadLetterPublisher deadLettersFor(String topic) {
        if (service.equals(reporterOf(topic))) {
            return reporting();
        }
        var refused = metrics.counterFamily("dxmi_refused_records_total",
                "Records refused here and reported by the topic's reporting service", "topic");
        return (t, partition, offset, key, payload, reason) -> {
            refused.labels(t).inc();
            return Future.succeededFuture();
        };
    }

    private String reporterOf(String topic) {
        return topic.equals(topics.snapshots(RunTopics.EBM)) ? "value-learner" : "ebm-learner";
    }

    private synchronized DeadLetterPublisher reporting() {
        if (reported == null) {
            DeadLetterPublisher once = DeadLetters.once(producer, settings, topics.deadLetters());
            var counter = metrics.counterFamily("dxmi_dead_letters_total", "Messages sent to the dead-letter topic",
                    "reason");
            reported = (topic, partition, offset, key, payload, reason) -> {
                counter.labels(reason == null ? "unknown" : reason.getClass().getSimpleName()).inc();
                return once.publish(topic, partition, offset, key, payload, reason);
            };
        }
        return reported;
    }

    /** The snapshot publisher of this service for the plan's run. */
    public Snapshots snapshots(RunPlan plan) {
        ChunkedBlobs blobs = ChunkedBlobs.builder().setVertx(vertx).setProducer(producer).build();
        return new Snapshots(blobs, retry, topics, service, plan.hash(), plan.spec().data().contentHash());
    }

    /**
     * Creates the run's topics for a plan (blocking; idempotent): what {@link Submission} does. Returns the most
     * disk they take on one replica ({@link RunTopics#diskBound}).
     */
    public long createTopics(RunPlan plan, long batchBytes, Map<String, Long> snapshotBytes) {
        Map<String, Map<String, String>> configs = topics.configs(plan, batchBytes, snapshotBytes);
        try (Admin admin = Admin.create(new HashMap<>(settings.adminProperties()))) {
            topics.create(admin, configs);
        }
        return RunTopics.diskBound(configs);
    }

    /** Publishes the run plan (the run's first message). */
    public Future<Void> publishPlan(RunPlan plan) {
        return retry.until("plan", topics.run(), () -> producer.send(topics.spec(), RunPlan.KEY, plan.encode()))
                .mapEmpty();
    }

    /**
     * Reads the run plan, waiting for it up to {@code timeout} (blocking; off the event loop): for
     * the run's topics to exist, then for the plan. The newest plan on the spec topic wins; a
     * malformed one is set aside (dead-lettered by the spec's reporter).
     */
    public RunPlan awaitPlan(Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(new HashMap<>(settings.adminProperties()))) {
            boolean said = false;
            while (!Topics.exists(admin, topics.spec())) {
                if (!said) {
                    LOG.info("{}: waiting for run '{}' to be submitted", service, topics.run());
                    said = true;
                }
                if (System.nanoTime() > deadline) {
                    throw notSubmitted(timeout);
                }
                sleep(500);
            }
        }
        Map<String, Object> props = new HashMap<>(settings.consumerProperties(null));
        Map<ConsumerRecord<String, byte[]>, IllegalArgumentException> bad = new LinkedHashMap<>();
        RunPlan found = null;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topics.spec(), 0);
            c.assign(List.of(p));
            c.seekToBeginning(List.of(p));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (RunCatalog.STOP_KEY.equals(r.key())) {
                        continue; // a stop mark (or its clearing) is the catalog's, not a bad plan
                    }
                    try {
                        if (!RunPlan.KEY.equals(r.key())) {
                            throw new IllegalArgumentException("a record keyed '" + r.key() + "' on the spec topic");
                        }
                        found = RunPlan.decode(r.value());
                    } catch (IllegalArgumentException e) {
                        LOG.warn("{}: refused record {} of {}: {}", service, r.offset(), r.topic(), e.getMessage());
                        bad.put(r, e);
                    }
                }
                if (found != null && c.position(p) >= c.endOffsets(List.of(p)).get(p)) {
                    break;
                }
            }
        }
        // A bad plan never stops a service: set it aside and use the good one.
        DeadLetterPublisher deadLetters = deadLettersFor(topics.spec());
        bad.forEach((r, why) -> deadLetters.publish(r.topic(), r.partition(), r.offset(), r.key() == null ? null
                : r.key().getBytes(StandardCharsets.UTF_8), r.value(), why));
        if (found == null) {
            throw notSubmitted(timeout);
        }
        return found;
    }

    private TimeoutException notSubmitted(Duration timeout) {
        return new TimeoutException("no run plan for run '" + topics.run() + "' on " + settings.bootstrapServers()
                + " within " + timeout.toSeconds() + " s (start it with 'dxmi submit' or 'dxmi run')");
    }

    private static void sleep(long ms) throws TimeoutException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while waiting for the run plan");
        }
    }

    /** Opens the plan's data set (locally: a built-in name or a CSV path), checking it is the same data. */
    public static DataSource openData(RunPlan plan) {
        DataSource data = DataSources.resolve(plan.spec().dataSource());
        if (!data.contentHash().equals(plan.spec().data().contentHash())) {
            throw new IllegalArgumentException("the data at '" + plan.spec().dataSource()
                    + "' differs from the run's (hash mismatch)");
        }
        return data;
    }

    @Override
    public void close() {
        producer.close();
    }
}
