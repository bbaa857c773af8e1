package io.dxmi.pipeline;

import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.platform.snapshot.BlobReader;
import io.dxmi.schemas.WeightSnapshot;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Follows some models' snapshots (for example "policy" and "ebm"), one {@link BlobReader} per
 * model topic. A snapshot is verified before it counts: SHA-256 and size limits (platform),
 * then its run and plan, a sane version (0 to the plan's iterations), the model's exact tensor
 * layout and finite weights; anything else is refused, and dead-lettered once by the topic's
 * reporter ({@link PipelineContext#deadLettersFor}). So a forged or damaged record can neither
 * blind a follower (mark a version handled) nor stop it.
 *
 * <p>By default a model is followed for its newest version: callers wait for a version at
 * least as new as they need ({@link #await}); versions only move forward, and a late starter
 * answers only once it has read the recent records (its first answer is the newest version). A model followed in
 * sequence ({@link Builder#optSequence}) keeps every version in topic order, bounded (the reader
 * waits while 64 are unread; a version older than every one still needed is dropped, never queued), and
 * {@link #version} hands out exactly the one asked for: the
 * value-learner replays with the very EBM versions its batches were learned with.
 *
 * <p>Metrics: {@code dxmi_snapshot_bytes{model}} and {@code dxmi_snapshot_delivery_seconds{model}}
 * (from the publisher's creation time to verified weights here; snapshots published before this
 * follower started are not timed). If a reader thread dies, every waiter fails and so does every
 * later call: the service stops loudly instead of running blind.
 */
public final class SnapshotFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFollower.class);
    private static final int SEQUENCE_CAPACITY = 64;

    /** A verified, decoded snapshot; {@code offset} is its record's position on the model's topic. */
    public record Versioned(String name, long version, WeightSnapshot meta, Map<String, float[]> weights,
            long offset) {}

    private record Waiter(String name, long minVersion, boolean exact, CompletableFuture<Versioned> future) {}

    private final RunTopics topics;
    private final String planHash;
    private final long maxVersion;
    private final Map<String, Map<String, Integer>> layouts;
    private final Map<String, Long> sequenceFrom;
    private final Consumer<Versioned> listener;
    private final Map<String, BlobReader<WeightSnapshot>> readers = new LinkedHashMap<>();
    private final Map<String, Versioned> newest = new LinkedHashMap<>();
    private final Map<String, ArrayDeque<Versioned>> sequences = new LinkedHashMap<>();
    /** Per snapshot name, the held version last warned about: one line per gap, not one per version in it. */
    private final Map<String, Long> warnedGap = new HashMap<>();
    /** Per model followed in sequence, the newest version asked for (see {@link #neededFrom}). */
    private final Map<String, Long> asked = new HashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    /** Models whose reader has read what the topic held at start: only then is their newest the newest. */
    private final Set<String> caughtUp = new HashSet<>();
    private final Metrics.Family<GaugeDataPoint> sizes;
    private final Metrics.Family<DistributionDataPoint> delivery;
    private final long startedAtMillis = System.currentTimeMillis();
    private Throwable failure;
    private boolean closed;

    private SnapshotFollower(Builder b) {
        this.topics = b.topics;
        this.planHash = b.plan == null ? null : b.plan.hash();
        this.maxVersion = b.plan == null ? Long.MAX_VALUE : b.plan.iterations();
        this.layouts = Map.copyOf(b.layouts);
        this.sequenceFrom = Map.copyOf(b.sequenceFrom);
        this.listener = b.listener;
        Metrics m = b.metrics;
        this.sizes = m.gaugeFamily("dxmi_snapshot_bytes", "Size of the newest snapshot", "model");
        this.delivery = m.histogramFamily("dxmi_snapshot_delivery_seconds",
                "Seconds from a snapshot's creation by its publisher to its verified, decoded weights here",
                new double[] {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}, "model");
        for (String model : b.models) {
            String topic = topics.snapshots(model);
            Long from = sequenceFrom.get(model);
            if (from != null) {
                sequences.put(model, new ArrayDeque<>());
            }
            Map<String, Integer> layout = layouts.get(model);
            readers.put(model, BlobReader.<WeightSnapshot>builder().setSettings(b.settings).setTopic(topic)
                    .setFormat(Snapshots.FORMAT).setHandler((meta, bytes, offset) -> accept(model, meta, bytes, offset))
                    .optStart(from == null || from < 0 ? BlobReader.Start.recent(64) : BlobReader.Start.fromOffset(from))
                    .optMaxBytes(layout == null ? 256L << 20 : WeightBlobs.encodedSize(layout))
                    .optDeadLetters(b.context == null ? null : b.context.deadLettersFor(topic)).optMetrics(m)
                    .optOnFailure(this::fail).optOnCaughtUp(() -> caughtUp(model)).build());
        }
    }

    /** A follower of {@code models} on the context's run: {@code setContext} and {@code setModels} are required. */
    public static Builder builder() {
        return new Builder();
    }

    public SnapshotFollower start() {
        readers.values().forEach(BlobReader::start);
        return this;
    }

    /** On a reader thread: checks, decodes, and hands the version out (may block: a full sequence). */
    private void accept(String model, WeightSnapshot meta, byte[] bytes, long offset) throws InterruptedException {
        String what = model + " v" + meta.getVersion();
        if (!topics.run().equals(meta.getRunId())) {
            throw new IllegalArgumentException(what + " belongs to run '" + meta.getRunId() + "'");
        }
        if (!model.equals(meta.getModel())) {
            throw new IllegalArgumentException("a '" + meta.getModel() + "' snapshot on the " + model + " topic");
        }
        if (meta.getVersion() < 0 || meta.getVersion() > maxVersion) {
            throw new IllegalArgumentException(what + " is outside the run's versions 0.." + maxVersion);
        }
        if (planHash != null && !planHash.equals(meta.getProvenance().getConfigHash())) {
            throw new IllegalArgumentException(what + " was trained under plan " + meta.getProvenance().getConfigHash()
                    + ", not this run's " + planHash);
        }
        Map<String, float[]> weights = WeightBlobs.decode(bytes, what);
        checkLayout(what, layouts.get(model), weights);
        Versioned v = new Versioned(model, meta.getVersion(), meta, weights, offset);
        if (listener != null) {
            listener.accept(v);
        }
        if (meta.getCreatedAtMillis() >= startedAtMillis) {
            delivery.labels(model).observe(Math.max(0, System.currentTimeMillis() - meta.getCreatedAtMillis()) / 1e3);
        }
        sizes.labels(model).set(bytes.length);
        List<Map.Entry<Waiter, Versioned>> ready;
        synchronized (this) {
            ArrayDeque<Versioned> sequence = sequences.get(model);
            // A version older than every one still needed (a restarted publisher republishing what it did before
            // its checkpoint) can never be handed out: queueing it could fill the sequence and stall the reader.
            if (sequence != null && v.version() >= neededFrom(model)) {
                while (sequence.size() >= SEQUENCE_CAPACITY && !closed) {
                    wait(); // backpressure: the reader goes on when the learner has taken some
                }
                sequence.add(v);
            }
            Versioned old = newest.get(model);
            // Versions only move forward: a restarted producer republishes older numbers.
            if (old == null || v.version() > old.version()) {
                newest.put(model, v);
            }
            ready = due(model);
        }
        complete(ready);
    }

    /**
     * The oldest version of a model followed in sequence that may still be handed out: the oldest one waited
     * for, else the newest one asked for (versions are asked in increasing order, and with two batches in
     * flight the older one may still be waiting when the newer one is asked).
     */
    private long neededFrom(String model) {
        long from = asked.getOrDefault(model, -1L);
        for (Waiter w : waiters) {
            if (w.exact() && w.name().equals(model)) {
                from = Math.min(from, w.minVersion());
            }
        }
        return from;
    }

    private static void complete(List<Map.Entry<Waiter, Versioned>> ready) {
        for (Map.Entry<Waiter, Versioned> e : ready) {
            e.getKey().future().complete(e.getValue());
        }
    }

    /**
     * The waiters of {@code model} that its held versions satisfy (a late starter's only once caught up), each
     * with the version it gets: taken here, under the lock, so that a newer version asked for meanwhile cannot
     * drop the one handed out.
     */
    private synchronized List<Map.Entry<Waiter, Versioned>> due(String model) {
        List<Map.Entry<Waiter, Versioned>> ready = new ArrayList<>();
        Versioned v = newest.get(model);
        ArrayDeque<Versioned> sequence = sequences.get(model);
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
            Waiter w = it.next();
            boolean satisfied = w.exact() ? sequence != null && !sequence.isEmpty()
                    && sequence.peekLast().version() >= w.minVersion()
                    : caughtUp.contains(model) && v != null && v.version() >= w.minVersion();
            if (w.name().equals(model) && satisfied) {
                it.remove();
                ready.add(Map.entry(w, w.exact() ? take(w) : v));
            }
        }
        return ready;
    }

    private void caughtUp(String model) {
        List<Map.Entry<Waiter, Versioned>> ready;
        synchronized (this) {
            caughtUp.add(model);
            ready = due(model);
        }
        complete(ready);
    }

    private static void checkLayout(String what, Map<String, Integer> layout, Map<String, float[]> weights) {
        if (layout != null) {
            if (!layout.keySet().equals(weights.keySet())) {
                throw new IllegalArgumentException(what + " holds tensors " + weights.keySet() + "; the model has "
                        + layout.keySet());
            }
            layout.forEach((name, n) -> {
                if (weights.get(name).length != n) {
                    throw new IllegalArgumentException(what + ": tensor " + name + " has " + weights.get(name).length
                            + " values; the model's has " + n);
                }
            });
        }
        weights.forEach((name, w) -> {
            for (float x : w) {
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException(what + ": tensor " + name + " holds non-finite values");
                }
            }
        });
    }

    /** The newest version of {@code name} held, or null (during a late start, perhaps not yet the topic's newest). */
    public synchronized Versioned newest(String name) {
        return newest.get(name);
    }

    /** Completes with the newest version of {@code name} once it is at least {@code minVersion}. */
    public synchronized CompletableFuture<Versioned> await(String name, long minVersion) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        Versioned v = newest.get(name);
        if (caughtUp.contains(name) && v != null && v.version() >= minVersion) {
            return CompletableFuture.completedFuture(v);
        }
        CompletableFuture<Versioned> f = new CompletableFuture<>();
        waiters.add(new Waiter(name, minVersion, false, f));
        return f;
    }

    /**
     * A model followed in sequence: completes with exactly {@code version}, dropping older ones
     * (ask in increasing order). Should the topic hold a newer one instead (the version was never
     * published), that one is handed out and a warning logged.
     */
    public synchronized CompletableFuture<Versioned> version(String name, long version) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        Waiter w = new Waiter(name, version, true, new CompletableFuture<>());
        asked.merge(name, version, Math::max);
        Versioned v = take(w);
        if (v != null) {
            return CompletableFuture.completedFuture(v);
        }
        waiters.add(w);
        return w.future();
    }

    /** The first queued version at least the waiter's, older ones dropped; null when none is queued. */
    private synchronized Versioned take(Waiter w) {
        ArrayDeque<Versioned> sequence = sequences.get(w.name());
        if (sequence == null) {
            throw new IllegalStateException(w.name() + " is not followed in sequence");
        }
        while (!sequence.isEmpty() && sequence.peek().version() < w.minVersion()) {
            sequence.poll();
            notifyAll();
        }
        Versioned v = sequence.peek();
        if (v != null && v.version() != w.minVersion()
                && !Long.valueOf(v.version()).equals(warnedGap.put(w.name(), v.version()))) {
            // After a learner fell back to an older checkpoint the topic skips a range of versions: every
            // iteration in that range asks for a missing one and takes the same next version.
            LOG.warn("{} v{} was asked for but the topic holds v{} next; using it for every version up to it (not"
                    + " logged again)", w.name(), w.minVersion(), v.version());
        }
        return v;
    }

    /** The error that stopped a reader, or null. */
    public synchronized Throwable failure() {
        return failure;
    }

    private void fail(Throwable t) {
        List<Waiter> failed;
        synchronized (this) {
            failure = t;
            failed = List.copyOf(waiters);
            waiters.clear();
        }
        failed.forEach(w -> w.future().completeExceptionally(t));
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        readers.values().forEach(BlobReader::close);
        synchronized (this) {
            waiters.forEach(w -> w.future().cancel(false));
            waiters.clear();
        }
    }

    /** Builder: {@code setContext} (or {@code setKafka}) and {@code setModels} required, {@code optX} optional. */
    public static final class Builder {
        private PipelineContext context;
        private KafkaSettings settings;
        private RunTopics topics;
        private Metrics metrics;
        private Set<String> models;
        private RunPlan plan;
        private final Map<String, Map<String, Integer>> layouts = new LinkedHashMap<>();
        private final Map<String, Long> sequenceFrom = new LinkedHashMap<>();
        private Consumer<Versioned> listener;

        private Builder() {}

        /** The service's context: the run's topics, Kafka settings, metrics and dead letters. */
        public Builder setContext(PipelineContext context) {
            this.context = context;
            return setKafka(context.settings(), context.topics(), context.metrics());
        }

        /** Outside a service: the run's topics; refusals are logged only, metrics go to {@code metrics}. */
        public Builder setKafka(KafkaSettings settings, RunTopics topics, Metrics metrics) {
            this.settings = settings;
            this.topics = topics;
            this.metrics = metrics;
            return this;
        }

        /** The models followed ({@link RunTopics#POLICY}, {@link RunTopics#EBM}, {@link RunTopics#VALUE}). */
        public Builder setModels(Set<String> models) {
            this.models = Set.copyOf(models);
            return this;
        }

        /** Refuse snapshots of another plan, and versions beyond its iterations. */
        public Builder optPlan(RunPlan plan) {
            this.plan = plan;
            return this;
        }

        /** Refuse snapshots of {@code model} whose tensors are not exactly these (name to length). */
        public Builder optLayout(String model, Map<String, float[]> weights) {
            Map<String, Integer> layout = new LinkedHashMap<>();
            weights.forEach((k, v) -> layout.put(k, v.length));
            layouts.put(model, layout);
            return this;
        }

        /** Follow {@code model} in sequence from the record at {@code offset} (-1: the topic's recent records). */
        public Builder optSequence(String model, long offset) {
            sequenceFrom.put(model, offset);
            return this;
        }

        /**
         * Also hand every verified snapshot to {@code listener}, in topic order on the reader's thread, including
         * versions older than those held (a restarted publisher's): for audits and tests.
         */
        public Builder optListener(Consumer<Versioned> listener) {
            this.listener = listener;
            return this;
        }

        public SnapshotFollower build() {
            if (settings == null || models == null || models.isEmpty()) {
                throw new IllegalArgumentException("SnapshotFollower needs setContext (or setKafka) and setModels");
            }
            return new SnapshotFollower(this);
        }
    }
}
