package io.dxmi.pipeline;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSources;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.DeadLetterPublisher;
import io.dxmi.platform.messaging.DeadLetters;
import io.dxmi.platform.messaging.Producer;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.platform.snapshot.ChunkedBlobs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * What every service of a run opens first: the run's topics (created if missing), a producer,
 * the dead-letter publisher, the snapshot publisher, metrics, and the run plan.
 */
public final class PipelineContext implements AutoCloseable {

    private final Vertx vertx;
    private final KafkaSettings settings;
    private final RunTopics topics;
    private final String service;
    private final Producer producer;
    private final DeadLetterPublisher deadLetters;
    private final Metrics metrics;

    private PipelineContext(Vertx vertx, KafkaSettings settings, RunTopics topics, String service, Metrics metrics) {
        this.vertx = vertx;
        this.settings = withLowLatency(settings);
        this.topics = topics;
        this.service = service;
        this.metrics = metrics;
        try (Admin admin = Admin.create(new HashMap<>(settings.adminProperties()))) {
            topics.ensureAll(admin);
        }
        this.producer = Producer.create(vertx, this.settings, metrics);
        DeadLetterPublisher toTopic = DeadLetters.toTopic(producer, topics.deadLetters());
        var deadLettersCounter = metrics.counterFamily("dxmi_dead_letters_total",
                "Messages sent to the dead-letter topic", "reason");
        this.deadLetters = (topic, partition, offset, key, payload, reason) -> {
            deadLettersCounter.labels(reason == null ? "unknown" : reason.getClass().getSimpleName()).inc();
            return toTopic.publish(topic, partition, offset, key, payload, reason);
        };
    }

    /**
     * The synchronous mode is a chain of round trips (actor → ebm-learner → value-learner →
     * actor), each a produce and a fetch: send at once (linger 0) unless the user chose otherwise.
     */
    static KafkaSettings withLowLatency(KafkaSettings s) {
        if (s.properties().containsKey("linger.ms") || s.properties().containsKey("producer.linger.ms")) {
            return s;
        }
        return KafkaSettings.builder().setBootstrapServers(s.bootstrapServers()).optClientIdPrefix(s.clientIdPrefix())
                .optProperty("producer.linger.ms", "0").optProperties(s.properties()).build();
    }

    /**
     * A service's metrics, every one of them labelled with the run ({@code run="RUN"}) besides the
     * service, so that one Prometheus and one dashboard can tell runs apart.
     */
    public static Metrics metricsFor(String service, String run) {
        return Metrics.create(service, Map.of("run", run));
    }

    /** Opens the context (blocking: creates topics); call off the event loop. */
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

    public DeadLetterPublisher deadLetters() {
        return deadLetters;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The snapshot publisher of this service for the plan's run. */
    public Snapshots snapshots(RunPlan plan) {
        ChunkedBlobs blobs = ChunkedBlobs.builder().setVertx(vertx).setProducer(producer)
                .setChunkTopic(topics.snapshotChunks()).setManifestTopic(topics.snapshots()).build();
        return new Snapshots(blobs, topics.run(), service, Integer.toHexString(plan.spec().config().hashCode()),
                plan.spec().data().contentHash());
    }

    /** Publishes the run plan (the run's first message). */
    public Future<Void> publishPlan(RunPlan plan) {
        return producer.send(topics.spec(), RunPlan.KEY, plan.encode()).mapEmpty();
    }

    /**
     * Reads the run plan, waiting for it up to {@code timeout} (blocking; off the event loop).
     * The newest plan on the compacted spec topic wins.
     */
    public RunPlan awaitPlan(Duration timeout) throws TimeoutException {
        Map<String, Object> props = new HashMap<>(settings.consumerProperties("dxmi-plan-" + UUID.randomUUID()));
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            TopicPartition p = new TopicPartition(topics.spec(), 0);
            c.assign(List.of(p));
            c.seekToBeginning(List.of(p));
            RunPlan found = null;
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (!RunPlan.KEY.equals(r.key())) {
                        continue;
                    }
                    try {
                        found = RunPlan.decode(r.value());
                    } catch (IllegalArgumentException e) {
                        // A bad plan never stops a service: set it aside and wait for a good one.
                        deadLetters.publish(r.topic(), r.partition(), r.offset(),
                                r.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), r.value(), e);
                    }
                }
                long end = c.endOffsets(List.of(p)).get(p);
                if (found != null && c.position(p) >= end) {
                    return found;
                }
            }
        }
        throw new TimeoutException("no run plan for run '" + topics.run() + "' on " + settings.bootstrapServers()
                + " within " + timeout.toSeconds() + " s (start it with 'dxmi submit' or 'dxmi run')");
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
