package io.dxmi.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.WeightSnapshot;
import io.dxmi.schemas.codec.Codecs;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The runs a Kafka cluster holds, read from their topics (a run exists while its {@code dxmi.RUN.spec} topic
 * does): their names, a run's plan and stop mark, its progress, and what {@code dxmi runs} does to them: stop (a
 * mark on the spec topic that every process of the run obeys) and delete (the run's topics). Blocking; every call
 * waits at most the timeout given at construction.
 */
public final class RunCatalog implements AutoCloseable {

    /** Key of the stop mark on a run's spec topic (the plan is under {@link RunPlan#KEY}). */
    public static final String STOP_KEY = "stop";

    /** A run stopped by {@code dxmi runs stop}. */
    public record Stop(long atMillis, String reason) {}

    /** What a run's spec topic holds: its newest plan (null when none yet), when it came, and a stop mark if any. */
    public record Spec(RunPlan plan, long submittedAtMillis, Stop stop) {}

    /**
     * How far a run is.
     *
     * @param batches trajectory batches rolled out (the trajectory topic's end offset)
     * @param learned iterations each learner has learned (the newest version it published), by learner (absent: none yet)
     * @param lastReport the newest evaluation report, or null
     * @param sizeBytes bytes the run's topics hold on the brokers' disks (-1 when the cluster does not say)
     */
    public record Progress(long batches, Map<String, Long> learned, EvaluationReport lastReport, long sizeBytes) {}

    /** The model each learner publishes, one version per iteration it learned. */
    private static final Map<String, String> LEARNER_MODELS = Map.of("ebm-learner", RunTopics.EBM, "value-learner",
            RunTopics.POLICY);

    private final KafkaSettings settings;
    private final Duration timeout;
    private final Admin admin;

    public RunCatalog(KafkaSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
        this.admin = Admin.create(new HashMap<>(settings.adminProperties()));
    }

    /** The names of the runs on the cluster, sorted. */
    public List<String> runs() {
        TreeSet<String> runs = new TreeSet<>();
        for (String t : get(admin.listTopics().names())) {
            RunTopics.runOfSpecTopic(t).ifPresent(runs::add);
        }
        return List.copyOf(runs);
    }

    /** Whether a run of this name exists (its spec topic does). */
    public boolean exists(String run) {
        return get(admin.listTopics().names()).contains(new RunTopics(run).spec());
    }

    /** The run's spec topic read to its end; empty when the run does not exist. */
    public Optional<Spec> spec(String run) {
        RunTopics topics = new RunTopics(run);
        if (!exists(run)) {
            return Optional.empty();
        }
        Map<String, Object> props = new HashMap<>(settings.consumerProperties(null));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        RunPlan plan = null;
        long submitted = -1;
        Stop stop = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            TopicPartition p = new TopicPartition(topics.spec(), 0);
            c.assign(List.of(p));
            c.seekToBeginning(List.of(p));
            long end = c.endOffsets(List.of(p), timeout).get(p);
            while (c.position(p, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + topics.spec());
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (RunPlan.KEY.equals(r.key()) && r.value() != null) {
                        try {
                            plan = RunPlan.decode(r.value());
                            submitted = r.timestamp();
                        } catch (IllegalArgumentException e) {
                            // A malformed plan is the services' to dead-letter; the catalog keeps the last good one.
                        }
                    } else if (STOP_KEY.equals(r.key())) {
                        stop = r.value() == null ? null : decodeStop(r.value(), r.timestamp());
                    }
                }
            }
        }
        return Optional.of(new Spec(plan, submitted, stop));
    }

    /** Marks the run stopped: every process of the run that sees the mark ends (learners keep their checkpoints). */
    public void stop(String run, String reason) {
        ObjectNode n = ModelDirectory.json().createObjectNode();
        n.put("atMillis", System.currentTimeMillis());
        n.put("reason", reason);
        send(new RunTopics(run).spec(), STOP_KEY, n.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Removes the stop mark (a tombstone on the compacted spec topic), so that the run can be continued. */
    public void clearStop(String run) {
        send(new RunTopics(run).spec(), STOP_KEY, null);
    }

    /** How far the run is; call only for a run that exists. */
    public Progress progress(String run, List<String> learners) {
        RunTopics topics = new RunTopics(run);
        TopicPartition trajectories = new TopicPartition(topics.trajectories(), 0);
        long batches = endOffset(trajectories);
        Map<String, Long> learned = new LinkedHashMap<>();
        for (String role : learners) {
            String model = LEARNER_MODELS.get(role);
            if (model == null) {
                throw new IllegalArgumentException("no learner '" + role + "'; learners: " + LEARNER_MODELS.keySet());
            }
            // A learner's iterations are the versions it publishes (its offsets live in its checkpoints, not in a
            // consumer group): the newest snapshot on its model's topic.
            long newest = -1;
            for (WeightSnapshot w : readTail(new TopicPartition(topics.snapshots(model), 0), 20, WeightSnapshot.class)) {
                newest = Math.max(newest, w.getVersion());
            }
            if (newest >= 0) {
                learned.put(role, newest);
            }
        }
        return new Progress(batches, learned, lastReport(topics), sizeBytes(run));
    }

    /** The topics of the run that exist on the cluster. */
    public List<String> topics(String run) {
        RunTopics topics = new RunTopics(run);
        String prefix = "dxmi." + run + ".";
        List<String> out = new ArrayList<>();
        for (String t : new TreeSet<>(get(admin.listTopics().names()))) {
            // The run's own kinds, and any kind a newer layout adds (no '.' in it: run "a" never takes "dxmi.a.b.*").
            if (topics.all().contains(t) || (t.startsWith(prefix) && t.substring(prefix.length()).matches("[a-z0-9-]+"))) {
                out.add(t);
            }
        }
        return out;
    }

    /** Bytes the run's topics hold on the brokers' disks, or -1 when the cluster does not say. */
    public long sizeBytes(String run) {
        List<String> mine = topics(run);
        try {
            var nodes = get(admin.describeCluster().nodes());
            long total = 0;
            var dirs = admin.describeLogDirs(nodes.stream().map(n -> n.id()).toList()).allDescriptions()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            for (var byDir : dirs.values()) {
                for (var dir : byDir.values()) {
                    for (var e : dir.replicaInfos().entrySet()) {
                        if (mine.contains(e.getKey().topic())) {
                            total += e.getValue().size();
                        }
                    }
                }
            }
            return total;
        } catch (ExecutionException | TimeoutException | InterruptedException | IllegalStateException e) {
            return -1;
        }
    }

    /** Deletes the run's topics (its processes join no consumer group: nothing else is left on the cluster). */
    public List<String> delete(String run) {
        List<String> mine = topics(run);
        if (!mine.isEmpty()) {
            get(admin.deleteTopics(mine).all());
        }
        return mine;
    }

    /** Every evaluation report of the run, oldest first (records that are not reports are skipped). */
    public List<EvaluationReport> reports(String run) {
        return readReports(new RunTopics(run), Long.MAX_VALUE);
    }

    private EvaluationReport lastReport(RunTopics topics) {
        EvaluationReport newest = null;
        for (EvaluationReport r : readReports(topics, 10)) {
            if (newest == null || r.getIteration() >= newest.getIteration()) {
                newest = r;
            }
        }
        return newest;
    }

    /** The last {@code count} records of the evaluations topic that are reports. */
    private List<EvaluationReport> readReports(RunTopics topics, long count) {
        return readTail(new TopicPartition(topics.evaluations(), 0), count, EvaluationReport.class);
    }

    /** The records of type {@code type} among the last {@code count} of partition {@code p}; others are skipped. */
    private <T extends SpecificRecord> List<T> readTail(TopicPartition p, long count,
            Class<T> type) {
        long end = endOffset(p);
        List<T> out = new ArrayList<>();
        if (end <= 0) {
            return out;
        }
        Map<String, Object> props = new HashMap<>(settings.consumerProperties(null));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            c.assign(List.of(p));
            c.seek(p, Math.max(0, end - count));
            while (c.position(p, timeout) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    try {
                        out.add(Codecs.decode(type, r.value()));
                    } catch (RuntimeException e) {
                        // another kind of record (a chunk, a bad record): the services skip these too
                    }
                }
            }
        }
        return out;
    }

    private long endOffset(TopicPartition p) {
        try {
            ListOffsetsResult r = admin.listOffsets(Map.of(p, OffsetSpec.latest()));
            return r.partitionResult(p).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw new IllegalStateException("cannot read the end of " + p + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            throw new IllegalStateException("timed out reading the end of " + p, e);
        }
    }

    private void send(String topic, String key, byte[] value) {
        Map<String, Object> props = new HashMap<>(settings.producerProperties());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(props)) {
            p.send(new ProducerRecord<>(topic, 0, key, value)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not write to " + topic + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException | InterruptedException e) {
            throw new IllegalStateException("timed out writing to " + topic, e);
        }
    }

    private static Stop decodeStop(byte[] value, long timestamp) {
        try {
            JsonNode n = ModelDirectory.json().readTree(value);
            return new Stop(n.path("atMillis").asLong(timestamp), n.path("reason").asText("stopped"));
        } catch (IOException e) {
            return new Stop(timestamp, "stopped");
        }
    }

    private <T> T get(KafkaFuture<T> f) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster at " + settings.bootstrapServers()
                    + " did not answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
